DROP INDEX sign_in_failures_account;
ALTER TABLE sign_in_failures DROP COLUMN account_key;
