-- Cadre storage, version 6: user memories.
--
-- Short facts about a user, kept across sessions: written by the memory step of components with user memories
-- and through the AgentOS /memories routes. topics is a JSON array of strings; memory_folded is the text folded to
-- lower case by Cadre, for the case-blind content search. Times are epoch milliseconds.

CREATE TABLE ${memory_table} (
    memory_id     TEXT    PRIMARY KEY,
    user_id       TEXT    NOT NULL,
    memory        TEXT    NOT NULL,
    memory_folded TEXT    NOT NULL,
    topics        TEXT    NOT NULL DEFAULT '[]',
    agent_id      TEXT,
    team_id       TEXT,
    input         TEXT,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);

-- A user's memories (the prompt, the memory step, a user's listing and stats), and listings of everyone's.
CREATE INDEX ${memory_table}_user_idx ON ${memory_table} (user_id, updated_at DESC, memory_id);
CREATE INDEX ${memory_table}_updated_idx ON ${memory_table} (updated_at DESC, memory_id);
