DROP TABLE sync_batches;
DROP TABLE cadre_records;
DROP TABLE teaching_assignments;
DROP TABLE enrolments;
DROP TABLE courses;
DROP TABLE classes;
DROP TABLE student_profiles;
ALTER TABLE schools DROP COLUMN term_hold;
