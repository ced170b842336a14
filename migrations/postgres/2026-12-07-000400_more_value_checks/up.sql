-- A learning result's history action takes only `uploads::results::ResultAction`'s values and a
-- notification's kind only `notify::inbox::NotificationKind`'s (issue #17 item 1;
-- tests/integration/value_checks.rs compares these lists with the enums). Every value an earlier
-- version wrote is in them (the results' actions have always been these seven; notifications
-- were `result_{certified,rejected}`, `selection_dropped`, `receipt_pending` and
-- `self_directed_{plan,result}_{approved,returned,certified}`). A row holding another value makes
-- this migration fail: nothing is mapped to a default.
ALTER TABLE learning_result_events ADD CONSTRAINT learning_result_events_action_check CHECK (action IN ('created', 'updated', 'submitted', 'certified', 'rejected', 'deleted', 'unselected'));
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check CHECK (kind IN ('result_certified', 'result_rejected', 'selection_dropped', 'receipt_pending', 'self_directed_plan_approved', 'self_directed_plan_returned', 'self_directed_plan_certified', 'self_directed_result_approved', 'self_directed_result_returned', 'self_directed_result_certified'));
