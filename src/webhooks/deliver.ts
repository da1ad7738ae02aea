// One delivery attempt: POST the event's body, signed (./sign.ts), to the
// endpoint, with a deadline; never following a redirect (the endpoint is
// the URL the RP registered). Any 2xx is delivered; anything else — another
// status, a timeout, a refused connection — is a failed attempt, retried by
// the dispatcher.
import { webhookBody } from './events.js';
import { signedHeaders } from './sign.js';

export type Fetch = (url: string, init: { method: string; headers: Record<string, string>; body: string; redirect: 'manual'; signal: AbortSignal }) => Promise<{
  readonly status: number;
  readonly body: { cancel(): Promise<void> } | null;
}>;

export interface DeliveryAttempt {
  readonly ok: boolean;
  readonly status: number | null;
  readonly error?: string;
}

export async function deliverWebhook(
  fetch: Fetch,
  d: { readonly id: string; readonly url: string; readonly type: string; readonly data: unknown; readonly createdAt: Date },
  key: Buffer,
  now: Date,
  timeoutMs: number,
): Promise<DeliveryAttempt> {
  const body = webhookBody(d.type, d.createdAt, d.data);
  try {
    const res = await fetch(d.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'cardauth-webhooks/1', ...signedHeaders(key, d.id, now, body) },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.body?.cancel().catch(() => undefined);
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status };
    return { ok: false, status: res.status, error: `HTTP ${res.status}` };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    return { ok: false, status: null, error: e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : `${e.cause?.code ?? e.name}: ${e.message}`.slice(0, 300) };
  }
}
