-- A small expiring key-value table: the EphemeralStore for command-line staff
-- sessions when no Redis is configured (the CLI runs as short processes, so
-- the in-process store cannot keep a session from `cardauth staff login` to
-- the next command). Expired rows are ignored on read and swept on write.
CREATE TABLE ephemeral_kv (
  key        text        PRIMARY KEY CONSTRAINT ephemeral_kv_key_len CHECK (length(key) BETWEEN 1 AND 512),
  value      text        NOT NULL CONSTRAINT ephemeral_kv_value_len CHECK (length(value) <= 65536),
  expires_at timestamptz NOT NULL
);
CREATE INDEX ephemeral_kv_expiry_idx ON ephemeral_kv (expires_at);
