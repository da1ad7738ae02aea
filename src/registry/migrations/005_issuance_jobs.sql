-- Issuance jobs: one personalisation, step by step, so an interrupted one can
-- be resumed or the card wiped and restarted (DESIGN.md flow 1). At most one
-- open (running or interrupted) job per card serial, enforced by the database.
CREATE TABLE issuance_jobs (
  id              uuid        PRIMARY KEY,
  card_serial     bigint      NOT NULL REFERENCES card_stock (serial),
  citizen_id      uuid        NOT NULL REFERENCES citizens (id),
  status          text        NOT NULL CONSTRAINT issuance_jobs_status_known
                              CHECK (status IN ('running', 'interrupted', 'completed', 'failed', 'cancelled')),
  completed_steps text[]      NOT NULL DEFAULT '{}',
  data            jsonb       NOT NULL,
  options         jsonb       NOT NULL,
  version         integer     NOT NULL CONSTRAINT issuance_jobs_version_positive CHECK (version >= 1),
  attempt         integer     NOT NULL CONSTRAINT issuance_jobs_attempt_positive CHECK (attempt >= 1),
  lease_until     timestamptz,
  last_error      text        CONSTRAINT issuance_jobs_last_error_len CHECK (last_error IS NULL OR length(last_error) <= 2000),
  created_by      text        NOT NULL,
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL,
  CONSTRAINT issuance_jobs_updated_after_created CHECK (updated_at >= created_at)
);
CREATE UNIQUE INDEX issuance_jobs_one_open_per_card ON issuance_jobs (card_serial) WHERE status IN ('running', 'interrupted');
CREATE INDEX issuance_jobs_status_idx ON issuance_jobs (status, updated_at);
