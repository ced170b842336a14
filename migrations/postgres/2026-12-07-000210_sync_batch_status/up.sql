-- A sync batch's status code takes only `sync::SyncStatusCode`'s values (issue #17 item 1;
-- tests/integration/value_checks.rs compares this list with the enum). A batch with another code
-- makes this migration fail.
ALTER TABLE sync_batches ADD CONSTRAINT sync_batches_status_code_check CHECK (status_code IN ('received', '00', '01', '02', '03', '99'));
