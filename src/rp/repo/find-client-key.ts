// The registered client key (rp, kid) and its RP, for the client-assertion
// lookup; undefined when either is unknown or the key was removed.
import type { Sql } from '../../registry/sql.js';
import type { ClientPublicKey } from '../client-keys.js';
import type { RelyingParty } from '../types.js';
import { RP_SELECT, toRp, type RpRaw } from './rows.js';

export async function findClientKey(sql: Sql, rpId: string, kid: string): Promise<{ key: ClientPublicKey; rp: RelyingParty } | undefined> {
  const k = (
    await sql.query<{ kid: string; jwk: ClientPublicKey['jwk'] | string }>('SELECT kid, jwk FROM rp_client_keys WHERE rp_id = $1 AND kid = $2 AND revoked_at IS NULL', [rpId, kid])
  )[0];
  if (!k) return undefined;
  const r = (await sql.query<RpRaw>(`${RP_SELECT} FROM relying_parties rp WHERE rp.id = $1`, [rpId]))[0];
  if (!r) return undefined;
  const jwk = typeof k.jwk === 'string' ? (JSON.parse(k.jwk) as ClientPublicKey['jwk']) : k.jwk;
  return { key: { kid: k.kid, jwk }, rp: toRp(r) };
}

export async function listClientKeys(sql: Sql, rpId: string): Promise<Array<{ kid: string; jwk: ClientPublicKey['jwk']; createdAt: Date; revokedAt: Date | undefined }>> {
  const rows = await sql.query<{ kid: string; jwk: ClientPublicKey['jwk'] | string; created_at: Date; revoked_at: Date | null }>(
    'SELECT kid, jwk, created_at, revoked_at FROM rp_client_keys WHERE rp_id = $1 ORDER BY created_at',
    [rpId],
  );
  return rows.map((r) => ({
    kid: r.kid,
    jwk: typeof r.jwk === 'string' ? (JSON.parse(r.jwk) as ClientPublicKey['jwk']) : r.jwk,
    createdAt: new Date(r.created_at),
    revokedAt: r.revoked_at === null ? undefined : new Date(r.revoked_at),
  }));
}
