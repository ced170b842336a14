-- Tamper-evident history (issue #26): every learning-result event and audit event is sealed into
-- a per-school hash chain. An event records the files its result had at that moment.
ALTER TABLE learning_result_events ADD COLUMN document_sha256 TEXT;
ALTER TABLE learning_result_events ADD COLUMN video_sha256 TEXT;
CREATE TABLE history_chain (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- 0: the platform's own chain (events of no school).
    school_id BIGINT NOT NULL,
    seq BIGINT NOT NULL CHECK (seq >= 1),
    source TEXT NOT NULL CHECK (source IN ('learning_result_events', 'audit_events')),
    source_id BIGINT NOT NULL,
    content_hash TEXT NOT NULL CHECK (length(content_hash) = 64),
    prev_hash TEXT NOT NULL CHECK (length(prev_hash) = 64),
    hash TEXT NOT NULL CHECK (length(hash) = 64),
    sealed_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX history_chain_seq ON history_chain (school_id, seq);
CREATE UNIQUE INDEX history_chain_source ON history_chain (source, source_id);
