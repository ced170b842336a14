DROP TABLE history_chain;
ALTER TABLE learning_result_events DROP COLUMN video_sha256;
ALTER TABLE learning_result_events DROP COLUMN document_sha256;
