-- Stored states, kinds and categories only take their enum's values (issue #17 item 1): the Rust
-- enums (`as_str`/`ALL`) are the source of truth; tests/integration/value_checks.rs compares each
-- constraint below with its enum and checks that the database refuses a value outside it.
-- A row already holding another value makes this migration fail (nothing is mapped to a default).
-- SQLite cannot add a CHECK to an existing table without rebuilding it: BEFORE INSERT / BEFORE
-- UPDATE OF triggers refuse other values instead. Existing rows are checked first, through a
-- temporary table whose named CHECK constraints fail (naming the column) when any row is outside.

CREATE TEMP TABLE _value_checks (
    users_kind INTEGER NOT NULL CONSTRAINT "users.kind holds a value outside its set" CHECK (users_kind = 0),
    mail_settings_encryption INTEGER NOT NULL CONSTRAINT "mail_settings.encryption holds a value outside its set" CHECK (mail_settings_encryption = 0),
    mail_outbox_status INTEGER NOT NULL CONSTRAINT "mail_outbox.status holds a value outside its set" CHECK (mail_outbox_status = 0),
    mail_outbox_reason INTEGER NOT NULL CONSTRAINT "mail_outbox.reason holds a value outside its set" CHECK (mail_outbox_reason = 0),
    student_profiles_division INTEGER NOT NULL CONSTRAINT "student_profiles.division holds a value outside its set" CHECK (student_profiles_division = 0),
    enrolments_kind INTEGER NOT NULL CONSTRAINT "enrolments.kind holds a value outside its set" CHECK (enrolments_kind = 0),
    sync_batches_kind INTEGER NOT NULL CONSTRAINT "sync_batches.kind holds a value outside its set" CHECK (sync_batches_kind = 0),
    work_periods_item INTEGER NOT NULL CONSTRAINT "work_periods.item holds a value outside its set" CHECK (work_periods_item = 0),
    stored_files_kind INTEGER NOT NULL CONSTRAINT "stored_files.kind holds a value outside its set" CHECK (stored_files_kind = 0),
    learning_results_state INTEGER NOT NULL CONSTRAINT "learning_results.state holds a value outside its set" CHECK (learning_results_state = 0),
    learning_result_events_state INTEGER NOT NULL CONSTRAINT "learning_result_events.state holds a value outside its set" CHECK (learning_result_events_state = 0),
    performances_category INTEGER NOT NULL CONSTRAINT "performances.category holds a value outside its set" CHECK (performances_category = 0),
    selections_item_kind INTEGER NOT NULL CONSTRAINT "selections.item_kind holds a value outside its set" CHECK (selections_item_kind = 0)
);
INSERT INTO _value_checks VALUES (
    (SELECT COUNT(*) FROM users WHERE kind IS NULL OR kind NOT IN ('operator', 'staff', 'student', 'temporary')),
    (SELECT COUNT(*) FROM mail_settings WHERE encryption IS NULL OR encryption NOT IN ('none', 'starttls', 'ssl')),
    (SELECT COUNT(*) FROM mail_outbox WHERE status IS NULL OR status NOT IN ('pending', 'sending', 'sent', 'failed')),
    (SELECT COUNT(*) FROM mail_outbox WHERE reason IS NULL OR reason NOT IN ('teacher_uncertified', 'submit_results', 'select_results', 'select_performances', 'receipt_pending')),
    (SELECT COUNT(*) FROM student_profiles WHERE division IS NULL OR division NOT IN ('day', 'continuing')),
    (SELECT COUNT(*) FROM enrolments WHERE kind IS NULL OR kind NOT IN ('regular', 'retake', 'make_up')),
    (SELECT COUNT(*) FROM sync_batches WHERE kind IS NULL OR kind NOT IN ('students', 'staff', 'classes', 'courses', 'enrolments', 'teaching_assignments', 'cadre_records')),
    (SELECT COUNT(*) FROM work_periods WHERE item IS NULL OR item NOT IN ('upload_results', 'certify_results', 'select_results', 'select_performances', 'upload_performances', 'self_directed_plans', 'self_directed_results')),
    (SELECT COUNT(*) FROM stored_files WHERE kind IS NULL OR kind NOT IN ('pdf', 'jpg', 'png', 'mp3', 'mp4')),
    (SELECT COUNT(*) FROM learning_results WHERE state IS NULL OR state NOT IN ('editing', 'submitted', 'certified', 'rejected')),
    (SELECT COUNT(*) FROM learning_result_events WHERE state IS NULL OR state NOT IN ('editing', 'submitted', 'certified', 'rejected')),
    (SELECT COUNT(*) FROM performances WHERE category IS NULL OR category NOT IN ('cadre', 'competition', 'certificate', 'service_learning', 'flexible_learning', 'group_activity', 'workplace', 'works', 'advanced_placement', 'other')),
    (SELECT COUNT(*) FROM selections WHERE item_kind IS NULL OR item_kind NOT IN ('result', 'transfer_result', 'performance', 'transfer_performance'))
);
DROP TABLE _value_checks;

CREATE TRIGGER users_kind_insert_check BEFORE INSERT ON users
WHEN NEW.kind IS NULL OR NEW.kind NOT IN ('operator', 'staff', 'student', 'temporary')
BEGIN SELECT RAISE(ABORT, 'invalid users.kind'); END;
CREATE TRIGGER users_kind_update_check BEFORE UPDATE OF kind ON users
WHEN NEW.kind IS NULL OR NEW.kind NOT IN ('operator', 'staff', 'student', 'temporary')
BEGIN SELECT RAISE(ABORT, 'invalid users.kind'); END;

CREATE TRIGGER mail_settings_encryption_insert_check BEFORE INSERT ON mail_settings
WHEN NEW.encryption IS NULL OR NEW.encryption NOT IN ('none', 'starttls', 'ssl')
BEGIN SELECT RAISE(ABORT, 'invalid mail_settings.encryption'); END;
CREATE TRIGGER mail_settings_encryption_update_check BEFORE UPDATE OF encryption ON mail_settings
WHEN NEW.encryption IS NULL OR NEW.encryption NOT IN ('none', 'starttls', 'ssl')
BEGIN SELECT RAISE(ABORT, 'invalid mail_settings.encryption'); END;

CREATE TRIGGER mail_outbox_status_insert_check BEFORE INSERT ON mail_outbox
WHEN NEW.status IS NULL OR NEW.status NOT IN ('pending', 'sending', 'sent', 'failed')
BEGIN SELECT RAISE(ABORT, 'invalid mail_outbox.status'); END;
CREATE TRIGGER mail_outbox_status_update_check BEFORE UPDATE OF status ON mail_outbox
WHEN NEW.status IS NULL OR NEW.status NOT IN ('pending', 'sending', 'sent', 'failed')
BEGIN SELECT RAISE(ABORT, 'invalid mail_outbox.status'); END;

CREATE TRIGGER mail_outbox_reason_insert_check BEFORE INSERT ON mail_outbox
WHEN NEW.reason IS NULL OR NEW.reason NOT IN ('teacher_uncertified', 'submit_results', 'select_results', 'select_performances', 'receipt_pending')
BEGIN SELECT RAISE(ABORT, 'invalid mail_outbox.reason'); END;
CREATE TRIGGER mail_outbox_reason_update_check BEFORE UPDATE OF reason ON mail_outbox
WHEN NEW.reason IS NULL OR NEW.reason NOT IN ('teacher_uncertified', 'submit_results', 'select_results', 'select_performances', 'receipt_pending')
BEGIN SELECT RAISE(ABORT, 'invalid mail_outbox.reason'); END;

CREATE TRIGGER student_profiles_division_insert_check BEFORE INSERT ON student_profiles
WHEN NEW.division IS NULL OR NEW.division NOT IN ('day', 'continuing')
BEGIN SELECT RAISE(ABORT, 'invalid student_profiles.division'); END;
CREATE TRIGGER student_profiles_division_update_check BEFORE UPDATE OF division ON student_profiles
WHEN NEW.division IS NULL OR NEW.division NOT IN ('day', 'continuing')
BEGIN SELECT RAISE(ABORT, 'invalid student_profiles.division'); END;

CREATE TRIGGER enrolments_kind_insert_check BEFORE INSERT ON enrolments
WHEN NEW.kind IS NULL OR NEW.kind NOT IN ('regular', 'retake', 'make_up')
BEGIN SELECT RAISE(ABORT, 'invalid enrolments.kind'); END;
CREATE TRIGGER enrolments_kind_update_check BEFORE UPDATE OF kind ON enrolments
WHEN NEW.kind IS NULL OR NEW.kind NOT IN ('regular', 'retake', 'make_up')
BEGIN SELECT RAISE(ABORT, 'invalid enrolments.kind'); END;

CREATE TRIGGER sync_batches_kind_insert_check BEFORE INSERT ON sync_batches
WHEN NEW.kind IS NULL OR NEW.kind NOT IN ('students', 'staff', 'classes', 'courses', 'enrolments', 'teaching_assignments', 'cadre_records')
BEGIN SELECT RAISE(ABORT, 'invalid sync_batches.kind'); END;
CREATE TRIGGER sync_batches_kind_update_check BEFORE UPDATE OF kind ON sync_batches
WHEN NEW.kind IS NULL OR NEW.kind NOT IN ('students', 'staff', 'classes', 'courses', 'enrolments', 'teaching_assignments', 'cadre_records')
BEGIN SELECT RAISE(ABORT, 'invalid sync_batches.kind'); END;

CREATE TRIGGER work_periods_item_insert_check BEFORE INSERT ON work_periods
WHEN NEW.item IS NULL OR NEW.item NOT IN ('upload_results', 'certify_results', 'select_results', 'select_performances', 'upload_performances', 'self_directed_plans', 'self_directed_results')
BEGIN SELECT RAISE(ABORT, 'invalid work_periods.item'); END;
CREATE TRIGGER work_periods_item_update_check BEFORE UPDATE OF item ON work_periods
WHEN NEW.item IS NULL OR NEW.item NOT IN ('upload_results', 'certify_results', 'select_results', 'select_performances', 'upload_performances', 'self_directed_plans', 'self_directed_results')
BEGIN SELECT RAISE(ABORT, 'invalid work_periods.item'); END;

CREATE TRIGGER stored_files_kind_insert_check BEFORE INSERT ON stored_files
WHEN NEW.kind IS NULL OR NEW.kind NOT IN ('pdf', 'jpg', 'png', 'mp3', 'mp4')
BEGIN SELECT RAISE(ABORT, 'invalid stored_files.kind'); END;
CREATE TRIGGER stored_files_kind_update_check BEFORE UPDATE OF kind ON stored_files
WHEN NEW.kind IS NULL OR NEW.kind NOT IN ('pdf', 'jpg', 'png', 'mp3', 'mp4')
BEGIN SELECT RAISE(ABORT, 'invalid stored_files.kind'); END;

CREATE TRIGGER learning_results_state_insert_check BEFORE INSERT ON learning_results
WHEN NEW.state IS NULL OR NEW.state NOT IN ('editing', 'submitted', 'certified', 'rejected')
BEGIN SELECT RAISE(ABORT, 'invalid learning_results.state'); END;
CREATE TRIGGER learning_results_state_update_check BEFORE UPDATE OF state ON learning_results
WHEN NEW.state IS NULL OR NEW.state NOT IN ('editing', 'submitted', 'certified', 'rejected')
BEGIN SELECT RAISE(ABORT, 'invalid learning_results.state'); END;

CREATE TRIGGER learning_result_events_state_insert_check BEFORE INSERT ON learning_result_events
WHEN NEW.state IS NULL OR NEW.state NOT IN ('editing', 'submitted', 'certified', 'rejected')
BEGIN SELECT RAISE(ABORT, 'invalid learning_result_events.state'); END;
CREATE TRIGGER learning_result_events_state_update_check BEFORE UPDATE OF state ON learning_result_events
WHEN NEW.state IS NULL OR NEW.state NOT IN ('editing', 'submitted', 'certified', 'rejected')
BEGIN SELECT RAISE(ABORT, 'invalid learning_result_events.state'); END;

CREATE TRIGGER performances_category_insert_check BEFORE INSERT ON performances
WHEN NEW.category IS NULL OR NEW.category NOT IN ('cadre', 'competition', 'certificate', 'service_learning', 'flexible_learning', 'group_activity', 'workplace', 'works', 'advanced_placement', 'other')
BEGIN SELECT RAISE(ABORT, 'invalid performances.category'); END;
CREATE TRIGGER performances_category_update_check BEFORE UPDATE OF category ON performances
WHEN NEW.category IS NULL OR NEW.category NOT IN ('cadre', 'competition', 'certificate', 'service_learning', 'flexible_learning', 'group_activity', 'workplace', 'works', 'advanced_placement', 'other')
BEGIN SELECT RAISE(ABORT, 'invalid performances.category'); END;

CREATE TRIGGER selections_item_kind_insert_check BEFORE INSERT ON selections
WHEN NEW.item_kind IS NULL OR NEW.item_kind NOT IN ('result', 'transfer_result', 'performance', 'transfer_performance')
BEGIN SELECT RAISE(ABORT, 'invalid selections.item_kind'); END;
CREATE TRIGGER selections_item_kind_update_check BEFORE UPDATE OF item_kind ON selections
WHEN NEW.item_kind IS NULL OR NEW.item_kind NOT IN ('result', 'transfer_result', 'performance', 'transfer_performance')
BEGIN SELECT RAISE(ABORT, 'invalid selections.item_kind'); END;
