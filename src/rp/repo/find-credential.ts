// The credential row and its RP for one presented key id (the RP
// authentication lookup). Returns the stored hash for a constant-time compare.
import type { Sql } from '../../registry/sql.js';
import { storedTerminalId, type TerminalId } from '../ids.js';
import type { RelyingParty } from '../types.js';
import { RP_SELECT, toRp, type RpRaw } from './rows.js';

export interface CredentialRecord {
  readonly keyId: string;
  readonly secretHash: Uint8Array;
  readonly validUntil: Date | undefined;
  /** The terminal a terminal-bound credential speaks for. */
  readonly terminal: TerminalId | undefined;
  readonly rp: RelyingParty;
}

export async function findCredential(sql: Sql, keyId: string): Promise<CredentialRecord | undefined> {
  const c = (
    await sql.query<{ key_id: string; rp_id: string; secret_hash: Uint8Array; valid_until: Date | null; terminal_id: string | null }>(
      'SELECT key_id, rp_id, secret_hash, valid_until, terminal_id FROM rp_credentials WHERE key_id = $1',
      [keyId],
    )
  )[0];
  if (!c) return undefined;
  const r = (await sql.query<RpRaw>(`${RP_SELECT} FROM relying_parties rp WHERE rp.id = $1`, [c.rp_id]))[0];
  if (!r) return undefined;
  return {
    keyId: c.key_id,
    secretHash: new Uint8Array(c.secret_hash),
    validUntil: c.valid_until === null ? undefined : new Date(c.valid_until),
    terminal: c.terminal_id === null ? undefined : storedTerminalId(c.terminal_id),
    rp: toRp(r),
  };
}
