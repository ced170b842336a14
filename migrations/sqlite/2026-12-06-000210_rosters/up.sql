-- Submission rosters (issue #19; manual 7.1, 7.2): every export of a roster, run as a job, and
-- what it contained (students, items, file hashes), which the receipts are compared against.
CREATE TABLE roster_exports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    job_id BIGINT NOT NULL REFERENCES jobs(id),
    roster TEXT NOT NULL CHECK (roster IN ('24', '25', '26', '28', '34', '35', '36', '38')),
    grades TEXT NOT NULL CHECK (grades IN ('1-3', '1-2', '3')),
    division TEXT NOT NULL CHECK (division IN ('day', 'continuing')),
    academic_year INTEGER NOT NULL,
    semester INTEGER NOT NULL,
    exported_by BIGINT NOT NULL REFERENCES users(id),
    file_name TEXT NOT NULL,
    students INTEGER NOT NULL DEFAULT 0,
    items INTEGER NOT NULL DEFAULT 0,
    files INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX roster_exports_school ON roster_exports (school_id, roster, id);
CREATE UNIQUE INDEX roster_exports_job ON roster_exports (job_id);

-- One row per item of a finished export (a cadre record, a learning result, a performance), with
-- the attached files' names in the package and their SHA-256.
CREATE TABLE roster_export_items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    export_id BIGINT NOT NULL REFERENCES roster_exports(id),
    student_id BIGINT NOT NULL REFERENCES users(id),
    national_id TEXT NOT NULL,
    item_kind TEXT NOT NULL CHECK (item_kind IN ('result', 'performance', 'cadre')),
    item_id BIGINT NOT NULL,
    document_name TEXT,
    document_sha256 TEXT,
    video_name TEXT,
    video_sha256 TEXT
);
CREATE INDEX roster_export_items_export ON roster_export_items (export_id, student_id);
