ALTER TABLE audit_events DROP CONSTRAINT audit_events_event_check;
