// CardStatusLookup over the registry (D's tables, migrations 003 and 006):
// one indexed lookup joining the certificate, its card and the citizen,
// batched with the other lookups of the same event-loop turn. A
// certificate counts as attested only when an attestation is on record for
// it (certificates.attestation_der, verified at issuance). Errors propagate:
// the check turns them into 503 `unavailable` (fail closed).
import type { Sql } from '../../registry/sql.js';
import { turnBatcher } from '../../util/turn-batcher.js';
import type { CardStatusLookup, CardStatusRecord } from '../ports.js';

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

// auth_card_status_many() (migration 022): the join of certificate, card and
// citizen for every serial of a batch, with its plan cached per database
// session. The lookups of one event-loop turn share one statement
// (src/util/turn-batcher.ts): one round trip per batch, not per request.
const QUERY = `
SELECT o_serial_hex AS serial_hex, o_cert_status AS cert_status, o_card_status AS card_status, o_card_serial AS card_serial,
       o_attested AS attested, o_citizen_id AS citizen_id, o_national_id AS national_id, o_surname AS surname,
       o_given_name AS given_name, o_birth_date AS birth_date, o_country AS country
FROM auth_card_status_many($1)`;

function record(r: Row): CardStatusRecord {
  return {
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
}

export function registryCardStatus(sql: Sql): CardStatusLookup {
  const lookup = turnBatcher<CardStatusRecord>(async (serials) => {
    const rows = await sql.query<Row>(QUERY, [serials], { prepareAs: 'auth_card_status_many' });
    return new Map(rows.map((r) => [r.serial_hex, record(r)]));
  });
  return {
    async byCertificateSerial(certSerialHex) {
      if (!/^[0-9a-f]{2,80}$/.test(certSerialHex)) return undefined;
      return lookup(certSerialHex);
    },
  };
}
