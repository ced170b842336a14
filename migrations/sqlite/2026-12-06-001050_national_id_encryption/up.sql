-- National IDs encrypted at rest (issue #26). The columns keep their names and now hold
-- `nid1:` + AES-256-GCM under a key derived from the master secret; `national_id_index` is a
-- keyed hash (HMAC-SHA-256) for equality lookups. SQL has no key: the rows written before this
-- migration are encrypted by the server right after the migrations (national_id::encrypt_existing).
ALTER TABLE users ADD COLUMN national_id_index TEXT;
CREATE INDEX users_national_id_index ON users (school_id, national_id_index);
