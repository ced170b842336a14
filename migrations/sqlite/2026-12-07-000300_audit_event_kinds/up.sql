-- An audit event's kind takes only `audit::EventKind`'s values (issue #17 item 1;
-- tests/integration/value_checks.rs compares this list with the enum). Every kind any version
-- recorded is listed; an event of another kind makes this migration fail: the temporary table's
-- named CHECK refuses the count of such events. SQLite cannot add a CHECK to an existing table
-- without rebuilding it, so triggers refuse other kinds (as in 2026-12-07-000200_job_kinds).
CREATE TEMP TABLE _audit_event_kinds (
    audit_events_event INTEGER NOT NULL CONSTRAINT "audit_events.event holds a value outside its set" CHECK (audit_events_event = 0)
);
INSERT INTO _audit_event_kinds VALUES ((SELECT COUNT(*) FROM audit_events WHERE event IS NULL OR event NOT IN (
    'sign_in_succeeded', 'sign_in_failed', 'account_locked', 'refresh_token_reused',
    'password_reset_requested', 'password_reset_completed', 'password_changed', 'email_changed',
    'password_reset_by_admin', 'temporary_account_created', 'temporary_account_revoked',
    'api_key_created', 'api_key_revoked', 'role_group_created', 'role_group_updated',
    'role_group_deleted', 'role_group_modules_changed', 'role_group_members_changed',
    'email_changed_by_sync', 'national_id_changed_by_sync', 'mail_settings_changed',
    'school_created', 'term_switched', 'parameters_changed', 'national_window_set',
    'work_period_created', 'work_period_updated', 'work_period_deleted',
    'co_taught_certifiers_changed', 'consultant_classes_changed', 'consultant_students_changed',
    'counselor_students_changed', 'certification_delegate_named', 'certification_delegate_ended',
    'sdl_group_created', 'sdl_group_renamed', 'sdl_group_deleted', 'sdl_group_members_changed',
    'sdl_order_changed', 'consultation_created', 'consultation_updated', 'consultation_deleted',
    'roster_exported', 'transfer_imported', 'receipt_answered', 'self_directed_event',
    'performance_changed', 'selection_changed', 'performance_created', 'performance_updated',
    'performance_deleted', 'selection_added', 'selection_removed', 'self_directed_plan_created',
    'self_directed_plan_updated', 'self_directed_plan_deleted', 'self_directed_submitted',
    'self_directed_result_saved', 'receipt_confirmed', 'receipt_reported'
)));
DROP TABLE _audit_event_kinds;

CREATE TRIGGER audit_events_event_insert_check BEFORE INSERT ON audit_events
WHEN NEW.event IS NULL OR NEW.event NOT IN (
    'sign_in_succeeded', 'sign_in_failed', 'account_locked', 'refresh_token_reused',
    'password_reset_requested', 'password_reset_completed', 'password_changed', 'email_changed',
    'password_reset_by_admin', 'temporary_account_created', 'temporary_account_revoked',
    'api_key_created', 'api_key_revoked', 'role_group_created', 'role_group_updated',
    'role_group_deleted', 'role_group_modules_changed', 'role_group_members_changed',
    'email_changed_by_sync', 'national_id_changed_by_sync', 'mail_settings_changed',
    'school_created', 'term_switched', 'parameters_changed', 'national_window_set',
    'work_period_created', 'work_period_updated', 'work_period_deleted',
    'co_taught_certifiers_changed', 'consultant_classes_changed', 'consultant_students_changed',
    'counselor_students_changed', 'certification_delegate_named', 'certification_delegate_ended',
    'sdl_group_created', 'sdl_group_renamed', 'sdl_group_deleted', 'sdl_group_members_changed',
    'sdl_order_changed', 'consultation_created', 'consultation_updated', 'consultation_deleted',
    'roster_exported', 'transfer_imported', 'receipt_answered', 'self_directed_event',
    'performance_changed', 'selection_changed', 'performance_created', 'performance_updated',
    'performance_deleted', 'selection_added', 'selection_removed', 'self_directed_plan_created',
    'self_directed_plan_updated', 'self_directed_plan_deleted', 'self_directed_submitted',
    'self_directed_result_saved', 'receipt_confirmed', 'receipt_reported'
)
BEGIN SELECT RAISE(ABORT, 'invalid audit_events.event'); END;
CREATE TRIGGER audit_events_event_update_check BEFORE UPDATE OF event ON audit_events
WHEN NEW.event IS NULL OR NEW.event NOT IN (
    'sign_in_succeeded', 'sign_in_failed', 'account_locked', 'refresh_token_reused',
    'password_reset_requested', 'password_reset_completed', 'password_changed', 'email_changed',
    'password_reset_by_admin', 'temporary_account_created', 'temporary_account_revoked',
    'api_key_created', 'api_key_revoked', 'role_group_created', 'role_group_updated',
    'role_group_deleted', 'role_group_modules_changed', 'role_group_members_changed',
    'email_changed_by_sync', 'national_id_changed_by_sync', 'mail_settings_changed',
    'school_created', 'term_switched', 'parameters_changed', 'national_window_set',
    'work_period_created', 'work_period_updated', 'work_period_deleted',
    'co_taught_certifiers_changed', 'consultant_classes_changed', 'consultant_students_changed',
    'counselor_students_changed', 'certification_delegate_named', 'certification_delegate_ended',
    'sdl_group_created', 'sdl_group_renamed', 'sdl_group_deleted', 'sdl_group_members_changed',
    'sdl_order_changed', 'consultation_created', 'consultation_updated', 'consultation_deleted',
    'roster_exported', 'transfer_imported', 'receipt_answered', 'self_directed_event',
    'performance_changed', 'selection_changed', 'performance_created', 'performance_updated',
    'performance_deleted', 'selection_added', 'selection_removed', 'self_directed_plan_created',
    'self_directed_plan_updated', 'self_directed_plan_deleted', 'self_directed_submitted',
    'self_directed_result_saved', 'receipt_confirmed', 'receipt_reported'
)
BEGIN SELECT RAISE(ABORT, 'invalid audit_events.event'); END;
