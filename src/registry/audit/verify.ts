// `cardauth audit verify`: finds any entry changed, removed or reordered.
// Walks the chain in seq order from the genesis hash:
//   - a missing seq number            → that entry was removed
//   - prev_hash ≠ the previous hash   → the entry no longer follows its
//                                       predecessor (reordered, or one before it removed)
//   - hash ≠ hash of its own fields   → the entry was altered
//   - the last entry ≠ the chain head → entries were removed from the end
// and names the first entry where the chain breaks. Reads in pages, so a long
// log is verified in constant memory.
import type { Sql } from '../sql.js';
import { GENESIS_HASH, entryHash } from './canonical.js';

export type AuditProblem = 'altered' | 'removed' | 'reordered' | 'head_mismatch';

export type AuditVerification =
  | { readonly ok: true; readonly entries: number; readonly headSeq: number; readonly headHash: string }
  | {
      readonly ok: false;
      /** Entries checked and found good before the break. */
      readonly entries: number;
      readonly problem: AuditProblem;
      /** The first entry (seq) where the chain breaks. */
      readonly seq: number;
      readonly message: string;
    };

type Row = {
  seq: number;
  at: Date;
  actor: string;
  action: string;
  subject: string;
  data: string;
  prev_hash: Uint8Array;
  hash: Uint8Array;
}

function eq(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a).equals(Buffer.from(b));
}

export async function verifyAuditChain(sql: Sql, options: { pageSize?: number } = {}): Promise<AuditVerification> {
  const pageSize = options.pageSize ?? 2000;
  let expectedSeq = 1;
  let prevHash: Uint8Array = GENESIS_HASH;
  const seenHashes = new Map<string, number>();
  for (;;) {
    const rows = await sql.query<Row>(
      'SELECT seq, at, actor, action, subject, data, prev_hash, hash FROM audit_log WHERE seq >= $1 ORDER BY seq LIMIT $2',
      [expectedSeq, pageSize],
    );
    for (const r of rows) {
      const seq = Number(r.seq);
      const checked = expectedSeq - 1;
      if (seq !== expectedSeq) {
        return { ok: false, entries: checked, problem: 'removed', seq: expectedSeq, message: `audit entry ${expectedSeq} is missing (removed)` };
      }
      const stored = new Uint8Array(r.hash);
      const own = entryHash({ seq, at: new Date(r.at), actor: r.actor, action: r.action, subject: r.subject, data: r.data, prevHash: new Uint8Array(r.prev_hash) });
      if (!eq(new Uint8Array(r.prev_hash), prevHash)) {
        // Does the entry carry a predecessor hash we know from elsewhere in the chain? Then entries were moved.
        const movedFrom = seenHashes.get(Buffer.from(r.prev_hash).toString('hex'));
        const reordered = movedFrom !== undefined || !eq(own, stored);
        return {
          ok: false,
          entries: checked,
          problem: reordered ? 'reordered' : 'removed',
          seq,
          message: reordered
            ? `audit entry ${seq} is out of place: it does not follow entry ${seq - 1} (entries were reordered)`
            : `audit entry ${seq} does not follow entry ${seq - 1} (an entry before it was removed or replaced)`,
        };
      }
      if (!eq(own, stored)) {
        return { ok: false, entries: checked, problem: 'altered', seq, message: `audit entry ${seq} was altered (its hash does not match its content)` };
      }
      seenHashes.set(Buffer.from(stored).toString('hex'), seq);
      if (seenHashes.size > 100_000) seenHashes.clear();
      prevHash = stored;
      expectedSeq++;
    }
    if (rows.length < pageSize) break;
  }
  const last = expectedSeq - 1;
  const head = (await sql.query<{ seq: number; hash: Uint8Array }>('SELECT seq, hash FROM audit_head WHERE id'))[0];
  if (!head || Number(head.seq) !== last || !eq(new Uint8Array(head.hash), prevHash)) {
    const headSeq = head ? Number(head.seq) : 0;
    return {
      ok: false,
      entries: last,
      problem: headSeq > last ? 'removed' : 'head_mismatch',
      seq: last + 1,
      message:
        headSeq > last
          ? `audit entries ${last + 1}…${headSeq} are missing (removed from the end of the log)`
          : `the audit chain head (entry ${headSeq}) does not match the last entry ${last}`,
    };
  }
  return { ok: true, entries: last, headSeq: last, headHash: Buffer.from(prevHash).toString('hex') };
}
