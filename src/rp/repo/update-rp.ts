// Change a relying party's registration after `rp add`: its name, scopes,
// eKYC attributes, terminals (a bank opens and closes ATMs) and rate limits.
// The whole new registration is checked by the rules of a new one
// (checkNewRp) before anything is written; the row, the terminal set and an
// audit entry naming every field that changed, from what to what, are one
// transaction. A change that changes nothing writes nothing. Running service
// processes see it when their credential cache entry ends (5 s,
// src/rp/authenticate.ts): a removed terminal's pending challenges are then
// refused `terminal_unknown`.
import { appendAudit } from '../../registry/audit/append.js';
import type { Sql } from '../../registry/sql.js';
import type { EkycAttribute } from '../ids.js';
import type { RelyingParty, RpScope } from '../types.js';
import { checkNewRp } from './register-rp.js';
import { rpById } from './rows.js';
import { rpError } from '../codes.js';

export interface RpChanges {
  readonly name?: string;
  /** The new scope set (replaces the old one). */
  readonly scopes?: readonly RpScope[];
  /** The new eKYC attribute set (replaces the old one; [] clears it). */
  readonly ekycAttributes?: readonly EkycAttribute[];
  readonly addTerminals?: readonly string[];
  readonly removeTerminals?: readonly string[];
  readonly rateLimitPerMinute?: number;
  readonly terminalRatePerMinute?: number;
}

/** What changed, as the audit entry records it (absent: unchanged). */
export interface RpChangeRecord {
  name?: { from: string; to: string };
  scopes?: { from: string[]; to: string[] };
  ekycAttributes?: { from: string[]; to: string[] };
  terminalsAdded?: string[];
  terminalsRemoved?: string[];
  /** Credentials bound to a removed terminal, removed with it. */
  terminalKeysRemoved?: string[];
  rateLimitPerMinute?: { from: number; to: number };
  terminalRatePerMinute?: { from: number; to: number };
}

const sameSet = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x) => b.includes(x));

export async function updateRp(sql: Sql, rpId: string, changes: RpChanges, actor: string, now: Date): Promise<{ rp: RelyingParty; changed: RpChangeRecord }> {
  const bad = (m: string) => rpError('rp_invalid', m);
  return sql.transaction(async (tx) => {
    // Row lock: two concurrent updates of one RP apply one after the other,
    // each to what the other left.
    if ((await tx.query('SELECT id FROM relying_parties WHERE id = $1 FOR UPDATE', [rpId])).length === 0) {
      throw rpError('rp_not_found', `no relying party ${rpId}`);
    }
    const cur = (await rpById(tx, rpId))!;
    const add = [...new Set(changes.addTerminals ?? [])];
    const remove = [...new Set(changes.removeTerminals ?? [])];
    const both = add.find((t) => remove.includes(t));
    if (both !== undefined) throw bad(`terminal '${both}' is both added and removed`);
    const unknown = remove.find((t) => !(cur.terminals as readonly string[]).includes(t));
    if (unknown !== undefined) throw bad(`terminal '${unknown.slice(0, 70)}' is not registered to ${rpId}`);
    const next = {
      name: changes.name?.trim() ?? cur.name,
      scopes: changes.scopes ? [...new Set(changes.scopes)] : [...cur.scopes],
      ekycAttributes: changes.ekycAttributes ? [...new Set(changes.ekycAttributes)] : [...cur.ekycAttributes],
      terminals: [...new Set([...cur.terminals, ...add])].filter((t) => !remove.includes(t)).sort(),
      rateLimitPerMinute: changes.rateLimitPerMinute ?? cur.rateLimitPerMinute,
      terminalRatePerMinute: changes.terminalRatePerMinute ?? cur.terminalRatePerMinute,
    };
    checkNewRp(next);
    if (next.name.toLowerCase() !== cur.name.toLowerCase()) {
      const taken = await tx.query('SELECT id FROM relying_parties WHERE lower(name) = lower($1) AND id <> $2', [next.name, rpId]);
      if (taken.length > 0) throw bad(`another relying party is named '${next.name.slice(0, 70)}'`);
    }

    const changed: RpChangeRecord = {};
    if (next.name !== cur.name) changed.name = { from: cur.name, to: next.name };
    if (!sameSet(next.scopes, cur.scopes)) changed.scopes = { from: [...cur.scopes], to: next.scopes };
    if (!sameSet(next.ekycAttributes, cur.ekycAttributes)) changed.ekycAttributes = { from: [...cur.ekycAttributes], to: next.ekycAttributes };
    const added = next.terminals.filter((t) => !(cur.terminals as readonly string[]).includes(t));
    if (added.length > 0) changed.terminalsAdded = added;
    if (remove.length > 0) changed.terminalsRemoved = remove.sort();
    if (next.rateLimitPerMinute !== cur.rateLimitPerMinute) changed.rateLimitPerMinute = { from: cur.rateLimitPerMinute, to: next.rateLimitPerMinute };
    if (next.terminalRatePerMinute !== cur.terminalRatePerMinute) {
      changed.terminalRatePerMinute = { from: cur.terminalRatePerMinute, to: next.terminalRatePerMinute };
    }
    if (Object.keys(changed).length === 0) return { rp: cur, changed };

    await tx.query(
      `UPDATE relying_parties SET name = $2, scopes = $3, ekyc_attributes = $4, rate_limit_per_minute = $5, terminal_rate_per_minute = $6, updated_at = $7
       WHERE id = $1`,
      [rpId, next.name, next.scopes, next.ekycAttributes, next.rateLimitPerMinute, next.terminalRatePerMinute, now],
    );
    if (remove.length > 0) {
      const keys = await tx.query<{ key_id: string }>('SELECT key_id FROM rp_credentials WHERE rp_id = $1 AND terminal_id = ANY ($2::text[]) ORDER BY key_id', [rpId, remove]);
      if (keys.length > 0) changed.terminalKeysRemoved = keys.map((k) => k.key_id);
      // The terminals' credentials go with them (ON DELETE CASCADE, migration 025).
      await tx.query('DELETE FROM terminals WHERE rp_id = $1 AND terminal_id = ANY ($2::text[])', [rpId, remove]);
    }
    for (const t of added) await tx.query('INSERT INTO terminals (rp_id, terminal_id, created_at) VALUES ($1, $2, $3)', [rpId, t, now]);
    await appendAudit(tx, { actor, action: 'rp.update', subject: `rp:${rpId}`, data: { ...changed }, at: now });
    return { rp: (await rpById(tx, rpId))!, changed };
  });
}
