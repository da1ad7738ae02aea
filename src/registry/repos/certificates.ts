// Card certificates and their status: the source of OCSP answers and CRL
// entries (flow 3 of docs/architecture.md) and of the authentication status check.
// Revocation is permanent (a database trigger refuses to change a revoked
// certificate, migration 006); certificateHold may be lifted.
import { createHash } from 'node:crypto';
import { appendAudit } from '../audit/append.js';
import type { AuditData } from '../audit/canonical.js';
import type { Sql } from '../sql.js';

export const certificateStatuses = ['good', 'hold', 'revoked'] as const;
export type CertificateStatus = (typeof certificateStatuses)[number];
export const revocationReasons = [
  'unspecified',
  'keyCompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'privilegeWithdrawn',
] as const;
export type RevocationReason = (typeof revocationReasons)[number];

export const SLOT_9A = 0x9a;
export const SLOT_9C = 0x9c;

export interface CertificateRow {
  readonly serialHex: string;
  readonly cardSerial: number;
  readonly slot: number;
  readonly profile: 'card-auth' | 'card-sign';
  readonly der: Uint8Array;
  readonly sha256: Uint8Array;
  readonly status: CertificateStatus;
  readonly revocationReason: RevocationReason | undefined;
  readonly statusChangedAt: Date;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly attestationDer: Uint8Array | undefined;
  readonly attestedAt: Date | undefined;
}

export interface NewCertificate {
  readonly serialHex: string;
  readonly cardSerial: number;
  readonly slot: number;
  readonly profile: 'card-auth' | 'card-sign';
  readonly der: Uint8Array;
  readonly status: 'good' | 'hold';
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly attestationDer?: Uint8Array;
  readonly attestedAt?: Date;
}

/** Status as the CA's ports (pki CertStatusLookup) want it; unknown is never good. */
export type CertificateStatusAnswer =
  | { readonly status: 'good' }
  | { readonly status: 'hold'; readonly since: Date }
  | { readonly status: 'revoked'; readonly reason: RevocationReason; readonly at: Date }
  | { readonly status: 'unknown' };

export type RevokedOrHeld =
  | { readonly serialHex: string; readonly status: 'hold'; readonly since: Date }
  | { readonly serialHex: string; readonly status: 'revoked'; readonly reason: RevocationReason; readonly at: Date };

type Raw = {
  serial_hex: string;
  card_serial: number;
  slot: number;
  profile: 'card-auth' | 'card-sign';
  der: Uint8Array;
  sha256: Uint8Array;
  status: CertificateStatus;
  revocation_reason: RevocationReason | null;
  status_changed_at: Date;
  not_before: Date;
  not_after: Date;
  attestation_der: Uint8Array | null;
  attested_at: Date | null;
}

function toCert(r: Raw): CertificateRow {
  return {
    serialHex: r.serial_hex,
    cardSerial: Number(r.card_serial),
    slot: Number(r.slot),
    profile: r.profile,
    der: new Uint8Array(r.der),
    sha256: new Uint8Array(r.sha256),
    status: r.status,
    revocationReason: r.revocation_reason ?? undefined,
    statusChangedAt: new Date(r.status_changed_at),
    notBefore: new Date(r.not_before),
    notAfter: new Date(r.not_after),
    attestationDer: r.attestation_der === null ? undefined : new Uint8Array(r.attestation_der),
    attestedAt: r.attested_at === null ? undefined : new Date(r.attested_at),
  };
}

/** Serial as the registry keys it: lower-case hex, no leading zero octets beyond one. */
export function normaliseSerialHex(serialHex: string): string {
  return serialHex.toLowerCase();
}

export async function insertCertificate(sql: Sql, c: NewCertificate, actor: string, now: Date): Promise<CertificateRow> {
  return sql.transaction(async (tx) => {
    const sha256 = new Uint8Array(createHash('sha256').update(c.der).digest());
    const rows = await tx.query<Raw>(
      `INSERT INTO certificates (serial_hex, card_serial, slot, profile, der, sha256, status, revocation_reason, status_changed_at,
                                 not_before, not_after, attestation_der, attested_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8, $9, $10, $11, $12) RETURNING *`,
      [
        normaliseSerialHex(c.serialHex),
        c.cardSerial,
        c.slot,
        c.profile,
        c.der,
        sha256,
        c.status,
        now,
        c.notBefore,
        c.notAfter,
        c.attestationDer ?? null,
        c.attestationDer === undefined ? null : (c.attestedAt ?? now),
      ],
    );
    await appendAudit(tx, {
      actor,
      action: 'certificate.register',
      subject: `certificate:${normaliseSerialHex(c.serialHex)}`,
      data: { card: c.cardSerial, slot: c.slot, status: c.status, sha256: Buffer.from(sha256).toString('hex'), notAfter: c.notAfter.toISOString() },
      at: now,
    });
    return toCert(rows[0]!);
  });
}

export async function certificateBySerial(sql: Sql, serialHex: string): Promise<CertificateRow | undefined> {
  const r = (await sql.query<Raw>('SELECT * FROM certificates WHERE serial_hex = $1', [normaliseSerialHex(serialHex)]))[0];
  return r && toCert(r);
}

export async function certificatesOfCard(sql: Sql, cardSerial: number): Promise<CertificateRow[]> {
  return (await sql.query<Raw>('SELECT * FROM certificates WHERE card_serial = $1 ORDER BY slot', [cardSerial])).map(toCert);
}

/** The status of one certificate for OCSP / authentication. An unknown serial is 'unknown', never 'good'. */
export async function certificateStatus(sql: Sql, serialHex: string): Promise<CertificateStatusAnswer> {
  if (!/^[0-9a-fA-F]{1,80}$/.test(serialHex)) return { status: 'unknown' };
  const r = (
    await sql.query<Pick<Raw, 'status' | 'revocation_reason' | 'status_changed_at'>>(
      'SELECT status, revocation_reason, status_changed_at FROM certificates WHERE serial_hex = $1',
      [normaliseSerialHex(serialHex)],
    )
  )[0];
  if (!r) return { status: 'unknown' };
  if (r.status === 'good') return { status: 'good' };
  if (r.status === 'hold') return { status: 'hold', since: new Date(r.status_changed_at) };
  return { status: 'revoked', reason: r.revocation_reason ?? 'unspecified', at: new Date(r.status_changed_at) };
}

/** Every revoked or held certificate not yet expired at `now` (the CRL's entries), by serial. */
export async function listRevokedOrHeld(sql: Sql, now: Date): Promise<RevokedOrHeld[]> {
  const rows = await sql.query<Pick<Raw, 'serial_hex' | 'status' | 'revocation_reason' | 'status_changed_at'>>(
    `SELECT serial_hex, status, revocation_reason, status_changed_at FROM certificates
     WHERE status <> 'good' AND not_after > $1 ORDER BY serial_hex`,
    [now],
  );
  return rows.map((r): RevokedOrHeld =>
    r.status === 'hold'
      ? { serialHex: r.serial_hex, status: 'hold', since: new Date(r.status_changed_at) }
      : { serialHex: r.serial_hex, status: 'revoked', reason: r.revocation_reason ?? 'unspecified', at: new Date(r.status_changed_at) },
  );
}

export type StatusChange = { readonly status: 'good' } | { readonly status: 'hold' } | { readonly status: 'revoked'; readonly reason: RevocationReason };

/**
 * Change the status of a card's certificates that are now in one of `from`;
 * each change is audited. Returns the changed rows. A revoked certificate is
 * never in `from` for the database (trigger) — asking for it throws.
 */
export async function setCertificatesStatus(
  sql: Sql,
  cardSerial: number,
  from: readonly CertificateStatus[],
  change: StatusChange,
  audit: { readonly actor: string; readonly action: string; readonly data?: AuditData },
  now: Date,
): Promise<CertificateRow[]> {
  return sql.transaction(async (tx) => {
    const rows = await tx.query<Raw>(
      `UPDATE certificates SET status = $3, revocation_reason = $4, status_changed_at = $5
       WHERE card_serial = $1 AND status = ANY($2::text[]) RETURNING *`,
      [cardSerial, [...from], change.status, change.status === 'revoked' ? change.reason : null, now],
    );
    for (const r of rows) {
      await appendAudit(tx, {
        actor: audit.actor,
        action: audit.action,
        subject: `certificate:${r.serial_hex}`,
        data: { ...audit.data, card: cardSerial, status: change.status, reason: change.status === 'revoked' ? change.reason : undefined },
        at: now,
      });
    }
    return rows.map(toCert);
  });
}
