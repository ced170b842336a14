ALTER TABLE api_keys DROP CONSTRAINT api_keys_scopes_check;
