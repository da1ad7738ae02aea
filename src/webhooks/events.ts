// The events the service pushes to relying parties' webhook endpoints, and
// the body each one is sent as (Standard Webhooks: `{type, timestamp, data}`).
//   auth.challenge.completed  data {challengeId, terminalId, result}   the signed result (JWS)
//   auth.challenge.failed     data {challengeId, terminalId, code}     a consumed challenge refused
//   card.suspended | card.resumed | card.revoked | card.replaced
//                             data {subject, cardSerial, reason?, at}   a card that authenticated
//                             with this RP, named by the RP's pairwise subject
export const webhookEventTypes = [
  'auth.challenge.completed',
  'auth.challenge.failed',
  'card.suspended',
  'card.resumed',
  'card.revoked',
  'card.replaced',
] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];

export const isWebhookEventType = (s: string): s is WebhookEventType => (webhookEventTypes as readonly string[]).includes(s);

/** Card status changes by the audit action that records them (src/issuance/lifecycle). */
export const cardEventOfAuditAction: Readonly<Record<string, WebhookEventType>> = {
  'card.suspend': 'card.suspended',
  'card.resume': 'card.resumed',
  'card.revoke': 'card.revoked',
};

/** The body of one event, byte for byte the same on every retry. */
export function webhookBody(type: string, createdAt: Date, data: unknown): string {
  return JSON.stringify({ type, timestamp: createdAt.toISOString(), data });
}
