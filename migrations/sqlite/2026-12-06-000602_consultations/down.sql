DROP TABLE consultation_students;
DROP TABLE consultation_records;
