-- Failed sign-ins are counted per client address and per account name (school + account,
-- lower-cased), so one school's typos behind a shared address do not refuse another's students.
ALTER TABLE sign_in_failures ADD COLUMN account_key TEXT NOT NULL DEFAULT '';
CREATE INDEX sign_in_failures_account ON sign_in_failures (account_key, failed_at);
