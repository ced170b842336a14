-- Receipts (收訖明細; issue #20; manual 8.1, 8.2): each import of a category of a term's receipt,
-- the rows each student was received with, the students' answers and their problem reports.
INSERT INTO function_modules (code, name_zh, name_en, sort_order) VALUES
    ('S0219S', '維護收訖明細', 'Receipts', 17);

CREATE TABLE receipt_imports (
    id BIGSERIAL PRIMARY KEY,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    academic_year INTEGER NOT NULL,
    semester INTEGER NOT NULL CHECK (semester IN (1, 2)),
    category TEXT NOT NULL CHECK (category IN ('course_records', 'results', 'performances', 'cadre')),
    file_name TEXT NOT NULL,
    schema_version INTEGER NOT NULL,
    rosters TEXT NOT NULL,
    rosters_key TEXT NOT NULL,
    column_names TEXT NOT NULL,
    uploaded_by BIGINT NOT NULL REFERENCES users(id),
    window_start TIMESTAMP NOT NULL,
    window_end TIMESTAMP NOT NULL CHECK (window_end > window_start),
    students INTEGER NOT NULL,
    unmatched INTEGER NOT NULL,
    reset_students INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX receipt_imports_term ON receipt_imports (school_id, academic_year, semester, category, id);

CREATE TABLE receipt_students (
    id BIGSERIAL PRIMARY KEY,
    import_id BIGINT NOT NULL REFERENCES receipt_imports(id),
    student_id BIGINT NOT NULL REFERENCES users(id),
    national_id TEXT NOT NULL,
    rows_json TEXT NOT NULL,
    row_count INTEGER NOT NULL,
    digest TEXT NOT NULL
);
CREATE UNIQUE INDEX receipt_students_import ON receipt_students (import_id, student_id);

CREATE TABLE receipt_answers (
    id BIGSERIAL PRIMARY KEY,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    student_id BIGINT NOT NULL REFERENCES users(id),
    academic_year INTEGER NOT NULL,
    semester INTEGER NOT NULL,
    category TEXT NOT NULL CHECK (category IN ('course_records', 'results', 'performances', 'cadre')),
    state TEXT NOT NULL CHECK (state IN ('confirmed', 'reported')),
    answered_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX receipt_answers_one ON receipt_answers (school_id, academic_year, semester, category, student_id);

CREATE TABLE receipt_reports (
    id BIGSERIAL PRIMARY KEY,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    student_id BIGINT NOT NULL REFERENCES users(id),
    academic_year INTEGER NOT NULL,
    semester INTEGER NOT NULL,
    category TEXT NOT NULL CHECK (category IN ('course_records', 'results', 'performances', 'cadre')),
    kind TEXT NOT NULL CHECK (kind IN ('extra', 'missing', 'wrong')),
    description TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    remark TEXT,
    remarked_by BIGINT REFERENCES users(id),
    remarked_at TIMESTAMP
);
CREATE INDEX receipt_reports_term ON receipt_reports (school_id, academic_year, semester, category, id);
CREATE INDEX receipt_reports_student ON receipt_reports (student_id, id);
