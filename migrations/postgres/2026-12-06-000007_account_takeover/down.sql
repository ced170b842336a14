ALTER TABLE api_keys DROP COLUMN allowed_networks;
ALTER TABLE api_keys DROP COLUMN expires_at;
ALTER TABLE users DROP COLUMN email_set_by_user;
