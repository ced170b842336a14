-- Accounts: sessions (refresh tokens), captchas, sign-in throttling, password resets,
-- role groups with function modules and members, mail server, API keys, audit log.

CREATE TABLE refresh_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    family TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);

CREATE TABLE captchas (
    id TEXT PRIMARY KEY NOT NULL,
    answer_hash TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL
);

CREATE TABLE sign_in_failures (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    client TEXT NOT NULL,
    failed_at TIMESTAMP NOT NULL
);
CREATE INDEX sign_in_failures_client ON sign_in_failures (client, failed_at);

CREATE TABLE password_resets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);

CREATE TABLE function_modules (
    code TEXT PRIMARY KEY NOT NULL,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    sort_order INTEGER NOT NULL
);
INSERT INTO function_modules (code, name_zh, name_en, sort_order) VALUES
    ('S0201S1', '學校查詢接收紀錄', 'Receiving log', 1),
    ('S0203S', '設定學校作業時間', 'Work periods', 2),
    ('S0203S1', '設定功能參數', 'Function parameters', 3),
    ('S0204S', '設定課程諮詢教師', 'Course consultants', 4),
    ('S0205S', '查詢學生學習成果勾選情形', 'Learning-result selection status', 5),
    ('S0206S', '查詢學生多元表現勾選情形', 'Performance selection status', 6),
    ('S0207S', '提交學習成果至中央資料庫', 'Submit learning results', 7),
    ('S0208S', '提交多元表現至中央資料庫', 'Submit performances', 8),
    ('S0209S', '合開課程設定審核老師', 'Co-taught certifiers', 9),
    ('S0210S', '查詢輔導教師', 'Counselors', 10),
    ('S0213S', '設定學校學年期', 'School term', 11),
    ('S0215S', '學習成果使用人數統計表', 'Usage statistics', 12),
    ('S0216S', '未認證教師狀況表', 'Uncertified-teacher report', 13),
    ('S0218S', '提交校內幹部經歷至中央資料庫', 'Submit school cadre records', 14),
    ('S0301S', '設定學科/領域認證老師', 'Subject/domain certifiers', 15),
    ('S0302S', '設定認證順序', 'Certification order', 16);

CREATE TABLE role_groups (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    in_use BOOLEAN NOT NULL DEFAULT 1,
    remark TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX role_groups_school_code ON role_groups (school_id, code);

CREATE TABLE role_group_modules (
    group_id BIGINT NOT NULL REFERENCES role_groups(id) ON DELETE CASCADE,
    module_code TEXT NOT NULL REFERENCES function_modules(code),
    can_create BOOLEAN NOT NULL DEFAULT 1,
    can_update BOOLEAN NOT NULL DEFAULT 1,
    can_delete BOOLEAN NOT NULL DEFAULT 1,
    PRIMARY KEY (group_id, module_code)
);

CREATE TABLE role_group_members (
    group_id BIGINT NOT NULL REFERENCES role_groups(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX role_group_members_user ON role_group_members (user_id);

CREATE TABLE mail_settings (
    school_id BIGINT PRIMARY KEY NOT NULL REFERENCES schools(id),
    host TEXT NOT NULL,
    port INTEGER NOT NULL,
    encryption TEXT NOT NULL,
    username TEXT,
    password_encrypted TEXT,
    password_hint TEXT,
    sender_address TEXT NOT NULL,
    sender_name TEXT,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE api_keys (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    name TEXT NOT NULL,
    prefix TEXT NOT NULL UNIQUE,
    secret_hash TEXT NOT NULL,
    scopes TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX api_keys_school ON api_keys (school_id);

CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    school_id BIGINT REFERENCES schools(id),
    user_id BIGINT REFERENCES users(id),
    actor TEXT,
    event TEXT NOT NULL,
    detail TEXT,
    client_addr TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX audit_events_school_time ON audit_events (school_id, created_at);
