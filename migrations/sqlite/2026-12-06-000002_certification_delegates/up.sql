-- Delegate certifiers (meeting 003 #25; the national rules' 代理人機制): the admin names a staff
-- member who certifies for a course, or for a teacher (e.g. one who left), until ended.
CREATE TABLE certification_delegates (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    course_id BIGINT REFERENCES courses(id),
    teacher_id BIGINT REFERENCES users(id),
    delegate_id BIGINT NOT NULL REFERENCES users(id),
    created_by BIGINT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    ended_at TIMESTAMP
);
CREATE INDEX certification_delegates_delegate ON certification_delegates (delegate_id);
CREATE INDEX certification_delegates_school ON certification_delegates (school_id);
