-- Terminal-bound API credentials (issue 5, "Relying parties and terminals"):
-- a credential may be bound to one of its RP's registered terminals, so that
-- the key an ATM or payment point holds speaks for that terminal only, not
-- for the whole bank. NULL: an RP-wide credential (the back end's). Removing
-- the terminal from the RP removes its credentials with it (rp update audits
-- their key ids).
ALTER TABLE rp_credentials ADD COLUMN terminal_id text;
ALTER TABLE rp_credentials
  ADD CONSTRAINT rp_credentials_terminal_fk FOREIGN KEY (rp_id, terminal_id) REFERENCES terminals (rp_id, terminal_id) ON DELETE CASCADE;
CREATE INDEX rp_credentials_terminal_idx ON rp_credentials (rp_id, terminal_id) WHERE terminal_id IS NOT NULL;
