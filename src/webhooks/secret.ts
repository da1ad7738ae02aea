// Webhook signing secrets (Standard Webhooks: `whsec_` and the base64 of the
// key bytes): 32 random bytes, shown once when the endpoint is registered.
// The registry keeps them sealed with AES-256-GCM under a key derived from
// the RP pepper (not in the database), the endpoint id as associated data so
// a sealed secret cannot be moved to another endpoint.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export const WEBHOOK_SECRET_PREFIX = 'whsec_';

export function newWebhookSecret(): { readonly key: Buffer; readonly text: string } {
  const key = randomBytes(32);
  return { key, text: `${WEBHOOK_SECRET_PREFIX}${key.toString('base64')}` };
}

/** The key bytes of a `whsec_…` secret (what a receiver does with the secret it was given). */
export function webhookSecretKey(text: string): Buffer {
  if (!text.startsWith(WEBHOOK_SECRET_PREFIX)) throw new Error('a webhook secret starts with whsec_');
  const key = Buffer.from(text.slice(WEBHOOK_SECRET_PREFIX.length), 'base64');
  if (key.length < 24 || key.length > 64) throw new Error('a webhook secret holds 24 to 64 bytes');
  return key;
}

/** iv (12) || ciphertext || tag (16). */
export function sealSecret(sealKey: Buffer, webhookId: string, key: Buffer): Buffer {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', sealKey, iv);
  c.setAAD(Buffer.from(webhookId, 'utf8'));
  const body = Buffer.concat([c.update(key), c.final()]);
  return Buffer.concat([iv, body, c.getAuthTag()]);
}

export function unsealSecret(sealKey: Buffer, webhookId: string, sealed: Uint8Array): Buffer {
  const b = Buffer.from(sealed);
  const d = createDecipheriv('aes-256-gcm', sealKey, b.subarray(0, 12));
  d.setAAD(Buffer.from(webhookId, 'utf8'));
  d.setAuthTag(b.subarray(b.length - 16));
  return Buffer.concat([d.update(b.subarray(12, b.length - 16)), d.final()]);
}
