-- School settings: function parameters (manual 3.3), national windows, work periods (3.6),
-- course consultants' classes (3.4) and counselors' students, per term.

CREATE TABLE function_parameters (
    school_id BIGINT PRIMARY KEY NOT NULL REFERENCES schools(id),
    results_per_semester INTEGER NOT NULL,
    results_per_subject INTEGER NOT NULL,
    teacher_reminder_hour INTEGER,
    remind_results_selection_days INTEGER NOT NULL,
    remind_performances_selection_days INTEGER NOT NULL,
    remind_submit_days INTEGER NOT NULL,
    performances_per_year INTEGER NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE national_windows (
    academic_year INTEGER PRIMARY KEY NOT NULL,
    results_start DATE NOT NULL,
    results_end DATE NOT NULL,
    performances_start DATE NOT NULL,
    performances_end DATE NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE work_periods (
    id BIGSERIAL PRIMARY KEY,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    academic_year INTEGER NOT NULL,
    semester INTEGER NOT NULL,
    grade INTEGER NOT NULL,
    item TEXT NOT NULL,
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX work_periods_key ON work_periods (school_id, academic_year, semester, grade, item);

CREATE TABLE consultant_classes (
    id BIGSERIAL PRIMARY KEY,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    academic_year INTEGER NOT NULL,
    semester INTEGER NOT NULL,
    teacher_id BIGINT NOT NULL REFERENCES users(id),
    class_id BIGINT NOT NULL REFERENCES classes(id)
);
CREATE UNIQUE INDEX consultant_classes_key ON consultant_classes (teacher_id, class_id);

CREATE TABLE counselor_students (
    id BIGSERIAL PRIMARY KEY,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    academic_year INTEGER NOT NULL,
    semester INTEGER NOT NULL,
    teacher_id BIGINT NOT NULL REFERENCES users(id),
    student_id BIGINT NOT NULL REFERENCES users(id)
);
CREATE UNIQUE INDEX counselor_students_key ON counselor_students (academic_year, semester, teacher_id, student_id);
