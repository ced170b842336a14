-- Account takeover paths (issue #15 §7).

-- An address the user set themselves (PUT /me/email); a sync batch then leaves it alone.
ALTER TABLE users ADD COLUMN email_set_by_user BOOLEAN NOT NULL DEFAULT FALSE;

-- API keys may expire and may be limited to client address ranges (comma-separated CIDR).
ALTER TABLE api_keys ADD COLUMN expires_at TIMESTAMP;
ALTER TABLE api_keys ADD COLUMN allowed_networks TEXT;
