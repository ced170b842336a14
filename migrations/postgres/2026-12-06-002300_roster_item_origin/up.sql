-- Issue #21: a roster item imported from another school (transfer_items) is recorded under its
-- kind with the imported item's id; this tells it apart from the school's own item of that id.
ALTER TABLE roster_export_items ADD COLUMN imported BOOLEAN NOT NULL DEFAULT FALSE;
