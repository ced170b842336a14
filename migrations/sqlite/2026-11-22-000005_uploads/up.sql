-- Student uploads (issue #6): stored files, course learning results with their history,
-- multiple performances, and the selection of items for submission. Nothing is ever deleted:
-- a deleted item keeps its row with `deleted_at`, so the record of *when* stays (003 #11).

CREATE TABLE stored_files (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    owner_id BIGINT NOT NULL REFERENCES users(id),
    sha256 TEXT NOT NULL,
    size BIGINT NOT NULL,
    kind TEXT NOT NULL,
    original_name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX stored_files_sha ON stored_files (sha256);

CREATE TABLE learning_results (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    student_id BIGINT NOT NULL REFERENCES users(id),
    course_id BIGINT NOT NULL REFERENCES courses(id),
    academic_year INTEGER NOT NULL,
    semester INTEGER NOT NULL,
    description TEXT NOT NULL,
    document_file_id BIGINT REFERENCES stored_files(id),
    video_file_id BIGINT REFERENCES stored_files(id),
    state TEXT NOT NULL,
    reject_reason TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    submitted_at TIMESTAMP,
    decided_at TIMESTAMP,
    decided_by BIGINT REFERENCES users(id),
    deleted_at TIMESTAMP
);
CREATE INDEX learning_results_student ON learning_results (student_id, academic_year, semester);
CREATE INDEX learning_results_course ON learning_results (course_id, state);

CREATE TABLE learning_result_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    result_id BIGINT NOT NULL REFERENCES learning_results(id),
    action TEXT NOT NULL,
    state TEXT NOT NULL,
    actor_id BIGINT REFERENCES users(id),
    reason TEXT,
    at TIMESTAMP NOT NULL
);
CREATE INDEX learning_result_events_result ON learning_result_events (result_id);

CREATE TABLE performances (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    student_id BIGINT NOT NULL REFERENCES users(id),
    academic_year INTEGER NOT NULL,
    category TEXT NOT NULL,
    title TEXT NOT NULL,
    item TEXT,
    organisation TEXT,
    position TEXT,
    level TEXT,
    award TEXT,
    kind TEXT,
    score TEXT,
    certificate_no TEXT,
    participation TEXT,
    hours DOUBLE PRECISION,
    credits INTEGER,
    start_date DATE NOT NULL,
    end_date DATE,
    description TEXT NOT NULL,
    link TEXT,
    document_file_id BIGINT REFERENCES stored_files(id),
    video_file_id BIGINT REFERENCES stored_files(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP
);
CREATE INDEX performances_student ON performances (student_id, academic_year);

CREATE TABLE selections (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    student_id BIGINT NOT NULL REFERENCES users(id),
    academic_year INTEGER NOT NULL,
    item_kind TEXT NOT NULL,
    item_id BIGINT NOT NULL,
    selected_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX selections_item ON selections (item_kind, item_id);
CREATE INDEX selections_student ON selections (student_id, academic_year, item_kind);
