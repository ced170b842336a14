-- A sync batch's status code takes only `sync::SyncStatusCode`'s values (issue #17 item 1;
-- tests/integration/value_checks.rs compares this list with the enum). A batch with another code
-- makes this migration fail (the temporary table's named CHECK); triggers refuse other codes, as
-- in 2026-12-06-002500_value_checks.
CREATE TEMP TABLE _sync_batch_status (
    sync_batches_status_code INTEGER NOT NULL CONSTRAINT "sync_batches.status_code holds a value outside its set" CHECK (sync_batches_status_code = 0)
);
INSERT INTO _sync_batch_status VALUES ((SELECT COUNT(*) FROM sync_batches WHERE status_code IS NULL OR status_code NOT IN ('received', '00', '01', '02', '03', '99')));
DROP TABLE _sync_batch_status;

CREATE TRIGGER sync_batches_status_code_insert_check BEFORE INSERT ON sync_batches
WHEN NEW.status_code IS NULL OR NEW.status_code NOT IN ('received', '00', '01', '02', '03', '99')
BEGIN SELECT RAISE(ABORT, 'invalid sync_batches.status_code'); END;
CREATE TRIGGER sync_batches_status_code_update_check BEFORE UPDATE OF status_code ON sync_batches
WHEN NEW.status_code IS NULL OR NEW.status_code NOT IN ('received', '00', '01', '02', '03', '99')
BEGIN SELECT RAISE(ABORT, 'invalid sync_batches.status_code'); END;
