-- A learning result's history action takes only `uploads::results::ResultAction`'s values and a
-- notification's kind only `notify::inbox::NotificationKind`'s (issue #17 item 1;
-- tests/integration/value_checks.rs compares these lists with the enums). Every value an earlier
-- version wrote is in them (the results' actions have always been these seven; notifications
-- were `result_{certified,rejected}`, `selection_dropped`, `receipt_pending` and
-- `self_directed_{plan,result}_{approved,returned,certified}`). A row holding another value makes
-- this migration fail (the temporary table's named CHECK); triggers refuse other values, as in
-- 2026-12-06-002500_value_checks (SQLite cannot add a CHECK to an existing table).
CREATE TEMP TABLE _more_value_checks (
    learning_result_events_action INTEGER NOT NULL CONSTRAINT "learning_result_events.action holds a value outside its set" CHECK (learning_result_events_action = 0),
    notifications_kind INTEGER NOT NULL CONSTRAINT "notifications.kind holds a value outside its set" CHECK (notifications_kind = 0)
);
INSERT INTO _more_value_checks VALUES (
    (SELECT COUNT(*) FROM learning_result_events WHERE action IS NULL OR action NOT IN ('created', 'updated', 'submitted', 'certified', 'rejected', 'deleted', 'unselected')),
    (SELECT COUNT(*) FROM notifications WHERE kind IS NULL OR kind NOT IN ('result_certified', 'result_rejected', 'selection_dropped', 'receipt_pending', 'self_directed_plan_approved', 'self_directed_plan_returned', 'self_directed_plan_certified', 'self_directed_result_approved', 'self_directed_result_returned', 'self_directed_result_certified'))
);
DROP TABLE _more_value_checks;

CREATE TRIGGER learning_result_events_action_insert_check BEFORE INSERT ON learning_result_events
WHEN NEW.action IS NULL OR NEW.action NOT IN ('created', 'updated', 'submitted', 'certified', 'rejected', 'deleted', 'unselected')
BEGIN SELECT RAISE(ABORT, 'invalid learning_result_events.action'); END;
CREATE TRIGGER learning_result_events_action_update_check BEFORE UPDATE OF action ON learning_result_events
WHEN NEW.action IS NULL OR NEW.action NOT IN ('created', 'updated', 'submitted', 'certified', 'rejected', 'deleted', 'unselected')
BEGIN SELECT RAISE(ABORT, 'invalid learning_result_events.action'); END;

CREATE TRIGGER notifications_kind_insert_check BEFORE INSERT ON notifications
WHEN NEW.kind IS NULL OR NEW.kind NOT IN ('result_certified', 'result_rejected', 'selection_dropped', 'receipt_pending', 'self_directed_plan_approved', 'self_directed_plan_returned', 'self_directed_plan_certified', 'self_directed_result_approved', 'self_directed_result_returned', 'self_directed_result_certified')
BEGIN SELECT RAISE(ABORT, 'invalid notifications.kind'); END;
CREATE TRIGGER notifications_kind_update_check BEFORE UPDATE OF kind ON notifications
WHEN NEW.kind IS NULL OR NEW.kind NOT IN ('result_certified', 'result_rejected', 'selection_dropped', 'receipt_pending', 'self_directed_plan_approved', 'self_directed_plan_returned', 'self_directed_plan_certified', 'self_directed_result_approved', 'self_directed_result_returned', 'self_directed_result_certified')
BEGIN SELECT RAISE(ABORT, 'invalid notifications.kind'); END;
