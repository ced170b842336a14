ALTER TABLE jobs DROP CONSTRAINT jobs_kind_check;
