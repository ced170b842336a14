-- Course consultants map to students too, besides classes (FAQ 000 三 Q2: 「設定學生對應關係」).
CREATE TABLE consultant_students (
    id BIGSERIAL PRIMARY KEY,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    academic_year INTEGER NOT NULL,
    semester INTEGER NOT NULL,
    teacher_id BIGINT NOT NULL REFERENCES users(id),
    student_id BIGINT NOT NULL REFERENCES users(id)
);
CREATE UNIQUE INDEX consultant_students_key ON consultant_students (academic_year, semester, teacher_id, student_id);
CREATE INDEX consultant_students_student ON consultant_students (student_id);
