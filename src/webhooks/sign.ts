// Signing one delivery, Standard Webhooks v1: the headers `webhook-id` (the
// message id, the same on every retry), `webhook-timestamp` (seconds, when
// this attempt was signed) and `webhook-signature: v1,<base64 HMAC-SHA256(
// key, id "." timestamp "." body)>`. A receiver checks the signature, refuses
// a timestamp too far from its clock (replays of old deliveries) and
// remembers ids it has processed (redeliveries of the same message).
import { createHmac } from 'node:crypto';

export function webhookSignature(key: Buffer, id: string, timestamp: number, body: string): string {
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`, 'utf8').digest('base64')}`;
}

export function signedHeaders(key: Buffer, id: string, at: Date, body: string): Record<string, string> {
  const timestamp = Math.floor(at.getTime() / 1000);
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': webhookSignature(key, id, timestamp, body) };
}
