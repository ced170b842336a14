-- Long work as database-backed jobs (issue #17 item 5): any server instance claims a queued
-- job with a conditional update that sets a lease (claimed_until, claim_token); a job whose
-- instance died is taken over once its lease has passed; failures are retried with back-off.
CREATE TABLE jobs (
    id BIGSERIAL PRIMARY KEY,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    owner_id BIGINT NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL,
    params TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed')),
    done BIGINT NOT NULL DEFAULT 0,
    total BIGINT NOT NULL DEFAULT 0,
    result_path TEXT,
    result_name TEXT,
    result_sha256 TEXT,
    result_size BIGINT,
    error TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_until TIMESTAMP,
    claim_token TEXT,
    -- Set while the job is queued or running: two jobs with the same key cannot be open at once.
    lock_key TEXT,
    created_at TIMESTAMP NOT NULL,
    started_at TIMESTAMP,
    finished_at TIMESTAMP,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX jobs_due ON jobs (state, next_attempt_at);
CREATE INDEX jobs_school ON jobs (school_id, kind, id);
CREATE UNIQUE INDEX jobs_lock_key ON jobs (lock_key);
