-- Thin issuance stations (docs/stations.md): a registered station connects
-- out to the service with its own key and relays the card traffic of the jobs
-- the service runs on its readers. The key is kept as a keyed hash
-- (HMAC-SHA-256 with the relying-party pepper, as RP keys are); rotating it
-- replaces the hash, disabling the station refuses it at once.
CREATE TABLE stations (
  id           text        PRIMARY KEY CONSTRAINT stations_id_format CHECK (id ~ '^stn_[A-Za-z0-9_-]{22}$'),
  name         text        NOT NULL CONSTRAINT stations_name_len CHECK (length(name) BETWEEN 1 AND 100),
  status       text        NOT NULL CONSTRAINT stations_status_known CHECK (status IN ('active', 'disabled')),
  secret_hash  bytea       NOT NULL,
  created_by   text        NOT NULL,
  created_at   timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL,
  last_seen_at timestamptz
);
CREATE UNIQUE INDEX stations_name_unique ON stations (lower(name));

-- Every job run at a station: which station and reader, which officer, what
-- kind of work, and (for a personalisation) the issuance job it ran.
CREATE TABLE station_jobs (
  id              uuid        PRIMARY KEY,
  kind            text        NOT NULL CONSTRAINT station_jobs_kind_known
                              CHECK (kind IN ('personalise', 'replace', 'activate', 'unblock-pin', 'reset-pin', 'stock-receive')),
  station_id      text        NOT NULL REFERENCES stations (id),
  reader          text        NOT NULL CONSTRAINT station_jobs_reader_len CHECK (length(reader) BETWEEN 1 AND 200),
  officer         text        NOT NULL,
  status          text        NOT NULL CONSTRAINT station_jobs_status_known CHECK (status IN ('running', 'completed', 'failed')),
  card_serial     bigint,
  issuance_job_id uuid        REFERENCES issuance_jobs (id),
  last_error      text        CONSTRAINT station_jobs_last_error_len CHECK (last_error IS NULL OR length(last_error) <= 2000),
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL
);
CREATE INDEX station_jobs_station_idx ON station_jobs (station_id, created_at);
