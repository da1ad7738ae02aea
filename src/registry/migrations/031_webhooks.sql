-- Webhooks to relying parties: their endpoints, which cards authenticated
-- with which RP (so a card's status change reaches the RPs that know it, by
-- their pairwise subject), and the durable outbox the service delivers from.
--
-- rp_webhooks: an endpoint and its signing secret, sealed (AES-256-GCM under
-- a key derived from the RP pepper, which is not in the database: a registry
-- dump cannot sign webhooks). removed_at ends deliveries to it.
CREATE TABLE rp_webhooks (
  id            text        PRIMARY KEY CONSTRAINT rp_webhooks_id_format CHECK (id ~ '^wh_[A-Za-z0-9_-]{16,40}$'),
  rp_id         text        NOT NULL REFERENCES relying_parties (id) ON DELETE CASCADE,
  url           text        NOT NULL CONSTRAINT rp_webhooks_url_len CHECK (length(url) BETWEEN 10 AND 2048),
  secret_sealed bytea       NOT NULL,
  events        text[]      NOT NULL,
  created_at    timestamptz NOT NULL,
  removed_at    timestamptz
);
CREATE INDEX rp_webhooks_rp_idx ON rp_webhooks (rp_id) WHERE removed_at IS NULL;

-- A card that authenticated with an RP, and the RP's pairwise subject for its
-- citizen: written with the first authentication (for RPs with webhooks).
CREATE TABLE rp_card_links (
  card_serial bigint      NOT NULL,
  rp_id       text        NOT NULL REFERENCES relying_parties (id) ON DELETE CASCADE,
  subject     text        NOT NULL,
  first_at    timestamptz NOT NULL,
  last_at     timestamptz NOT NULL,
  PRIMARY KEY (card_serial, rp_id)
);

-- One row per event and endpoint. id is the webhook-id a receiver sees (the
-- same on every retry and redelivery); (webhook_id, event_type, event_key)
-- is unique, so writing an event twice sends it once. A dispatcher claims due
-- rows with FOR UPDATE SKIP LOCKED and a lease (claimed_until): a process
-- that dies mid-delivery leaves the row to be claimed again when the lease
-- ends.
CREATE TABLE webhook_outbox (
  id              text        PRIMARY KEY,
  webhook_id      text        NOT NULL REFERENCES rp_webhooks (id) ON DELETE CASCADE,
  rp_id           text        NOT NULL,
  event_type      text        NOT NULL,
  event_key       text        NOT NULL,
  payload         jsonb       NOT NULL,
  created_at      timestamptz NOT NULL,
  status          text        NOT NULL DEFAULT 'pending' CONSTRAINT webhook_outbox_status CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts        integer     NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  claimed_until   timestamptz,
  last_attempt_at timestamptz,
  last_status     integer,
  last_error      text,
  delivered_at    timestamptz,
  CONSTRAINT webhook_outbox_event_once UNIQUE (webhook_id, event_type, event_key)
);
CREATE INDEX webhook_outbox_due_idx ON webhook_outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_outbox_rp_idx ON webhook_outbox (rp_id, created_at DESC);
