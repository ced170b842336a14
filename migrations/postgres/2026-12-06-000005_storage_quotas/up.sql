-- Storage quotas and the upload rate (issue #15 §5) count a user's and a school's file rows.
CREATE INDEX stored_files_owner ON stored_files (owner_id, created_at);
CREATE INDEX stored_files_school ON stored_files (school_id, created_at);
