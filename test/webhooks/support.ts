// A webhook receiver for tests: a node:http server on loopback that records
// every delivery (headers and raw body), answers 204 — or what the test sets
// — and checks Standard Webhooks signatures with its own HMAC code, not the
// service's.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';

export interface Received {
  readonly id: string;
  readonly timestamp: number;
  readonly signature: string;
  readonly body: string;
  readonly json: { type: string; timestamp: string; data: Record<string, unknown> };
}

export interface TestReceiver {
  readonly url: string;
  readonly received: Received[];
  /** Status to answer (default 204); 0 destroys the connection without an answer. */
  answer: number;
  close(): Promise<void>;
}

export async function startReceiver(path = '/hooks/cardauth'): Promise<TestReceiver> {
  const received: Received[] = [];
  const state = { answer: 204 };
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({
        id: String(req.headers['webhook-id']),
        timestamp: Number(req.headers['webhook-timestamp']),
        signature: String(req.headers['webhook-signature']),
        body,
        json: JSON.parse(body) as Received['json'],
      });
      if (state.answer === 0) {
        req.socket.destroy();
        return;
      }
      res.statusCode = state.answer;
      res.end();
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    received,
    get answer() {
      return state.answer;
    },
    set answer(v: number) {
      state.answer = v;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Standard Webhooks v1, computed here independently: HMAC-SHA256(key, id.timestamp.body), base64. */
export function signatureValid(secret: string, r: Received): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${r.id}.${r.timestamp}.${r.body}`).digest();
  return r.signature.split(' ').some((s) => {
    const [v, sig] = s.split(',');
    const given = Buffer.from(sig ?? '', 'base64');
    return v === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
  });
}
