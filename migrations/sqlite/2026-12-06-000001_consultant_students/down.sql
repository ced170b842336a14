DROP TABLE consultant_students;
