-- An API key's scopes are stored sorted, without repeats, joined by commas, at least one — as
-- every version has written them (`auth::Scope::store`); they take only those forms of
-- `auth::Scope`'s values (issue #17 item 1; tests/integration/value_checks.rs compares this list
-- with `Scope::STORED`). A row holding another value makes this migration fail (the temporary
-- table's named CHECK); triggers refuse other values, as in 2026-12-06-002500_value_checks
-- (SQLite cannot add a CHECK to an existing table).
CREATE TEMP TABLE _api_key_scopes (
    api_keys_scopes INTEGER NOT NULL CONSTRAINT "api_keys.scopes holds a value outside its set" CHECK (api_keys_scopes = 0)
);
INSERT INTO _api_key_scopes VALUES ((SELECT COUNT(*) FROM api_keys WHERE scopes IS NULL OR scopes NOT IN ('read', 'read,sync', 'sync')));
DROP TABLE _api_key_scopes;

CREATE TRIGGER api_keys_scopes_insert_check BEFORE INSERT ON api_keys
WHEN NEW.scopes IS NULL OR NEW.scopes NOT IN ('read', 'read,sync', 'sync')
BEGIN SELECT RAISE(ABORT, 'invalid api_keys.scopes'); END;
CREATE TRIGGER api_keys_scopes_update_check BEFORE UPDATE OF scopes ON api_keys
WHEN NEW.scopes IS NULL OR NEW.scopes NOT IN ('read', 'read,sync', 'sync')
BEGIN SELECT RAISE(ABORT, 'invalid api_keys.scopes'); END;
