-- Relying parties (issue 5 "Relying parties and terminals"): banks, payment
-- providers and agencies that ask for card + PIN authentication. API secrets
-- are stored only as HMAC-SHA-256(pepper, secret); the pepper lives outside
-- the database, so a copy of this table does not let anyone test guesses.
CREATE TABLE relying_parties (
  id                     text        PRIMARY KEY CONSTRAINT relying_parties_id_format CHECK (id ~ '^rp_[A-Za-z0-9_-]{4,40}$'),
  name                   text        NOT NULL CONSTRAINT relying_parties_name_len CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  status                 text        NOT NULL CONSTRAINT relying_parties_status_known CHECK (status IN ('active', 'disabled')),
  scopes                 text[]      NOT NULL CONSTRAINT relying_parties_scopes_known CHECK (scopes <@ ARRAY['auth', 'ekyc']::text[]),
  ekyc_attributes        text[]      NOT NULL DEFAULT '{}'
                                     CONSTRAINT relying_parties_ekyc_known CHECK (ekyc_attributes <@ ARRAY['givenName', 'surname', 'birthDate', 'nationalId', 'country']::text[]),
  rate_limit_per_minute  integer     NOT NULL CONSTRAINT relying_parties_rate_positive CHECK (rate_limit_per_minute BETWEEN 1 AND 10000000),
  terminal_rate_per_minute integer   NOT NULL CONSTRAINT relying_parties_terminal_rate_positive CHECK (terminal_rate_per_minute BETWEEN 1 AND 10000000),
  created_at             timestamptz NOT NULL,
  updated_at             timestamptz NOT NULL,
  CONSTRAINT relying_parties_ekyc_needs_scope CHECK (cardinality(ekyc_attributes) = 0 OR 'ekyc' = ANY (scopes))
);
CREATE UNIQUE INDEX relying_parties_name_key ON relying_parties (lower(name));

CREATE TABLE rp_credentials (
  key_id      text        PRIMARY KEY CONSTRAINT rp_credentials_key_id_format CHECK (key_id ~ '^rpk_[A-Za-z0-9_-]{16,40}$'),
  rp_id       text        NOT NULL REFERENCES relying_parties (id),
  secret_hash bytea       NOT NULL CONSTRAINT rp_credentials_hash_len CHECK (length(secret_hash) = 32),
  created_at  timestamptz NOT NULL,
  -- NULL: valid until rotated. Set at rotation to the end of the overlap period.
  valid_until timestamptz
);
CREATE INDEX rp_credentials_rp_idx ON rp_credentials (rp_id);

CREATE TABLE terminals (
  rp_id       text        NOT NULL REFERENCES relying_parties (id),
  terminal_id text        NOT NULL CONSTRAINT terminals_id_format CHECK (terminal_id ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$'),
  created_at  timestamptz NOT NULL,
  PRIMARY KEY (rp_id, terminal_id)
);
