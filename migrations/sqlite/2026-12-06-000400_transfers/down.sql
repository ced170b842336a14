DROP TABLE transfer_items;
DROP TABLE transfer_imports;
DROP TABLE transfer_exports;
DELETE FROM role_group_modules WHERE module_code IN ('S0601S', 'S0602S');
DELETE FROM function_modules WHERE code IN ('S0601S', 'S0602S');
