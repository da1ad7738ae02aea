-- The status lookup of migration 021 for several certificates in one call:
-- concurrent authentications share one round trip to the database (the
-- registry adapter batches the lookups of one event-loop turn). Still read
-- fresh from the tables on every call: status is never cached.
CREATE FUNCTION auth_card_status_many(p_serials_hex text[])
RETURNS TABLE (
  o_serial_hex  text,
  o_cert_status text,
  o_card_status text,
  o_card_serial bigint,
  o_attested    boolean,
  o_citizen_id  uuid,
  o_national_id text,
  o_surname     text,
  o_given_name  text,
  o_birth_date  text,
  o_country     text
)
LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN QUERY
    SELECT c.serial_hex, c.status, k.status, k.serial, (c.attestation_der IS NOT NULL),
           z.id, z.national_id, z.surname, z.given_name, to_char(z.birth_date, 'YYYY-MM-DD'), z.country
    FROM certificates c
    JOIN cards k ON k.serial = c.card_serial
    JOIN citizens z ON z.id = k.citizen_id
    WHERE c.serial_hex = ANY (p_serials_hex) AND c.slot = 154;
END;
$$;

-- The one-certificate form of migration 021 has no caller left.
DROP FUNCTION auth_card_status(text);
