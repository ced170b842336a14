-- Self-directed learning (自主學習; issue #22, manual 5.1 S0301S, 5.2 S0302S).

-- 5.1 certifier groups: a subject (學科, e.g. 國文, 彈性學習) or a custom group (自訂群組, e.g.
-- 自主學習計畫審核, 圖書館審核), with staff members.
CREATE TABLE sdl_groups (
    id BIGSERIAL PRIMARY KEY,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    kind TEXT NOT NULL CHECK (kind IN ('subject', 'custom')),
    name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX sdl_groups_name ON sdl_groups (school_id, kind, name);

CREATE TABLE sdl_group_members (
    group_id BIGINT NOT NULL REFERENCES sdl_groups(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX sdl_group_members_user ON sdl_group_members (user_id);

-- 5.2 the school's certification order: 導師, 學科教師 (the plan's subject group) or a custom group.
CREATE TABLE sdl_stages (
    id BIGSERIAL PRIMARY KEY,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    position INTEGER NOT NULL,
    identity TEXT NOT NULL CHECK (identity IN ('homeroom', 'subject', 'custom')),
    group_id BIGINT REFERENCES sdl_groups(id),
    created_at TIMESTAMP NOT NULL,
    CHECK ((identity = 'custom') = (group_id IS NOT NULL))
);
CREATE INDEX sdl_stages_school ON sdl_stages (school_id, position);

-- A student's plan of one semester, and (once approved) its results.
CREATE TABLE sdl_plans (
    id BIGSERIAL PRIMARY KEY,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    student_id BIGINT NOT NULL REFERENCES users(id),
    academic_year INTEGER NOT NULL,
    semester INTEGER NOT NULL CHECK (semester IN (1, 2)),
    theme TEXT NOT NULL,
    subject_group_id BIGINT NOT NULL REFERENCES sdl_groups(id),
    goals TEXT NOT NULL,
    content TEXT NOT NULL,
    schedule TEXT NOT NULL,
    expected TEXT NOT NULL,
    resources TEXT NOT NULL,
    start_date DATE NOT NULL,
    end_date DATE NOT NULL,
    plan_state TEXT NOT NULL CHECK (plan_state IN ('draft', 'in_review', 'returned', 'approved')),
    plan_stage INTEGER,
    result_state TEXT NOT NULL CHECK (result_state IN ('none', 'draft', 'in_review', 'returned', 'certified')),
    result_stage INTEGER,
    reflection TEXT NOT NULL DEFAULT '',
    hours DOUBLE PRECISION,
    document_file_id BIGINT REFERENCES stored_files(id),
    video_file_id BIGINT REFERENCES stored_files(id),
    return_reason TEXT,
    performance_id BIGINT REFERENCES performances(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX sdl_plans_term ON sdl_plans (student_id, academic_year, semester);
CREATE INDEX sdl_plans_school ON sdl_plans (school_id, plan_state, result_state);

-- The order a plan (or its results) started with: copied from sdl_stages at the first submission
-- of each phase, so a later change of the school's order does not disturb it.
CREATE TABLE sdl_flow_stages (
    id BIGSERIAL PRIMARY KEY,
    plan_id BIGINT NOT NULL REFERENCES sdl_plans(id),
    phase TEXT NOT NULL CHECK (phase IN ('plan', 'result')),
    position INTEGER NOT NULL,
    identity TEXT NOT NULL CHECK (identity IN ('homeroom', 'subject', 'custom')),
    group_id BIGINT REFERENCES sdl_groups(id)
);
CREATE UNIQUE INDEX sdl_flow_stages_key ON sdl_flow_stages (plan_id, phase, position);

-- Every submission and decision: who, when, at which stage, why.
CREATE TABLE sdl_events (
    id BIGSERIAL PRIMARY KEY,
    plan_id BIGINT NOT NULL REFERENCES sdl_plans(id),
    phase TEXT NOT NULL CHECK (phase IN ('plan', 'result')),
    action TEXT NOT NULL CHECK (action IN ('submitted', 'approved', 'returned')),
    position INTEGER,
    identity TEXT CHECK (identity IS NULL OR identity IN ('homeroom', 'subject', 'custom')),
    actor_id BIGINT NOT NULL REFERENCES users(id),
    reason TEXT,
    at TIMESTAMP NOT NULL
);
CREATE INDEX sdl_events_plan ON sdl_events (plan_id, id);

-- Progress notes while the approved plan is carried out.
CREATE TABLE sdl_progress (
    id BIGSERIAL PRIMARY KEY,
    plan_id BIGINT NOT NULL REFERENCES sdl_plans(id),
    note TEXT NOT NULL,
    actor_id BIGINT NOT NULL REFERENCES users(id),
    at TIMESTAMP NOT NULL
);
CREATE INDEX sdl_progress_plan ON sdl_progress (plan_id, id);
