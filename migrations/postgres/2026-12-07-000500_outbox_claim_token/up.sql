-- A reminder mail's claim carries a token, as a job's does: only the instance holding the claim
-- records how the sending ended (issue #17 item 5).
ALTER TABLE mail_outbox ADD COLUMN claim_token TEXT;
