-- A job's kind takes only `JobKind`'s values (issue #17 item 5; tests/integration/value_checks.rs
-- compares this list with the enum). A job of another kind makes this migration fail: the
-- temporary table's named CHECK refuses the count of such jobs. SQLite cannot add a CHECK to an
-- existing table without rebuilding it, so triggers refuse other kinds (as in
-- 2026-12-06-002500_value_checks).
CREATE TEMP TABLE _job_kinds (
    jobs_kind INTEGER NOT NULL CONSTRAINT "jobs.kind holds a value outside its set" CHECK (jobs_kind = 0)
);
INSERT INTO _job_kinds VALUES ((SELECT COUNT(*) FROM jobs WHERE kind IS NULL OR kind NOT IN ('roster_export', 'transfer_export', 'transfer_import', 'receipt_import', 'analysis_export')));
DROP TABLE _job_kinds;

CREATE TRIGGER jobs_kind_insert_check BEFORE INSERT ON jobs
WHEN NEW.kind IS NULL OR NEW.kind NOT IN ('roster_export', 'transfer_export', 'transfer_import', 'receipt_import', 'analysis_export')
BEGIN SELECT RAISE(ABORT, 'invalid jobs.kind'); END;
CREATE TRIGGER jobs_kind_update_check BEFORE UPDATE OF kind ON jobs
WHEN NEW.kind IS NULL OR NEW.kind NOT IN ('roster_export', 'transfer_export', 'transfer_import', 'receipt_import', 'analysis_export')
BEGIN SELECT RAISE(ABORT, 'invalid jobs.kind'); END;
