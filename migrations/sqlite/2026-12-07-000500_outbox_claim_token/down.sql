ALTER TABLE mail_outbox DROP COLUMN claim_token;
