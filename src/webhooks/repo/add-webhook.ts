// Register a webhook endpoint for a relying party: its URL (http or https;
// loopback allowed, for receivers beside the RP's own back end and for
// tests), the events it wants (all by default) and a new signing secret,
// returned once as `whsec_…` and kept only sealed. Audited in the same
// transaction (the URL and events, never the secret).
import { randomBytes } from 'node:crypto';
import { appendAudit } from '../../registry/audit/append.js';
import type { Sql } from '../../registry/sql.js';
import { rpError } from '../../rp/codes.js';
import { webhookError } from '../codes.js';
import { isWebhookEventType, webhookEventTypes, type WebhookEventType } from '../events.js';
import { newWebhookSecret, sealSecret } from '../secret.js';

export interface WebhookEndpoint {
  readonly id: string;
  readonly rpId: string;
  readonly url: string;
  readonly events: readonly WebhookEventType[];
  readonly createdAt: Date;
}

/** The URL as it will be called; webhook_invalid otherwise. */
export function checkWebhookUrl(text: string): string {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw webhookError('webhook_invalid', 'The webhook URL is not a URL.');
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw webhookError('webhook_invalid', 'The webhook URL must be http or https.');
  if (u.username !== '' || u.password !== '') throw webhookError('webhook_invalid', 'The webhook URL may not carry a user name or password.');
  if (u.hash !== '') throw webhookError('webhook_invalid', 'The webhook URL may not carry a fragment.');
  const out = u.toString();
  if (out.length > 2048) throw webhookError('webhook_invalid', 'The webhook URL is longer than 2048 characters.');
  return out;
}

export function checkWebhookEvents(events: readonly string[] | undefined): WebhookEventType[] {
  if (events === undefined || events.length === 0) return [...webhookEventTypes];
  const unknown = events.filter((e) => !isWebhookEventType(e));
  if (unknown.length > 0) throw webhookError('webhook_invalid', `Unknown events: ${unknown.join(', ').slice(0, 200)} (known: ${webhookEventTypes.join(', ')}).`);
  return [...new Set(events as WebhookEventType[])];
}

export async function addWebhook(
  sql: Sql,
  input: { readonly rpId: string; readonly url: string; readonly events?: readonly string[] },
  sealKey: Buffer,
  actor: string,
  now: Date,
): Promise<{ readonly webhook: WebhookEndpoint; readonly secret: string }> {
  const url = checkWebhookUrl(input.url);
  const events = checkWebhookEvents(input.events);
  const id = `wh_${randomBytes(12).toString('base64url')}`;
  const secret = newWebhookSecret();
  await sql.transaction(async (tx) => {
    const rp = await tx.query('SELECT 1 FROM relying_parties WHERE id = $1', [input.rpId]);
    if (rp.length === 0) throw rpError('rp_not_found', `no relying party ${input.rpId.slice(0, 64)}`);
    await tx.query('INSERT INTO rp_webhooks (id, rp_id, url, secret_sealed, events, created_at) VALUES ($1, $2, $3, $4, $5, $6)', [
      id,
      input.rpId,
      url,
      sealSecret(sealKey, id, secret.key),
      events,
      now,
    ]);
    await appendAudit(tx, { actor, action: 'rp.webhook.add', subject: `rp:${input.rpId}`, data: { webhook: id, url, events }, at: now });
  });
  secret.key.fill(0);
  return { webhook: { id, rpId: input.rpId, url, events, createdAt: now }, secret: secret.text };
}
