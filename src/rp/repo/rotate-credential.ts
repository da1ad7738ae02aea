// Rotate an RP's API credential with an overlap period: a new credential is
// issued now; every RP-wide credential still open-ended stays valid until now
// + overlap, so the RP can roll its back ends over without an outage. Its
// terminals' own credentials (issue-terminal-credential.ts) are not touched.
import { appendAudit } from '../../registry/audit/append.js';
import type { Sql } from '../../registry/sql.js';
import { hashSecret, newCredential } from '../credentials.js';
import type { IssuedCredential } from '../types.js';
import { rpById } from './rows.js';
import { rpError } from '../codes.js';

export const MAX_OVERLAP_SECONDS = 30 * 86_400;

export async function rotateCredential(
  sql: Sql,
  rpId: string,
  overlapSeconds: number,
  pepper: Buffer,
  actor: string,
  now: Date,
): Promise<{ credential: IssuedCredential; oldValidUntil: Date }> {
  if (!Number.isInteger(overlapSeconds) || overlapSeconds < 0 || overlapSeconds > MAX_OVERLAP_SECONDS) {
    throw rpError('rp_invalid', `the overlap must be 0 to ${MAX_OVERLAP_SECONDS} seconds`);
  }
  const credential = newCredential();
  const oldValidUntil = new Date(now.getTime() + overlapSeconds * 1000);
  await sql.transaction(async (tx) => {
    const rp = await rpById(tx, rpId);
    if (!rp) throw rpError('rp_not_found', `no relying party ${rpId}`);
    // Shorten (never lengthen) the validity of the credentials in use.
    const closed = await tx.query<{ key_id: string }>(
      `UPDATE rp_credentials SET valid_until = $2
       WHERE rp_id = $1 AND terminal_id IS NULL AND (valid_until IS NULL OR valid_until > $2) RETURNING key_id`,
      [rpId, oldValidUntil],
    );
    await tx.query('INSERT INTO rp_credentials (key_id, rp_id, secret_hash, created_at, valid_until) VALUES ($1, $2, $3, $4, NULL)', [
      credential.keyId,
      rpId,
      hashSecret(pepper, credential.secret),
      now,
    ]);
    await appendAudit(tx, {
      actor,
      action: 'rp.credential.rotate',
      subject: `rp:${rpId}`,
      data: { keyId: credential.keyId, closedKeyIds: closed.map((c) => c.key_id), oldValidUntil: oldValidUntil.toISOString() },
      at: now,
    });
  });
  return { credential, oldValidUntil };
}
