// Register a relying party with its first API credential, terminals, scopes
// and rate limits; audited in the same transaction (docs/architecture.md, "Audit log").
// The secret is returned once and never stored.
import { appendAudit } from '../../registry/audit/append.js';
import type { Sql } from '../../registry/sql.js';
import { ekycAttributes, isTerminalId, newRpId, type EkycAttribute } from '../ids.js';
import { hashSecret, newCredential } from '../credentials.js';
import { rpScopes, type IssuedCredential, type RelyingParty, type RpScope } from '../types.js';
import { rpById } from './rows.js';
import { rpError } from '../codes.js';

export interface NewRelyingParty {
  readonly name: string;
  readonly scopes: readonly RpScope[];
  readonly ekycAttributes?: readonly EkycAttribute[];
  readonly terminals: readonly string[];
  readonly rateLimitPerMinute?: number;
  readonly terminalRatePerMinute?: number;
}

export const DEFAULT_RP_RATE_PER_MINUTE = 6000;
export const DEFAULT_TERMINAL_RATE_PER_MINUTE = 60;

export function checkNewRp(input: NewRelyingParty): void {
  const bad = (m: string) => rpError('rp_invalid', m);
  if (input.name.trim().length < 1 || input.name.length > 200) throw bad('the name must be 1 to 200 characters');
  if (input.scopes.length === 0 || input.scopes.some((s) => !rpScopes.includes(s))) throw bad(`scopes must be among ${rpScopes.join(', ')}`);
  const attrs = input.ekycAttributes ?? [];
  if (attrs.some((a) => !ekycAttributes.includes(a))) throw bad(`attributes must be among ${ekycAttributes.join(', ')}`);
  if (attrs.length > 0 && !input.scopes.includes('ekyc')) throw bad('eKYC attributes need the ekyc scope');
  if (input.terminals.length === 0) throw bad('register at least one terminal id');
  const badTerminal = input.terminals.find((t) => !isTerminalId(t));
  if (badTerminal !== undefined) throw bad(`terminal id '${badTerminal.slice(0, 70)}' is not 1-64 of A-Z a-z 0-9 . _ : -`);
  for (const [n, v] of [['rate limit', input.rateLimitPerMinute], ['terminal rate limit', input.terminalRatePerMinute]] as const) {
    if (v !== undefined && (!Number.isInteger(v) || v < 1 || v > 10_000_000)) throw bad(`${n} must be 1 to 10000000 per minute`);
  }
}

export async function registerRp(
  sql: Sql,
  input: NewRelyingParty,
  pepper: Buffer,
  actor: string,
  now: Date,
): Promise<{ rp: RelyingParty; credential: IssuedCredential }> {
  checkNewRp(input);
  const id = newRpId();
  const credential = newCredential();
  const terminals = [...new Set(input.terminals)].sort();
  const rp = await sql.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO relying_parties (id, name, status, scopes, ekyc_attributes, rate_limit_per_minute, terminal_rate_per_minute, created_at, updated_at)
       VALUES ($1, $2, 'active', $3, $4, $5, $6, $7, $7)`,
      [
        id,
        input.name.trim(),
        [...input.scopes],
        [...(input.ekycAttributes ?? [])],
        input.rateLimitPerMinute ?? DEFAULT_RP_RATE_PER_MINUTE,
        input.terminalRatePerMinute ?? DEFAULT_TERMINAL_RATE_PER_MINUTE,
        now,
      ],
    );
    for (const t of terminals) await tx.query('INSERT INTO terminals (rp_id, terminal_id, created_at) VALUES ($1, $2, $3)', [id, t, now]);
    await tx.query('INSERT INTO rp_credentials (key_id, rp_id, secret_hash, created_at, valid_until) VALUES ($1, $2, $3, $4, NULL)', [
      credential.keyId,
      id,
      hashSecret(pepper, credential.secret),
      now,
    ]);
    await appendAudit(tx, {
      actor,
      action: 'rp.register',
      subject: `rp:${id}`,
      data: {
        name: input.name.trim(),
        scopes: [...input.scopes],
        ekycAttributes: [...(input.ekycAttributes ?? [])],
        terminals,
        keyId: credential.keyId,
      },
      at: now,
    });
    return (await rpById(tx, id))!;
  });
  return { rp, credential };
}
