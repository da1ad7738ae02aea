// Receiving cardauth webhooks (Standard Webhooks v1): verify the signature
// with the endpoint's secret (HMAC-SHA256 over `id.timestamp.body`, compared
// in constant time), refuse a timestamp more than `toleranceSeconds` from
// this clock (an old delivery replayed), and refuse a webhook-id already seen
// (a redelivery or a replay) — the guard remembers ids for twice the
// tolerance, past which the timestamp check refuses them anyway.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebhookEvent } from './types.js';

export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
  constructor(
    readonly reason: 'malformed' | 'signature_invalid' | 'timestamp_out_of_range' | 'replayed',
    message: string,
  ) {
    super(message);
  }
}

/** Remembers processed webhook-ids. In memory for one process; give a shared one (Redis SET NX) to several. */
export interface ReplayGuard {
  /** True the first time `id` is seen within `ttlMs`, false after. */
  firstSeen(id: string, ttlMs: number): boolean | Promise<boolean>;
  /** Forget `id` (its handling failed: let the next delivery through). */
  forget?(id: string): void | Promise<void>;
}

export class MemoryReplayGuard implements ReplayGuard {
  private readonly seen = new Map<string, number>();
  firstSeen(id: string, ttlMs: number): boolean {
    const now = Date.now();
    for (const [k, until] of this.seen) if (until <= now) this.seen.delete(k);
    if (this.seen.has(id)) return false;
    this.seen.set(id, now + ttlMs);
    return true;
  }
  forget(id: string): void {
    this.seen.delete(id);
  }
}

export interface VerifyWebhookOptions {
  /** The endpoint's secret as shown once: `whsec_…`. */
  readonly secret: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The raw body exactly as received. */
  readonly body: string | Buffer;
  readonly replay: ReplayGuard;
  /** Default 300 s. */
  readonly toleranceSeconds?: number;
  readonly now?: Date;
}

const header = (h: VerifyWebhookOptions['headers'], name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? undefined : v;
};

export async function verifyWebhook(o: VerifyWebhookOptions): Promise<{ readonly id: string; readonly event: WebhookEvent }> {
  const id = header(o.headers, 'webhook-id');
  const ts = header(o.headers, 'webhook-timestamp');
  const sigs = header(o.headers, 'webhook-signature');
  if (!id || !ts || !sigs || !/^\d{1,12}$/.test(ts)) throw new WebhookVerificationError('malformed', 'webhook-id, webhook-timestamp and webhook-signature are required');
  const body = typeof o.body === 'string' ? o.body : o.body.toString('utf8');
  const key = Buffer.from(o.secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${ts}.${body}`, 'utf8').digest();
  const ok = sigs.split(' ').some((s) => {
    const comma = s.indexOf(',');
    if (s.slice(0, comma) !== 'v1') return false;
    const given = Buffer.from(s.slice(comma + 1), 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!ok) throw new WebhookVerificationError('signature_invalid', 'no valid v1 signature');
  const tolerance = o.toleranceSeconds ?? 300;
  const now = (o.now ?? new Date()).getTime() / 1000;
  if (Math.abs(now - Number(ts)) > tolerance) throw new WebhookVerificationError('timestamp_out_of_range', 'the timestamp is too far from now');
  if (!(await o.replay.firstSeen(id, 2 * tolerance * 1000))) throw new WebhookVerificationError('replayed', `webhook ${id} was already received`);
  let event: WebhookEvent;
  try {
    event = JSON.parse(body) as WebhookEvent;
  } catch {
    throw new WebhookVerificationError('malformed', 'the body is not JSON');
  }
  return { id, event };
}

/**
 * A node:http request listener for a webhook endpoint: reads the body (at
 * most 1 MiB), verifies it, calls `onEvent` once per message. Answers 204 when
 * handled, 200 for a message already handled (so cardauth stops sending it;
 * `onRefused` still hears of it), 400 or 401 when it does not verify, 500
 * when `onEvent` throws (cardauth retries later).
 */
export function webhookListener(opts: {
  readonly secret: string;
  readonly replay: ReplayGuard;
  readonly onEvent: (event: WebhookEvent, id: string) => void | Promise<void>;
  readonly onRefused?: (err: WebhookVerificationError) => void;
  readonly toleranceSeconds?: number;
}): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 1024 * 1024) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      void (async () => {
        let accepted: string | undefined;
        try {
          const { id, event } = await verifyWebhook({
            secret: opts.secret,
            headers: req.headers,
            body: Buffer.concat(chunks),
            replay: opts.replay,
            ...(opts.toleranceSeconds === undefined ? {} : { toleranceSeconds: opts.toleranceSeconds }),
          });
          accepted = id;
          await opts.onEvent(event, id);
          res.statusCode = 204;
        } catch (err) {
          if (err instanceof WebhookVerificationError) {
            opts.onRefused?.(err);
            res.statusCode = err.reason === 'replayed' ? 200 : err.reason === 'malformed' ? 400 : 401;
          } else {
            // Not handled: cardauth sends it again later, and this id must then get through.
            if (accepted !== undefined) await opts.replay.forget?.(accepted);
            res.statusCode = 500;
          }
        }
        res.end();
      })();
    });
  };
}
