// The audit log over HTTP (/v1/staff/audit…), for the console: browse and
// filter the entries (audit.read), and walk the hash chain (audit.verify),
// the same functions `cardauth audit list` and `cardauth audit verify` run.
// Actors that are staff accounts are named, so a reader sees who did what.
import { z } from 'zod';
import { requirePermission } from '../../access/permissions.js';
import { AppError } from '../../errors/app-error.js';
import { readAuditLog } from '../../registry/audit/read.js';
import { verifyAuditChain } from '../../registry/audit/verify.js';
import { staffNames } from '../../registry/repos/staff.js';
import type { Sql } from '../../registry/sql.js';
import type { StaffPrincipal } from '../../staff/principal.js';
import { defineRoute, problemResponse, type AnyRoute, type RouteAuth } from '../route.js';

export interface AuditRouteDeps {
  readonly sql: Sql;
  readonly auth: RouteAuth<StaffPrincipal>;
}

const entrySchema = z.object({
  seq: z.number().int(),
  at: z.string(),
  actor: z.string(),
  actorName: z.string().optional().describe('Display name and username when the actor is a staff account'),
  action: z.string(),
  subject: z.string(),
  data: z.unknown(),
  hash: z.string().describe('SHA-256 of the entry, hex'),
});

const verificationSchema = z.union([
  z.object({ ok: z.literal(true), entries: z.number().int(), headSeq: z.number().int(), headHash: z.string() }),
  z.object({
    ok: z.literal(false),
    entries: z.number().int().describe('Entries checked and found good before the break'),
    problem: z.enum(['altered', 'removed', 'reordered', 'head_mismatch', 'anchor_mismatch']),
    seq: z.number().int().describe('The first entry where the chain breaks'),
    message: z.string(),
  }),
]);

const text = (max: number) => z.string().min(1).max(max);

export function auditRoutes(deps: AuditRouteDeps): AnyRoute[] {
  const tags = ['audit'];
  return [
    defineRoute({
      method: 'get',
      path: '/v1/staff/audit',
      operationId: 'auditList',
      summary: 'Audit log entries, newest first, filtered by subject, actor or action prefix; page with `before`',
      tags,
      auth: deps.auth,
      query: z.object({
        subject: text(200).optional(),
        actor: text(200).optional(),
        action: text(100).optional().describe('An action or the start of one, e.g. `card.`'),
        before: z.coerce.number().int().min(1).optional().describe('Only entries with a lower seq (the next page)'),
        limit: z.coerce.number().int().min(1).max(500).default(50),
      }),
      responses: {
        200: { description: 'Entries', schema: z.object({ entries: z.array(entrySchema), next: z.number().int().optional().describe('`before` for the next page') }) },
        401: problemResponse,
        403: problemResponse,
      },
      async handle({ query, principal }) {
        requirePermission(principal, 'audit.read');
        const entries = await readAuditLog(deps.sql, {
          ...(query.subject === undefined ? {} : { subject: query.subject }),
          ...(query.actor === undefined ? {} : { actor: query.actor }),
          ...(query.action === undefined ? {} : { actionPrefix: query.action }),
          ...(query.before === undefined ? {} : { beforeSeq: query.before }),
          limit: query.limit,
        });
        // Staff and relying-party changes name the actor `staff:<id>`; issuance changes name the staff id alone.
        const staffId = (actor: string): string | undefined => (actor.startsWith('staff:') ? actor.slice(6) : /^[0-9a-f-]{36}$/i.test(actor) ? actor : undefined);
        const names = await staffNames(deps.sql, entries.flatMap((e) => staffId(e.actor) ?? []));
        const last = entries[entries.length - 1];
        return {
          body: {
            entries: entries.map((e) => {
              const n = names.get(staffId(e.actor) ?? '');
              return { seq: e.seq, at: e.at.toISOString(), actor: e.actor, ...(n ? { actorName: `${n.displayName} (${n.username})` } : {}), action: e.action, subject: e.subject, data: e.data, hash: e.hash };
            }),
            ...(last !== undefined && entries.length === query.limit && last.seq > 1 ? { next: last.seq } : {}),
          },
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/staff/audit/verify',
      operationId: 'auditVerify',
      summary: 'Walk the audit hash chain from the first entry; answers the head it verified, or the first entry where it breaks',
      description:
        'With `expectHead` (`<seq>:<sha256 hex>`, a head noted earlier and kept outside the database), the chain must still contain that entry unchanged: a rewritten chain fails it.',
      tags,
      auth: deps.auth,
      body: z.object({ expectHead: z.string().regex(/^\d{1,15}:[0-9a-fA-F]{64}$/, '<seq>:<64 hex digits>').optional() }).strict(),
      responses: { 200: { description: 'The verification (ok false names the break)', schema: verificationSchema }, 401: problemResponse, 403: problemResponse },
      async handle({ body, principal }) {
        requirePermission(principal, 'audit.verify');
        const v = await verifyAuditChain(deps.sql);
        if (!v.ok || body.expectHead === undefined) return { body: v };
        const [seqText, hash] = body.expectHead.split(':') as [string, string];
        const seq = Number(seqText);
        if (!Number.isSafeInteger(seq)) throw new AppError('invalid_request', 'body.expectHead: seq out of range', 400);
        const row = (await deps.sql.query<{ hash: Uint8Array }>('SELECT hash FROM audit_log WHERE seq = $1', [seq]))[0];
        if (row && Buffer.from(row.hash).toString('hex') === hash.toLowerCase()) return { body: v };
        return {
          body: { ok: false, entries: v.entries, problem: 'anchor_mismatch', seq, message: `audit entry ${seq} is not the entry noted earlier (the chain was rewritten from there or before)` },
        };
      },
    }),
  ];
}
