-- A job's kind takes only `JobKind`'s values (issue #17 item 5; tests/integration/value_checks.rs
-- compares this list with the enum). A job of another kind makes this migration fail.
ALTER TABLE jobs ADD CONSTRAINT jobs_kind_check CHECK (kind IN ('roster_export', 'transfer_export', 'transfer_import', 'receipt_import', 'analysis_export'));
