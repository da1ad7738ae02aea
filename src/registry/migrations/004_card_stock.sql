-- Blank cards received from the manufacturer, by serial, with the F9
-- attestation certificate read at intake (DESIGN.md flow 1).
-- Serial: the PIV card's 32-bit serial (YubiKey GET SERIAL).
CREATE TABLE card_stock (
  serial               bigint      PRIMARY KEY CONSTRAINT card_stock_serial_u32 CHECK (serial BETWEEN 0 AND 4294967295),
  manufacturer         text        NOT NULL CONSTRAINT card_stock_manufacturer_len CHECK (length(btrim(manufacturer)) BETWEEN 1 AND 100),
  attestation_cert_der bytea       CONSTRAINT card_stock_attestation_size CHECK (attestation_cert_der IS NULL OR length(attestation_cert_der) BETWEEN 64 AND 8192),
  status               text        NOT NULL CONSTRAINT card_stock_status_known CHECK (status IN ('available', 'reserved', 'issued', 'rejected')),
  received_at          timestamptz NOT NULL,
  updated_at           timestamptz NOT NULL
);
CREATE INDEX card_stock_status_idx ON card_stock (status);
