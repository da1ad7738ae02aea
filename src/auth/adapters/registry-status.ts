// CardStatusLookup over the registry (D's tables, migrations 003 and 006):
// one indexed query joining the certificate, its card and the citizen. A
// certificate counts as attested only when an attestation is on record for
// it (certificates.attestation_der, verified at issuance). Errors propagate:
// the check turns them into 503 `unavailable` (fail closed).
import type { Sql } from '../../registry/sql.js';
import type { CardStatusLookup, CardStatusRecord } from '../ports.js';

type Row = {
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
SELECT c.status AS cert_status, k.status AS card_status, k.serial AS card_serial,
       (c.attestation_der IS NOT NULL) AS attested,
       z.id AS citizen_id, z.national_id, z.surname, z.given_name, to_char(z.birth_date, 'YYYY-MM-DD') AS birth_date, z.country
FROM certificates c
JOIN cards k ON k.serial = c.card_serial
JOIN citizens z ON z.id = k.citizen_id
WHERE c.serial_hex = $1 AND c.slot = 154`;

export function registryCardStatus(sql: Sql): CardStatusLookup {
  return {
    async byCertificateSerial(certSerialHex) {
      if (!/^[0-9a-f]{2,80}$/.test(certSerialHex)) return undefined;
      const r = (await sql.query<Row>(QUERY, [certSerialHex]))[0];
      if (!r) return undefined;
      const rec: CardStatusRecord = {
        certStatus: r.cert_status,
        cardStatus: r.card_status,
        cardSerial: Number(r.card_serial),
        attested: r.attested === true,
        citizen: {
          citizenId: r.citizen_id,
          nationalId: r.national_id,
          surname: r.surname,
          givenName: r.given_name,
          birthDate: r.birth_date,
          country: r.country,
        },
      };
      return rec;
    },
  };
}
