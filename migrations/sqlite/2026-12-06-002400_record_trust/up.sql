-- Trust in the record (issue #26).
-- A learning-result event that changes the result's fields records them before and after (JSON;
-- NULL for the other events and for events recorded before this migration). The history chain
-- seals it with the event.
ALTER TABLE learning_result_events ADD COLUMN detail TEXT;
-- The national-ID keys of the running servers (each writes its row every half minute), so that
-- `licheng rotate-key` refuses while a server still runs with the old secret.
CREATE TABLE server_keys (
    instance TEXT PRIMARY KEY NOT NULL,
    key_id TEXT NOT NULL,
    previous_key_id TEXT,
    seen_at TIMESTAMP NOT NULL
);
