DROP INDEX users_national_id_index;
ALTER TABLE users DROP COLUMN national_id_index;
