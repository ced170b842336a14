-- Foundation: schools, built-in roles, users and their roles, academic terms.
-- Timestamps are UTC.
CREATE TABLE schools (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE roles (
    code TEXT PRIMARY KEY NOT NULL,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    sort_order INTEGER NOT NULL
);

INSERT INTO roles (code, name_zh, name_en, sort_order) VALUES
    ('platform_operator', '平臺管理', 'Platform operator', 0),
    ('school_admin', '校管理者', 'School administrator', 1),
    ('subject_teacher', '任課教師', 'Subject teacher', 2),
    ('homeroom_teacher', '導師', 'Homeroom teacher', 3),
    ('course_consultant', '課程諮詢教師', 'Course consultant', 4),
    ('counselor', '科主任/輔導老師', 'Department head / counselor', 5),
    ('student', '學生', 'Student', 6);

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    school_id BIGINT REFERENCES schools(id),
    account TEXT NOT NULL,
    kind TEXT NOT NULL,
    display_name TEXT NOT NULL,
    national_id TEXT,
    number TEXT,
    email TEXT,
    backup_email TEXT,
    password_hash TEXT NOT NULL,
    must_change_password BOOLEAN NOT NULL DEFAULT 1,
    password_changed_at TIMESTAMP,
    active BOOLEAN NOT NULL DEFAULT 1,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until TIMESTAMP,
    valid_until TIMESTAMP,
    linked_user_id BIGINT REFERENCES users(id),
    last_login_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX users_school_account ON users (school_id, account);
CREATE UNIQUE INDEX users_operator_account ON users (account) WHERE school_id IS NULL;
CREATE INDEX users_school_kind ON users (school_id, kind);

CREATE TABLE user_roles (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role_code TEXT NOT NULL REFERENCES roles(code),
    PRIMARY KEY (user_id, role_code)
);

CREATE TABLE terms (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    academic_year INTEGER NOT NULL,
    semester INTEGER NOT NULL,
    is_current BOOLEAN NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX terms_school_year_semester ON terms (school_id, academic_year, semester);
