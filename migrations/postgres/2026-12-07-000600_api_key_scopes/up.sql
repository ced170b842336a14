-- An API key's scopes are stored sorted, without repeats, joined by commas, at least one — as
-- every version has written them (`auth::Scope::store`); they take only those forms of
-- `auth::Scope`'s values (issue #17 item 1; tests/integration/value_checks.rs compares this list
-- with `Scope::STORED`). A row holding another value makes this migration fail: nothing is mapped
-- to fewer scopes.
ALTER TABLE api_keys ADD CONSTRAINT api_keys_scopes_check CHECK (scopes IN ('read', 'read,sync', 'sync'));
