-- Staff accounts and four-eyes approvals (issue 4 "Staff").
CREATE TABLE staff (
  id                  uuid        PRIMARY KEY,
  username            text        NOT NULL CONSTRAINT staff_username_format CHECK (username ~ '^[a-z][a-z0-9._-]{2,31}$'),
  display_name        text        NOT NULL CONSTRAINT staff_display_name_len CHECK (length(btrim(display_name)) BETWEEN 1 AND 100),
  role                text        NOT NULL CONSTRAINT staff_role_known CHECK (role IN ('admin', 'supervisor', 'officer', 'auditor')),
  -- PHC string of argon2id; nothing else is accepted
  password_hash       text        NOT NULL CONSTRAINT staff_password_argon2id CHECK (password_hash LIKE '$argon2id$%'),
  disabled            boolean     NOT NULL DEFAULT false,
  -- bumped when the account is disabled or its password changes: ends every session at once
  session_generation  integer     NOT NULL DEFAULT 0 CONSTRAINT staff_generation_nonneg CHECK (session_generation >= 0),
  created_at          timestamptz NOT NULL,
  updated_at          timestamptz NOT NULL,
  password_changed_at timestamptz NOT NULL,
  CONSTRAINT staff_username_key UNIQUE (username)
);

CREATE TABLE approvals (
  id            uuid        PRIMARY KEY,
  action        text        NOT NULL CONSTRAINT approvals_action_known CHECK (action IN ('pin-reset', 'revoke-key-compromise')),
  subject       text        NOT NULL CONSTRAINT approvals_subject_len CHECK (length(subject) BETWEEN 1 AND 200),
  reason        text        NOT NULL DEFAULT '' CONSTRAINT approvals_reason_len CHECK (length(reason) <= 500),
  requested_by  uuid        NOT NULL REFERENCES staff (id),
  decided_by    uuid        REFERENCES staff (id),
  state         text        NOT NULL CONSTRAINT approvals_state_known CHECK (state IN ('pending', 'approved', 'rejected', 'executed')),
  created_at    timestamptz NOT NULL,
  expires_at    timestamptz NOT NULL,
  decided_at    timestamptz,
  executed_at   timestamptz,
  CONSTRAINT approvals_expiry_after_creation CHECK (expires_at > created_at),
  -- four eyes, enforced by the database too: nobody decides their own request
  CONSTRAINT approvals_not_self CHECK (decided_by IS NULL OR decided_by <> requested_by),
  CONSTRAINT approvals_decision_complete CHECK ((state = 'pending') = (decided_by IS NULL AND decided_at IS NULL)),
  CONSTRAINT approvals_executed_complete CHECK ((state = 'executed') = (executed_at IS NOT NULL))
);
CREATE INDEX approvals_state_idx ON approvals (state, created_at);
