DROP TRIGGER jobs_kind_update_check;
DROP TRIGGER jobs_kind_insert_check;
