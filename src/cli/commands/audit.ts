// `cardauth audit verify|list` (docs/architecture.md, "Audit log": `cardauth
// audit verify` finds any entry changed, removed or reordered).
//   audit verify [--dir <data-dir>] [--json] [--expect-head <seq>:<sha256-hex>]
//     exit 0 when the chain is whole; 1 naming the first broken entry.
//     --expect-head checks the chain still contains an entry noted earlier
//     (an anchor kept outside the database: a rewritten chain fails it).
//   audit list [--subject S] [--limit N] [--dir <data-dir>]
// Access: whoever can open the registry (DATABASE_URL / the data directory).
import { parseArgs } from 'node:util';
import { readAuditLog } from '../../registry/audit/read.js';
import { verifyAuditChain } from '../../registry/audit/verify.js';
import { CliError, type CliIo } from '../io.js';
import { asCli, openMigratedRegistry } from './registry-env.js';

const USAGE = `usage:
  cardauth audit verify [--dir <data-dir>] [--json] [--expect-head <seq>:<sha256-hex>]
  cardauth audit list   [--subject <subject>] [--limit <n>] [--dir <data-dir>]
`;

export async function run(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  let values: { dir?: string; json?: boolean; 'expect-head'?: string; subject?: string; limit?: string };
  try {
    ({ values } = parseArgs({
      args: rest,
      options: { dir: { type: 'string' }, json: { type: 'boolean' }, 'expect-head': { type: 'string' }, subject: { type: 'string' }, limit: { type: 'string' } },
      strict: true,
    }));
  } catch (e) {
    throw new CliError(`${(e as Error).message}\n${USAGE}`, 'usage', 2);
  }
  if (sub !== 'verify' && sub !== 'list') {
    (sub === '--help' ? io.stdout : io.stderr).write(USAGE);
    return sub === '--help' ? 0 : 2;
  }
  let anchor: { seq: number; hash: string } | undefined;
  if (values['expect-head'] !== undefined) {
    const m = /^(\d{1,15}):([0-9a-fA-F]{64})$/.exec(values['expect-head']);
    if (!m) throw new CliError('--expect-head must be <seq>:<64 hex digits>', 'usage', 2);
    anchor = { seq: Number(m[1]), hash: m[2]!.toLowerCase() };
  }
  const limit = values.limit === undefined ? 50 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new CliError('--limit must be 1…1000', 'usage', 2);

  const db = await asCli(() => openMigratedRegistry(io, values.dir));
  try {
    if (sub === 'list') {
      const entries = await asCli(() => readAuditLog(db, { ...(values.subject ? { subject: values.subject } : {}), limit }));
      for (const e of entries) io.stdout.write(`${e.seq}\t${e.at.toISOString()}\t${e.actor}\t${e.action}\t${e.subject}\t${JSON.stringify(e.data)}\n`);
      return 0;
    }
    const v = await asCli(() => verifyAuditChain(db));
    let anchorProblem: string | undefined;
    if (v.ok && anchor) {
      const row = (await db.query<{ hash: Uint8Array }>('SELECT hash FROM audit_log WHERE seq = $1', [anchor.seq]))[0];
      if (!row || Buffer.from(row.hash).toString('hex') !== anchor.hash) {
        anchorProblem = `audit entry ${anchor.seq} is not the entry noted earlier (the chain was rewritten from there or before)`;
      }
    }
    if (values.json) {
      io.stdout.write(`${JSON.stringify(anchorProblem ? { ok: false, problem: 'anchor_mismatch', seq: anchor!.seq, message: anchorProblem } : v)}\n`);
    } else if (!v.ok) {
      io.stdout.write(`audit log BROKEN at entry ${v.seq} (${v.problem}): ${v.message}\n${v.entries} entries before it verified\n`);
    } else if (anchorProblem) {
      io.stdout.write(`audit log BROKEN: ${anchorProblem}\n`);
    } else {
      io.stdout.write(`audit log OK: ${v.entries} entries, head ${v.headSeq}:${v.headHash}\n`);
    }
    return v.ok && !anchorProblem ? 0 : 1;
  } finally {
    await db.close();
  }
}
