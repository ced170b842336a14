-- News (issue #23; manual 1.2 最新消息): the platform operator posts news for every school
-- (school_id NULL), a school admin for their own school. The body is plain text (tags removed on
-- the way in). A news item is hidden until its publish time. Reads are marked per user.
CREATE TABLE news (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    school_id BIGINT REFERENCES schools(id),
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    body TEXT NOT NULL,
    published_at TIMESTAMP NOT NULL,
    pinned BOOLEAN NOT NULL DEFAULT 0,
    created_by BIGINT NOT NULL REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX news_school_published ON news (school_id, published_at);

CREATE TABLE news_reads (
    news_id BIGINT NOT NULL REFERENCES news(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id),
    read_at TIMESTAMP NOT NULL,
    PRIMARY KEY (news_id, user_id)
);
CREATE INDEX news_reads_user ON news_reads (user_id);
