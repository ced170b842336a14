DROP TABLE counselor_students;
DROP TABLE consultant_classes;
DROP TABLE work_periods;
DROP TABLE national_windows;
DROP TABLE function_parameters;
