// Register a public key for an RP's signed client assertions
// (private_key_jwt): checked (../client-keys.ts: EC P-256, public only),
// stored with its kid, audited in the same transaction. A kid already
// registered to the RP is refused, even if that key was removed (a kid names
// one key for good).
import { appendAudit } from '../../registry/audit/append.js';
import type { Sql } from '../../registry/sql.js';
import { checkClientJwk, type ClientPublicKey } from '../client-keys.js';
import { rpError } from '../codes.js';
import { rpById } from './rows.js';

export async function addClientKey(sql: Sql, rpId: string, unverifiedJwk: unknown, actor: string, now: Date): Promise<ClientPublicKey> {
  const key = checkClientJwk(unverifiedJwk);
  await sql.transaction(async (tx) => {
    if (!(await rpById(tx, rpId))) throw rpError('rp_not_found', `no relying party ${rpId}`);
    const inserted = await tx.query('INSERT INTO rp_client_keys (rp_id, kid, jwk, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING kid', [
      rpId,
      key.kid,
      JSON.stringify(key.jwk),
      now,
    ]);
    if (inserted.length === 0) throw rpError('rp_invalid', `The relying party already has a client key with kid ${key.kid}.`);
    await appendAudit(tx, { actor, action: 'rp.client_key.add', subject: `rp:${rpId}`, data: { kid: key.kid, x: key.jwk.x, y: key.jwk.y }, at: now });
  });
  return key;
}
