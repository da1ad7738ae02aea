// OutcomeEvents (src/auth/ports.ts) over the outbox: an authentication
// outcome becomes an event for each of the RP's endpoints subscribed to it,
// and a completed one also links the card to the RP (rp_card_links, with the
// RP's pairwise subject) so the card's later status changes reach the RP.
// One transaction; idempotent per challenge (the outbox's unique event key).
//
// Only RPs with webhooks pay for it: whether an RP has a live endpoint is
// cached per process for a few seconds (an endpoint added shows within that
// time), so the authentication of an RP without webhooks costs no registry
// write and, most of the time, no query.
import type { OutcomeEvents, StoredOutcomeEvent } from '../auth/ports.js';
import type { Sql } from '../registry/sql.js';
import { enqueueRpEvent, linkCard } from './repo/enqueue-event.js';

export function outboxOutcomeEvents(deps: { readonly sql: Sql; readonly now: () => number; readonly cacheMs?: number; readonly written?: () => void }): OutcomeEvents & { forget(): void } {
  const ttl = deps.cacheMs ?? 5000;
  const known = new Map<string, { at: number; has: boolean }>();

  async function hasEndpoints(rpId: string): Promise<boolean> {
    const now = deps.now();
    const hit = known.get(rpId);
    if (hit && now - hit.at < ttl) return hit.has;
    const rows = await deps.sql.query('SELECT 1 FROM rp_webhooks WHERE rp_id = $1 AND removed_at IS NULL LIMIT 1', [rpId]);
    if (known.size >= 10_000) known.delete(known.keys().next().value!);
    known.set(rpId, { at: now, has: rows.length > 0 });
    return rows.length > 0;
  }

  return {
    async outcomeStored(e: StoredOutcomeEvent) {
      if (!(await hasEndpoints(e.rpId))) return;
      const written = await deps.sql.transaction(async (tx) => {
        if (e.status === 'completed') {
          if (e.cardSerial !== null) await linkCard(tx, { rpId: e.rpId, cardSerial: e.cardSerial, subject: e.subject, at: e.at });
          return enqueueRpEvent(tx, {
            rpId: e.rpId,
            type: 'auth.challenge.completed',
            key: e.challengeId,
            data: { challengeId: e.challengeId, terminalId: e.terminalId, result: e.result },
            at: e.at,
          });
        }
        return enqueueRpEvent(tx, {
          rpId: e.rpId,
          type: 'auth.challenge.failed',
          key: e.challengeId,
          data: { challengeId: e.challengeId, terminalId: e.terminalId, code: e.code },
          at: e.at,
        });
      });
      if (written > 0) deps.written?.();
    },
    forget() {
      known.clear();
    },
  };
}
