DROP TABLE certification_delegates;
