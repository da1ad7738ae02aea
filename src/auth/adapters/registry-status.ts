// CardStatusLookup over the registry (D's tables, migrations 003 and 006):
// one indexed lookup joining the certificate, its card and the citizen,
// batched with the other lookups of the same event-loop turn. A
// certificate counts as attested only when an attestation is on record for
// it (certificates.attestation_der, verified at issuance). Errors propagate:
// the check turns them into 503 `unavailable` (fail closed).
import { registryError } from '../../registry/codes.js';
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

// The join of certificate, card and citizen for every serial of a batch, as a
// named statement: prepared once per database connection, so PostgreSQL
// parses it once and, after its first executions, keeps one generic plan
// (this replaced the PL/pgSQL wrapper of migrations 021/022, whose call and
// RETURN QUERY materialisation cost the database a third more CPU per
// statement than the plan they were there to cache; migration 024). The
// lookups of one event-loop turn share one statement
// (src/util/turn-batcher.ts): one round trip per batch, not per request.
const QUERY = `
SELECT c.serial_hex, c.status AS cert_status, k.status AS card_status, k.serial AS card_serial,
       (c.attestation_der IS NOT NULL) AS attested, z.id AS citizen_id, z.national_id, z.surname,
       z.given_name, to_char(z.birth_date, 'YYYY-MM-DD') AS birth_date, z.country
FROM certificates c
JOIN cards k ON k.serial = c.card_serial
JOIN citizens z ON z.id = k.citizen_id
WHERE c.serial_hex = ANY ($1::text[]) AND c.slot = 154`;

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

/**
 * `timeoutMs` bounds each lookup from its call, including the time it waits
 * for the batches under way (default 2000 ms, the registry's own deadline).
 */
export function registryCardStatus(sql: Sql, options: { timeoutMs?: number } = {}): CardStatusLookup {
  const lookup = turnBatcher<CardStatusRecord>(
    async (serials) => {
      const rows = await sql.query<Row>(QUERY, [serials], { prepareAs: 'auth_card_status_lookup' });
      return new Map(rows.map((r) => [r.serial_hex, record(r)]));
    },
    { timeoutMs: options.timeoutMs ?? 2000, timeoutError: (cause) => registryError('registry_unavailable', 'The card status lookup did not finish in time', { cause }) },
  );
  return {
    async byCertificateSerial(certSerialHex) {
      if (!/^[0-9a-f]{2,80}$/.test(certSerialHex)) return undefined;
      return lookup(certSerialHex);
    },
  };
}
