// Issue an API credential bound to one of the RP's registered terminals: the
// key an ATM or payment point holds, which speaks for that terminal only
// (src/http/routes/rp.ts refuses it for any other terminal, and for the
// challenges of other terminals). The secret is returned once and never
// stored; audited in the same transaction. Removing the terminal
// (`rp update --remove-terminal`) removes its credentials.
import { appendAudit } from '../../registry/audit/append.js';
import type { Sql } from '../../registry/sql.js';
import { storedTerminalId, type TerminalId } from '../ids.js';
import { hashSecret, newCredential } from '../credentials.js';
import type { IssuedCredential } from '../types.js';
import { rpById } from './rows.js';
import { rpError } from '../codes.js';

export async function issueTerminalCredential(
  sql: Sql,
  rpId: string,
  terminalId: string,
  pepper: Buffer,
  actor: string,
  now: Date,
): Promise<{ credential: IssuedCredential; terminal: TerminalId }> {
  const credential = newCredential();
  await sql.transaction(async (tx) => {
    const rp = await rpById(tx, rpId);
    if (!rp) throw rpError('rp_not_found', `no relying party ${rpId}`);
    if (!(rp.terminals as readonly string[]).includes(terminalId)) {
      throw rpError('rp_invalid', `terminal '${terminalId.slice(0, 70)}' is not registered to ${rpId} (rp update --add-terminal first)`);
    }
    await tx.query('INSERT INTO rp_credentials (key_id, rp_id, terminal_id, secret_hash, created_at, valid_until) VALUES ($1, $2, $3, $4, $5, NULL)', [
      credential.keyId,
      rpId,
      terminalId,
      hashSecret(pepper, credential.secret),
      now,
    ]);
    await appendAudit(tx, { actor, action: 'rp.credential.terminal', subject: `rp:${rpId}`, data: { keyId: credential.keyId, terminal: terminalId }, at: now });
  });
  return { credential, terminal: storedTerminalId(terminalId) };
}
