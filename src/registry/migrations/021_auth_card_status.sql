-- Card and certificate status for card + PIN authentication (issue 5, DESIGN.md
-- flow 2: "card and certificate status in the registry, fail closed"), read on
-- every authentication. A PL/pgSQL function so PostgreSQL plans the
-- three-table join once per session and reuses the plan: planning it per call
-- cost the database server more CPU than running it (bench:auth).
CREATE FUNCTION auth_card_status(p_serial_hex text)
RETURNS TABLE (
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
    SELECT c.status, k.status, k.serial, (c.attestation_der IS NOT NULL),
           z.id, z.national_id, z.surname, z.given_name, to_char(z.birth_date, 'YYYY-MM-DD'), z.country
    FROM certificates c
    JOIN cards k ON k.serial = c.card_serial
    JOIN citizens z ON z.id = k.citizen_id
    WHERE c.serial_hex = p_serial_hex AND c.slot = 154;
END;
$$;
