-- Transfer export and import (issue #21; manual 6.1, 6.2; FAQ 000 五 Q1–Q3). Format: docs/transfers.md.
INSERT INTO function_modules (code, name_zh, name_en, sort_order) VALUES
    ('S0601S', '匯出學生學習歷程資料', 'Export student portfolios (transfer)', 61),
    ('S0602S', '匯入學生學習歷程資料', 'Import student portfolios (transfer)', 62);

-- 資料產生紀錄: one package per row, made by a job; the password kept encrypted (AES-256-GCM).
CREATE TABLE transfer_exports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    job_id BIGINT NOT NULL REFERENCES jobs(id),
    created_by BIGINT NOT NULL REFERENCES users(id),
    file_name TEXT NOT NULL,
    student_ids TEXT NOT NULL,
    password_encrypted TEXT NOT NULL,
    md5 TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX transfer_exports_job ON transfer_exports (job_id);
CREATE INDEX transfer_exports_school ON transfer_exports (school_id, id);

-- 資料匯入紀錄: one successful import per row with its per-student detail (JSON).
CREATE TABLE transfer_imports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    imported_by BIGINT NOT NULL REFERENCES users(id),
    file_name TEXT NOT NULL,
    md5 TEXT NOT NULL,
    source_school_code TEXT NOT NULL,
    source_school_name TEXT NOT NULL,
    students_total INTEGER NOT NULL,
    students_matched INTEGER NOT NULL,
    items_added INTEGER NOT NULL,
    detail TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX transfer_imports_school ON transfer_imports (school_id, id);

-- An imported item, read-only in the receiving school, with its origin. The unique key makes a
-- second import of the same package change nothing.
CREATE TABLE transfer_items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    import_id BIGINT NOT NULL REFERENCES transfer_imports(id),
    student_id BIGINT NOT NULL REFERENCES users(id),
    origin_school_code TEXT NOT NULL,
    origin_school_name TEXT NOT NULL,
    item_kind TEXT NOT NULL CHECK (item_kind IN ('result', 'performance', 'cadre')),
    origin_id BIGINT NOT NULL,
    academic_year INTEGER NOT NULL,
    semester INTEGER,
    course_code TEXT,
    title TEXT NOT NULL,
    state TEXT CHECK (state IS NULL OR state IN ('editing', 'submitted', 'certified', 'rejected')),
    record TEXT NOT NULL,
    document_file_id BIGINT REFERENCES stored_files(id),
    video_file_id BIGINT REFERENCES stored_files(id),
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX transfer_items_origin ON transfer_items (school_id, student_id, origin_school_code, item_kind, origin_id);
CREATE INDEX transfer_items_student ON transfer_items (student_id, item_kind);
