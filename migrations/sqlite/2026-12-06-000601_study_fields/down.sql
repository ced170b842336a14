DROP TABLE study_fields;
