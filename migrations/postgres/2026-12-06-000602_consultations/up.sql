-- Course consultation records (issue #23; FAQ 000 三: course consultants and their assigned
-- classes/students): a consultant records a group (團體諮詢) or individual (個別諮詢)
-- consultation with the students it concerns — students of their assigned classes or students
-- of the term.
CREATE TABLE consultation_records (
    id BIGSERIAL PRIMARY KEY,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    consultant_id BIGINT NOT NULL REFERENCES users(id),
    academic_year INTEGER NOT NULL,
    semester INTEGER NOT NULL CHECK (semester IN (1, 2)),
    kind TEXT NOT NULL CHECK (kind IN ('group', 'individual')),
    held_on DATE NOT NULL,
    topic TEXT NOT NULL CHECK (char_length(topic) BETWEEN 1 AND 100),
    content TEXT NOT NULL,
    follow_up TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX consultation_records_school ON consultation_records (school_id, academic_year, semester, consultant_id);

CREATE TABLE consultation_students (
    record_id BIGINT NOT NULL REFERENCES consultation_records(id) ON DELETE CASCADE,
    student_id BIGINT NOT NULL REFERENCES users(id),
    class_code TEXT,
    PRIMARY KEY (record_id, student_id)
);
CREATE INDEX consultation_students_student ON consultation_students (student_id);
