-- Stored states, kinds and categories only take their enum's values (issue #17 item 1): the Rust
-- enums (`as_str`/`ALL`) are the source of truth; tests/integration/value_checks.rs compares each
-- constraint below with its enum and checks that the database refuses a value outside it.
-- A row already holding another value makes this migration fail (nothing is mapped to a default).

ALTER TABLE users ADD CONSTRAINT users_kind_check CHECK (kind IN ('operator', 'staff', 'student', 'temporary'));
ALTER TABLE mail_settings ADD CONSTRAINT mail_settings_encryption_check CHECK (encryption IN ('none', 'starttls', 'ssl'));
ALTER TABLE mail_outbox ADD CONSTRAINT mail_outbox_status_check CHECK (status IN ('pending', 'sending', 'sent', 'failed'));
ALTER TABLE mail_outbox ADD CONSTRAINT mail_outbox_reason_check CHECK (reason IN ('teacher_uncertified', 'submit_results', 'select_results', 'select_performances', 'receipt_pending'));
ALTER TABLE student_profiles ADD CONSTRAINT student_profiles_division_check CHECK (division IN ('day', 'continuing'));
ALTER TABLE enrolments ADD CONSTRAINT enrolments_kind_check CHECK (kind IN ('regular', 'retake', 'make_up'));
ALTER TABLE sync_batches ADD CONSTRAINT sync_batches_kind_check CHECK (kind IN ('students', 'staff', 'classes', 'courses', 'enrolments', 'teaching_assignments', 'cadre_records'));
ALTER TABLE work_periods ADD CONSTRAINT work_periods_item_check CHECK (item IN ('upload_results', 'certify_results', 'select_results', 'select_performances', 'upload_performances', 'self_directed_plans', 'self_directed_results'));
ALTER TABLE stored_files ADD CONSTRAINT stored_files_kind_check CHECK (kind IN ('pdf', 'jpg', 'png', 'mp3', 'mp4'));
ALTER TABLE learning_results ADD CONSTRAINT learning_results_state_check CHECK (state IN ('editing', 'submitted', 'certified', 'rejected'));
ALTER TABLE learning_result_events ADD CONSTRAINT learning_result_events_state_check CHECK (state IN ('editing', 'submitted', 'certified', 'rejected'));
ALTER TABLE performances ADD CONSTRAINT performances_category_check CHECK (category IN ('cadre', 'competition', 'certificate', 'service_learning', 'flexible_learning', 'group_activity', 'workplace', 'works', 'advanced_placement', 'other'));
ALTER TABLE selections ADD CONSTRAINT selections_item_kind_check CHECK (item_kind IN ('result', 'transfer_result', 'performance', 'transfer_performance'));
