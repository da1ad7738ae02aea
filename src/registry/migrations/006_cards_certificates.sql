-- Issued cards and their certificates (DESIGN.md flow 1 step 8, flow 3).
-- Certificate status is what OCSP and the CRL publish; a revoked certificate
-- never changes status again (RFC 5280 §3.3: revocation is permanent; only
-- certificateHold may be lifted).
CREATE TABLE cards (
  serial            bigint      PRIMARY KEY REFERENCES card_stock (serial),
  uuid              uuid        NOT NULL,
  citizen_id        uuid        NOT NULL REFERENCES citizens (id),
  status            text        NOT NULL CONSTRAINT cards_status_known
                                CHECK (status IN ('active', 'hold', 'pending_activation', 'revoked', 'superseded', 'expired', 'wiped')),
  issued_at         timestamptz NOT NULL,
  expires_at        timestamptz NOT NULL,
  job_id            uuid        REFERENCES issuance_jobs (id),
  replaces_serial   bigint      REFERENCES cards (serial),
  superseded_by     bigint      REFERENCES cards (serial) DEFERRABLE INITIALLY DEFERRED,
  status_changed_at timestamptz NOT NULL,
  CONSTRAINT cards_uuid_key UNIQUE (uuid),
  CONSTRAINT cards_expiry_after_issue CHECK (expires_at > issued_at),
  CONSTRAINT cards_not_self_replacing CHECK (replaces_serial IS NULL OR replaces_serial <> serial),
  CONSTRAINT cards_successor_only_when_superseded CHECK (superseded_by IS NULL OR status = 'superseded')
);
-- One card in use per citizen: a replacement supersedes the old card first.
CREATE UNIQUE INDEX cards_one_live_per_citizen ON cards (citizen_id) WHERE status IN ('active', 'hold', 'pending_activation');
CREATE INDEX cards_expiry_idx ON cards (expires_at) WHERE status IN ('active', 'hold', 'pending_activation');

CREATE TABLE certificates (
  serial_hex        text        PRIMARY KEY CONSTRAINT certificates_serial_hex CHECK (serial_hex ~ '^[0-9a-f]{2,40}$'),
  card_serial       bigint      NOT NULL REFERENCES cards (serial),
  slot              smallint    NOT NULL CONSTRAINT certificates_slot_known CHECK (slot IN (154, 156)),  -- 0x9A, 0x9C
  profile           text        NOT NULL CONSTRAINT certificates_profile_known CHECK (profile IN ('card-auth', 'card-sign')),
  der               bytea       NOT NULL CONSTRAINT certificates_der_size CHECK (length(der) BETWEEN 64 AND 16384),
  sha256            bytea       NOT NULL CONSTRAINT certificates_sha256_len CHECK (length(sha256) = 32),
  status            text        NOT NULL CONSTRAINT certificates_status_known CHECK (status IN ('good', 'hold', 'revoked')),
  revocation_reason text        CONSTRAINT certificates_reason_known
                                CHECK (revocation_reason IN ('unspecified', 'keyCompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation', 'privilegeWithdrawn')),
  status_changed_at timestamptz NOT NULL,
  not_before        timestamptz NOT NULL,
  not_after         timestamptz NOT NULL,
  attestation_der   bytea,
  attested_at       timestamptz,
  CONSTRAINT certificates_card_slot_key UNIQUE (card_serial, slot),
  CONSTRAINT certificates_sha256_key UNIQUE (sha256),
  CONSTRAINT certificates_validity CHECK (not_after > not_before),
  CONSTRAINT certificates_reason_iff_revoked CHECK ((status = 'revoked') = (revocation_reason IS NOT NULL)),
  CONSTRAINT certificates_profile_slot CHECK ((slot = 154 AND profile = 'card-auth') OR (slot = 156 AND profile = 'card-sign')),
  CONSTRAINT certificates_attestation_complete CHECK ((attestation_der IS NULL) = (attested_at IS NULL))
);
CREATE INDEX certificates_card_idx ON certificates (card_serial);
CREATE INDEX certificates_not_good_idx ON certificates (not_after) WHERE status <> 'good';

CREATE FUNCTION certificates_revocation_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status = 'revoked' AND (NEW.status <> 'revoked' OR NEW.revocation_reason IS DISTINCT FROM OLD.revocation_reason) THEN
    RAISE EXCEPTION 'certificate % is revoked; revocation is permanent', OLD.serial_hex USING ERRCODE = 'CA001';
  END IF;
  IF NEW.der <> OLD.der OR NEW.serial_hex <> OLD.serial_hex OR NEW.card_serial <> OLD.card_serial THEN
    RAISE EXCEPTION 'a registered certificate''s bytes and owner never change' USING ERRCODE = 'CA001';
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER certificates_status_guard BEFORE UPDATE ON certificates
  FOR EACH ROW EXECUTE FUNCTION certificates_revocation_final();

-- The CRL number (RFC 5280 §5.2.3), shared by every service process.
CREATE TABLE crl_state (
  id     boolean PRIMARY KEY DEFAULT true CONSTRAINT crl_state_single CHECK (id),
  number bigint  NOT NULL CONSTRAINT crl_state_number_nonneg CHECK (number >= 0)
);
INSERT INTO crl_state (id, number) VALUES (true, 0);
