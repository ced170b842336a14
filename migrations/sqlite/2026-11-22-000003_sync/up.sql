-- School-affairs sync: people's profiles, classes, courses, enrolments, teaching assignments,
-- school cadre records, and the receiving log. Rows are never deleted by sync: what leaves a
-- snapshot is marked inactive, so uploads that refer to it stay intact.

ALTER TABLE schools ADD COLUMN term_hold BOOLEAN NOT NULL DEFAULT 0;

CREATE TABLE student_profiles (
    user_id BIGINT PRIMARY KEY NOT NULL REFERENCES users(id),
    school_id BIGINT NOT NULL REFERENCES schools(id),
    birth_date DATE,
    gender TEXT,
    department TEXT,
    program TEXT,
    division TEXT NOT NULL,
    entry_year INTEGER NOT NULL,
    grade INTEGER NOT NULL,
    class_code TEXT,
    seat_no INTEGER,
    status TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX student_profiles_school_class ON student_profiles (school_id, class_code, seat_no);

CREATE TABLE classes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    academic_year INTEGER NOT NULL,
    semester INTEGER NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    grade INTEGER NOT NULL,
    homeroom_user_id BIGINT REFERENCES users(id),
    active BOOLEAN NOT NULL DEFAULT 1,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX classes_key ON classes (school_id, academic_year, semester, code);

CREATE TABLE courses (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    academic_year INTEGER NOT NULL,
    semester INTEGER NOT NULL,
    course_code TEXT NOT NULL,
    class_code TEXT NOT NULL,
    subject_name TEXT NOT NULL,
    grade INTEGER NOT NULL,
    credits INTEGER NOT NULL,
    mixed_class BOOLEAN NOT NULL DEFAULT 0,
    active BOOLEAN NOT NULL DEFAULT 1,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX courses_key ON courses (school_id, academic_year, semester, course_code, class_code);

CREATE TABLE enrolments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    course_id BIGINT NOT NULL REFERENCES courses(id),
    student_id BIGINT NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT 1,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX enrolments_key ON enrolments (course_id, student_id);
CREATE INDEX enrolments_student ON enrolments (student_id);

CREATE TABLE teaching_assignments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    course_id BIGINT NOT NULL REFERENCES courses(id),
    teacher_id BIGINT NOT NULL REFERENCES users(id),
    can_certify BOOLEAN NOT NULL DEFAULT 1,
    active BOOLEAN NOT NULL DEFAULT 1,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX teaching_key ON teaching_assignments (course_id, teacher_id);
CREATE INDEX teaching_teacher ON teaching_assignments (teacher_id);

CREATE TABLE cadre_records (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    student_id BIGINT NOT NULL REFERENCES users(id),
    academic_year INTEGER NOT NULL,
    semester INTEGER NOT NULL,
    unit TEXT NOT NULL,
    position TEXT NOT NULL,
    level TEXT,
    start_date DATE NOT NULL,
    end_date DATE,
    active BOOLEAN NOT NULL DEFAULT 1,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX cadre_key ON cadre_records (student_id, academic_year, semester, unit, position);

CREATE TABLE sync_batches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    kind TEXT NOT NULL,
    academic_year INTEGER NOT NULL,
    semester INTEGER NOT NULL,
    rows_received INTEGER NOT NULL,
    status_code TEXT NOT NULL,
    error TEXT,
    result TEXT,
    api_key_id BIGINT REFERENCES api_keys(id),
    received_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP
);
CREATE INDEX sync_batches_school_time ON sync_batches (school_id, received_at);
