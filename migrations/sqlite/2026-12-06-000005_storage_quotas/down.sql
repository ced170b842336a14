DROP INDEX stored_files_school;
DROP INDEX stored_files_owner;
