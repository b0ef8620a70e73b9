-- Cadre storage, version 1: one row per session, one row per run, one row per process instance.
-- Table names come from the store's configuration through Flyway placeholders.
-- Times are epoch milliseconds (UTC). JSON columns hold Cadre's JSON format (snake_case).

CREATE TABLE ${session_table} (
    session_id   TEXT    NOT NULL PRIMARY KEY,
    session_type TEXT    NOT NULL,
    component_id TEXT    NOT NULL,
    user_id      TEXT,
    name         TEXT,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX ${session_table}_created_idx ON ${session_table} (created_at DESC, session_id);
CREATE INDEX ${session_table}_component_idx ON ${session_table} (component_id, created_at DESC);
CREATE INDEX ${session_table}_user_idx ON ${session_table} (user_id, created_at DESC);

-- seq is the insertion order: member runs come back in the order they started, and a session's
-- runs oldest first, without relying on clocks.
CREATE TABLE ${run_table} (
    seq            INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    run_id         TEXT    NOT NULL UNIQUE,
    session_id     TEXT    NOT NULL REFERENCES ${session_table} (session_id) ON DELETE CASCADE,
    parent_run_id  TEXT,
    component_type TEXT    NOT NULL,
    component_id   TEXT    NOT NULL,
    component_name TEXT    NOT NULL,
    user_id        TEXT,
    status         TEXT    NOT NULL,
    owner_instance TEXT    NOT NULL,
    error_type     TEXT,
    error_message  TEXT,
    model          TEXT,
    model_provider TEXT,
    input          TEXT    NOT NULL,
    content        TEXT    NOT NULL,
    messages       TEXT    NOT NULL,
    tools          TEXT    NOT NULL,
    metrics        TEXT    NOT NULL,
    events         TEXT    NOT NULL,
    extra          TEXT,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
CREATE INDEX ${run_table}_session_idx ON ${run_table} (session_id, seq);
CREATE INDEX ${run_table}_parent_idx ON ${run_table} (parent_run_id, seq);
CREATE INDEX ${run_table}_status_idx ON ${run_table} (status, owner_instance);
CREATE INDEX ${run_table}_component_idx ON ${run_table} (component_id, created_at);

CREATE TABLE ${instance_table} (
    instance_id  TEXT    NOT NULL PRIMARY KEY,
    started_at   INTEGER NOT NULL,
    heartbeat_at INTEGER NOT NULL
);
