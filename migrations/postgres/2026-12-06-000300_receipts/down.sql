DROP TABLE receipt_reports;
DROP TABLE receipt_answers;
DROP TABLE receipt_students;
DROP TABLE receipt_imports;
DELETE FROM role_group_modules WHERE module_code = 'S0219S';
DELETE FROM function_modules WHERE code = 'S0219S';
