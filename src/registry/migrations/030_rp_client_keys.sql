-- Relying parties' public keys for client authentication by signed assertion
-- (private_key_jwt, RFC 7523 §2.2): an RP registers EC P-256 public keys
-- (JWK) and signs a short-lived JWT per call; the service holds no secret
-- that could impersonate the RP. A key is named by its kid within its RP;
-- removing it sets revoked_at (the row stays for the audit trail).
CREATE TABLE rp_client_keys (
  rp_id      text        NOT NULL REFERENCES relying_parties (id) ON DELETE CASCADE,
  kid        text        NOT NULL CONSTRAINT rp_client_keys_kid_format CHECK (kid ~ '^[A-Za-z0-9._~-]{1,128}$'),
  jwk        jsonb       NOT NULL,
  created_at timestamptz NOT NULL,
  revoked_at timestamptz,
  PRIMARY KEY (rp_id, kid)
);
