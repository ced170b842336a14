DROP TABLE roster_export_items;
DROP TABLE roster_exports;
