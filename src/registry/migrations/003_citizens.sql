-- Citizens (issue 4 "Registry"). The national ID format is the one the
-- certificate subject serialNumber PNO<country>-<id> can carry.
CREATE TABLE citizens (
  id          uuid        PRIMARY KEY,
  national_id text        NOT NULL CONSTRAINT citizens_national_id_format CHECK (national_id ~ '^[A-Z0-9]{6,20}$'),
  surname     text        NOT NULL CONSTRAINT citizens_surname_len CHECK (length(btrim(surname)) BETWEEN 1 AND 100),
  given_name  text        NOT NULL CONSTRAINT citizens_given_name_len CHECK (length(btrim(given_name)) BETWEEN 1 AND 100),
  birth_date  date        NOT NULL CONSTRAINT citizens_birth_date_range CHECK (birth_date >= DATE '1880-01-01'),
  country     text        NOT NULL CONSTRAINT citizens_country_format CHECK (country ~ '^[A-Z]{2}$'),
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL,
  CONSTRAINT citizens_national_id_key UNIQUE (national_id),
  CONSTRAINT citizens_birth_before_creation CHECK (birth_date <= created_at::date)
);
CREATE INDEX citizens_surname_idx ON citizens (lower(surname) text_pattern_ops);
