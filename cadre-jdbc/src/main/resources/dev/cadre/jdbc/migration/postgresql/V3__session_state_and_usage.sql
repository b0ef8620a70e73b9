-- Cadre storage, version 3: what the AgentOS session routes and usage metrics need.
--
-- A session keeps its state, metadata and summary (JSON), and its name folded to lower case for the
-- case-blind name filter (written by Cadre with Java's lower-casing; rows written before this version
-- get PostgreSQL's lower()). A run keeps its token counts in columns, so that usage is added up in SQL.
-- The usage table holds what each session's ended runs used per model, kept up to date as runs end, so
-- that a listing shows token totals without reading runs.

ALTER TABLE ${session_table} ADD COLUMN session_state JSONB;
ALTER TABLE ${session_table} ADD COLUMN metadata JSONB;
ALTER TABLE ${session_table} ADD COLUMN summary JSONB;
ALTER TABLE ${session_table} ADD COLUMN name_folded TEXT;
UPDATE ${session_table} SET name_folded = lower(name) WHERE name IS NOT NULL;

ALTER TABLE ${run_table} ADD COLUMN input_tokens BIGINT NOT NULL DEFAULT 0;
ALTER TABLE ${run_table} ADD COLUMN output_tokens BIGINT NOT NULL DEFAULT 0;
ALTER TABLE ${run_table} ADD COLUMN total_tokens BIGINT NOT NULL DEFAULT 0;
ALTER TABLE ${run_table} ADD COLUMN cache_read_tokens BIGINT NOT NULL DEFAULT 0;
ALTER TABLE ${run_table} ADD COLUMN cache_write_tokens BIGINT NOT NULL DEFAULT 0;
ALTER TABLE ${run_table} ADD COLUMN reasoning_tokens BIGINT NOT NULL DEFAULT 0;
UPDATE ${run_table} SET
    input_tokens = COALESCE((metrics ->> 'input_tokens')::bigint, 0),
    output_tokens = COALESCE((metrics ->> 'output_tokens')::bigint, 0),
    total_tokens = COALESCE((metrics ->> 'total_tokens')::bigint, 0),
    cache_read_tokens = COALESCE((metrics ->> 'cache_read_tokens')::bigint, 0),
    cache_write_tokens = COALESCE((metrics ->> 'cache_write_tokens')::bigint, 0),
    reasoning_tokens = COALESCE((metrics ->> 'reasoning_tokens')::bigint, 0)
WHERE metrics <> '{}'::jsonb;

-- A run counts under each model of its per-model metrics, with the provider they name (such as
-- 'OpenAI Responses'); here, rows already stored count under their run's recorded model and provider.
-- model and model_provider are '' for runs that recorded none, so that they can be part of the key.
CREATE TABLE ${usage_table} (
    session_id        TEXT   NOT NULL REFERENCES ${session_table} (session_id) ON DELETE CASCADE,
    model             TEXT   NOT NULL,
    model_provider    TEXT   NOT NULL,
    input_tokens      BIGINT NOT NULL,
    output_tokens     BIGINT NOT NULL,
    total_tokens      BIGINT NOT NULL,
    cache_read_tokens BIGINT NOT NULL,
    cache_write_tokens BIGINT NOT NULL,
    reasoning_tokens  BIGINT NOT NULL,
    PRIMARY KEY (session_id, model, model_provider)
);
INSERT INTO ${usage_table} (session_id, model, model_provider, input_tokens, output_tokens, total_tokens,
        cache_read_tokens, cache_write_tokens, reasoning_tokens)
    SELECT session_id, COALESCE(model, ''), COALESCE(model_provider, ''), SUM(input_tokens), SUM(output_tokens),
        SUM(total_tokens), SUM(cache_read_tokens), SUM(cache_write_tokens), SUM(reasoning_tokens)
    FROM ${run_table} WHERE status IN ('CANCELLED', 'COMPLETED', 'ERROR')
    GROUP BY session_id, COALESCE(model, ''), COALESCE(model_provider, '')
    HAVING SUM(input_tokens) <> 0 OR SUM(output_tokens) <> 0 OR SUM(total_tokens) <> 0
        OR SUM(cache_read_tokens) <> 0 OR SUM(cache_write_tokens) <> 0 OR SUM(reasoning_tokens) <> 0;

-- Listings by creation or by update, either way, with the session id as tie-breaker, walk an index
-- (an ascending listing walks it backwards).
DROP INDEX ${session_table}_component_idx;
CREATE INDEX ${session_table}_component_idx ON ${session_table} (component_id, created_at DESC, session_id);
DROP INDEX ${session_table}_user_idx;
CREATE INDEX ${session_table}_user_idx ON ${session_table} (user_id, created_at DESC, session_id);
CREATE INDEX ${session_table}_updated_idx ON ${session_table} (updated_at DESC, session_id);

-- Usage by day reads runs by their start.
CREATE INDEX ${run_table}_created_idx ON ${run_table} (created_at);
