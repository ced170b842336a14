ALTER TABLE roster_export_items DROP COLUMN imported;
