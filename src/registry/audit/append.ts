// Append one audit entry (docs/architecture.md, "Audit log"): called with the transaction
// of the change it records, so the entry and the change commit or roll back
// together. The chain head row is locked FOR UPDATE first: concurrent appends
// from any number of processes queue on it, so seq is gap-free and every
// entry's prev_hash is the hash of the entry before it.
// Audit data must never carry secrets (PIN, PUK, keys, passwords, tokens).
import { registryError } from '../codes.js';
import type { Sql } from '../sql.js';
import { canonicalJson, entryHash, type AuditData } from './canonical.js';

export interface AuditEntryInput {
  /** Staff id, 'system', or an RP id: who did it. */
  readonly actor: string;
  /** Dotted verb, e.g. 'citizen.enrol', 'card.revoke', 'staff.disable'. */
  readonly action: string;
  /** What it was done to: a citizen id, card serial, certificate serial, staff id… */
  readonly subject: string;
  readonly data?: AuditData;
  readonly at: Date;
}

export interface AuditEntry {
  readonly seq: number;
  readonly at: Date;
  readonly actor: string;
  readonly action: string;
  readonly subject: string;
  readonly data: string;
  readonly prevHash: Uint8Array;
  readonly hash: Uint8Array;
}

const SECRET_KEY = /pin|puk|secret|password|passphrase|mgm|management.?key|private|token|apikey|api_key/i;

function refuseSecrets(v: unknown, path: string): void {
  if (v === null || typeof v !== 'object') return;
  for (const [k, x] of Object.entries(v)) {
    if (SECRET_KEY.test(k) && !/tries|retries|policy|verified|count|changed|reset|Id$|id$/i.test(k)) {
      throw new TypeError(`audit data field ${path}${k} looks like a secret; audit entries never carry secrets`);
    }
    refuseSecrets(x, `${path}${k}.`);
  }
}

export async function appendAudit(sql: Sql, entry: AuditEntryInput): Promise<AuditEntry> {
  refuseSecrets(entry.data ?? {}, '');
  const data = canonicalJson(entry.data ?? {});
  // A savepoint when `sql` is already a transaction, a transaction otherwise:
  // the head lock must be held until the entry is written.
  return sql.transaction(async (tx) => {
    const head = (await tx.query<{ seq: number; hash: Uint8Array }>('SELECT seq, hash FROM audit_head WHERE id FOR UPDATE'))[0];
    if (!head) throw registryError('audit_append_failed', 'The audit chain head is missing (run cardauth db migrate)');
    const seq = Number(head.seq) + 1;
    const prevHash = new Uint8Array(head.hash);
    const fields = { seq, at: entry.at, actor: entry.actor, action: entry.action, subject: entry.subject, data, prevHash };
    const hash = entryHash(fields);
    await tx.query(
      'INSERT INTO audit_log (seq, at, actor, action, subject, data, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
      [seq, entry.at, entry.actor, entry.action, entry.subject, data, prevHash, hash],
    );
    await tx.query('UPDATE audit_head SET seq = $1, hash = $2 WHERE id', [seq, hash]);
    return { ...fields, hash };
  });
}
