-- Cadre storage, version 2: a session keeps the input of its first top-level run (cut to 1000
-- characters), so that a listing names unnamed sessions in one query, without reading their runs.

ALTER TABLE ${session_table} ADD COLUMN first_input TEXT;

UPDATE ${session_table} SET first_input = substr((
    SELECT json_extract(r.input, '$.input_content') FROM ${run_table} r
    WHERE r.session_id = ${session_table}.session_id AND r.parent_run_id IS NULL
    ORDER BY r.seq LIMIT 1), 1, 1000);
