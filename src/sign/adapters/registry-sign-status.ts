// Card and signature-certificate status for the sign flow, over the registry
// (migrations 003 and 006): the certificate in slot 9C (156) joined with its
// card and citizen, as src/auth/adapters/registry-status.ts does for 9A; an
// attestation must be on record for the key. Batched per event-loop turn as
// one named statement. Errors propagate: the check answers 503 (fail closed).
import type { CardStatusLookup, CardStatusRecord } from '../../auth/ports.js';
import type { Sql } from '../../registry/sql.js';
import { turnBatcher } from '../../util/turn-batcher.js';

type Row = {
  serial_hex: string;
  cert_status: 'good' | 'hold' | 'revoked';
  card_status: string;
  card_serial: string | number;
  attested: boolean;
  citizen_id: string;
  national_id: string;
  surname: string;
  given_name: string;
  birth_date: string;
  country: string;
};

const QUERY = `
SELECT c.serial_hex, c.status AS cert_status, k.status AS card_status, k.serial AS card_serial,
       (c.attestation_der IS NOT NULL) AS attested, z.id AS citizen_id, z.national_id, z.surname,
       z.given_name, to_char(z.birth_date, 'YYYY-MM-DD') AS birth_date, z.country
FROM certificates c
JOIN cards k ON k.serial = c.card_serial
JOIN citizens z ON z.id = k.citizen_id
WHERE c.serial_hex = ANY ($1::text[]) AND c.slot = 156 AND c.profile = 'card-sign'`;

function record(r: Row): CardStatusRecord {
  return {
    certStatus: r.cert_status,
    cardStatus: r.card_status,
    cardSerial: Number(r.card_serial),
    attested: r.attested === true,
    citizen: { citizenId: r.citizen_id, nationalId: r.national_id, surname: r.surname, givenName: r.given_name, birthDate: r.birth_date, country: r.country },
  };
}

export function registrySignStatus(sql: Sql): CardStatusLookup {
  const lookup = turnBatcher<CardStatusRecord>(async (serials) => {
    const rows = await sql.query<Row>(QUERY, [serials], { prepareAs: 'sign_card_status_lookup' });
    return new Map(rows.map((r) => [r.serial_hex, record(r)]));
  });
  return {
    async byCertificateSerial(certSerialHex) {
      if (!/^[0-9a-f]{2,80}$/.test(certSerialHex)) return undefined;
      return lookup(certSerialHex);
    },
  };
}
