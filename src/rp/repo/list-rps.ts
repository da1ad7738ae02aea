// All relying parties with their terminals and credential key ids (never hashes).
import type { Sql } from '../../registry/sql.js';
import { storedTerminalId } from '../ids.js';
import type { RelyingParty, RpCredentialInfo } from '../types.js';
import { RP_SELECT, toRp, type RpRaw } from './rows.js';

export async function listRps(sql: Sql): Promise<Array<RelyingParty & { credentials: RpCredentialInfo[] }>> {
  const rps = (await sql.query<RpRaw>(`${RP_SELECT} FROM relying_parties rp ORDER BY lower(rp.name)`)).map(toRp);
  const creds = await sql.query<{ key_id: string; rp_id: string; terminal_id: string | null; created_at: Date; valid_until: Date | null }>(
    'SELECT key_id, rp_id, terminal_id, created_at, valid_until FROM rp_credentials ORDER BY created_at',
  );
  return rps.map((rp) => ({
    ...rp,
    credentials: creds
      .filter((c) => c.rp_id === rp.id)
      .map((c) => ({
        keyId: c.key_id,
        terminal: c.terminal_id === null ? undefined : storedTerminalId(c.terminal_id),
        createdAt: new Date(c.created_at),
        validUntil: c.valid_until === null ? undefined : new Date(c.valid_until),
      })),
  }));
}
