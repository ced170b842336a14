DROP TABLE selections;
DROP TABLE performances;
DROP TABLE learning_result_events;
DROP TABLE learning_results;
DROP TABLE stored_files;
