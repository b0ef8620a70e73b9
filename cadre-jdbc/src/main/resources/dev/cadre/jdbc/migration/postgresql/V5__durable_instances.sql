-- Cadre storage, version 5: durable processes.
--
-- A process that executes durable runs (cadre-durable) says so on its instance row. When it dies, the live
-- durable processes resume its runs from their last completed step; the orphan sweep of every other process
-- sharing the database (a local-mode server, a command-line tool) must then leave those runs alone instead of
-- ending them as orphans.

ALTER TABLE ${instance_table} ADD COLUMN durable BOOLEAN NOT NULL DEFAULT FALSE;
