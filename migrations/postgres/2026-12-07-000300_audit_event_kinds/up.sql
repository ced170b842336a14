-- An audit event's kind takes only `audit::EventKind`'s values (issue #17 item 1;
-- tests/integration/value_checks.rs compares this list with the enum). Every kind any version
-- recorded is listed; an event of another kind makes this migration fail.
ALTER TABLE audit_events ADD CONSTRAINT audit_events_event_check CHECK (event IN (
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
));
