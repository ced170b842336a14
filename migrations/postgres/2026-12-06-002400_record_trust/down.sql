DROP TABLE server_keys;
ALTER TABLE learning_result_events DROP COLUMN detail;
