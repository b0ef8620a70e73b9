-- Cadre storage, version 4: cancel requests.
--
-- A cancel records a request on the run's row (its reason, and when it was asked) and changes nothing
-- else; the process that owns the run reads the requests for its runs at every heartbeat and ends them
-- itself, so what it wrote (a partial answer) is kept. The first request's reason is kept. The
-- columns stay set once the run has ended, as a record that it was asked to stop.

ALTER TABLE ${run_table} ADD COLUMN cancel_reason TEXT;
ALTER TABLE ${run_table} ADD COLUMN cancel_requested_at BIGINT;

-- The owner's question at every heartbeat: its unfinished runs with a request. Only those rows are
-- indexed, so the index stays as small as the number of requests waiting to be carried out. The
-- predicate is written exactly as the query writes it, so that the planner can use the index.
CREATE INDEX ${run_table}_cancel_idx ON ${run_table} (owner_instance)
    WHERE cancel_reason IS NOT NULL AND status NOT IN ('CANCELLED', 'COMPLETED', 'ERROR');
