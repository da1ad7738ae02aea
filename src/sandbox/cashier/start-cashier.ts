// The sandbox's cashier: a page where a person types an amount and a payee,
// and a small server behind it that plays the RP back end. The server holds
// the RP's key (never sent to the browser), creates the challenge for the
// chosen terminal through the public API, follows it (status and the
// terminal's progress hint), and once it is completed verifies the signed
// result with `jose` against the service's JWKS, as a bank would, and shows
// it decoded. Served on loopback; calls must come from the page's own origin.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { currencyMinorUnits, isCurrencyCode } from '../../auth/currencies.js';

export interface CashierTerminal {
  readonly id: string;
  /** Who is at it in the sandbox (the test citizen whose card is in its reader). */
  readonly label: string;
  readonly screenUrl: string;
}

export interface CashierOptions {
  readonly serviceUrl: string;
  /** The RP-wide key, `<keyId>.<secret>`. */
  readonly rpKey: string;
  readonly rpId: string;
  readonly rpName: string;
  readonly terminals: readonly CashierTerminal[];
  readonly host: string;
  readonly port: number;
}

export interface RunningCashier {
  readonly url: string;
  close(): Promise<void>;
}

const PAGE: Readonly<Record<string, { file: string; type: string }>> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/cashier.js': { file: 'cashier.js', type: 'text/javascript; charset=utf-8' },
  '/cashier.css': { file: 'cashier.css', type: 'text/css; charset=utf-8' },
};
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const ID = /^ch_[A-Za-z0-9_-]{22}$/;
const EKYC_ATTRIBUTES = ['givenName', 'surname', 'birthDate'];

/**
 * What the cashier typed ("25000", "25,000", "12.5") in the one spelling the
 * service signs: the currency's minor-unit digits exactly ("25000.00" KHR).
 * Anything else goes as typed, and the service's refusal is shown.
 */
function amountAsSigned(typed: string | undefined, currency: string | undefined): string | undefined {
  const plain = typed?.replace(/[,\s]/g, '');
  const m = plain === undefined ? null : /^([0-9]+)(?:\.([0-9]*))?$/.exec(plain);
  if (m === null || currency === undefined || !isCurrencyCode(currency)) return plain;
  const minor = currencyMinorUnits[currency];
  const fraction = m[2] ?? '';
  if (fraction.length > minor) return plain;
  const whole = m[1]!.replace(/^0+(?=[0-9])/, '');
  return minor === 0 ? whole : `${whole}.${fraction.padEnd(minor, '0')}`;
}
const consentText = (rpName: string): string =>
  `${rpName} receives your name and date of birth, to open your account.\n${rpName} ទទួលបានឈ្មោះ និងថ្ងៃខែឆ្នាំកំណើតរបស់អ្នក ដើម្បីបើកគណនីរបស់អ្នក។`;

function send(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > 4096) throw new Error('body too large');
    chunks.push(c);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
}

export async function startCashier(opts: CashierOptions): Promise<RunningCashier> {
  const dir = join(import.meta.dirname, 'page');
  const files = new Map(Object.entries(PAGE).map(([p, f]) => [p, { body: readFileSync(join(dir, f.file)), type: f.type }]));
  const jwks = createRemoteJWKSet(new URL('/.well-known/jwks.json', opts.serviceUrl));
  let allowedHosts: ReadonlySet<string> = new Set();

  const api = (method: string, path: string, body?: unknown): Promise<Response> =>
    fetch(new URL(path, opts.serviceUrl), {
      method,
      headers: { authorization: `Bearer ${opts.rpKey}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(10_000),
    });

  /** The state of a challenge for the page; a completed one with its result verified and decoded. */
  async function follow(id: string): Promise<[number, unknown]> {
    const r = await api('GET', `/v1/auth/challenges/${id}`);
    const state = (await r.json()) as Record<string, unknown>;
    if (!r.ok) return [r.status, state];
    const { challenge: _forTheTerminal, ...shown } = state;
    if (state.status !== 'completed' || typeof state.result !== 'string') return [200, shown];
    const jws = state.result;
    try {
      // What a bank does with the answer: verify it offline against the published keys.
      const { payload, protectedHeader } = await jwtVerify(jws, jwks, { audience: opts.rpId, algorithms: ['ES256'] });
      return [200, { status: 'completed', jws, verified: true, header: protectedHeader, payload }];
    } catch (e) {
      return [200, { status: 'completed', jws, verified: false, error: (e as Error).message, header: decodeProtectedHeader(jws) }];
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    if (req.method === 'GET' && files.has(path)) {
      const f = files.get(path)!;
      res.setHeader('Content-Type', f.type);
      res.end(f.body);
      return;
    }
    if (req.method === 'GET' && path === '/favicon.ico') {
      res.statusCode = 204;
      res.end();
      return;
    }
    if (req.method === 'GET' && path === '/api/setup') {
      return send(res, 200, { rpName: opts.rpName, serviceUrl: opts.serviceUrl, terminals: opts.terminals });
    }
    // Calls that change something: from this page only.
    if (req.method !== 'GET' && req.headers.origin !== `http://${req.headers.host}`) return send(res, 403, { code: 'cross_origin' });
    if (req.method === 'POST' && path === '/api/payments') {
      const unverified = (await readJson(req)) as Record<string, unknown>;
      const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
      const terminalId = str(unverified.terminalId);
      const reference = str(unverified.reference);
      // The service checks everything (currency, minor units, displayable text); its problem comes back as is.
      const r = await api('POST', '/v1/auth/challenges', {
        terminalId,
        transaction: { amount: amountAsSigned(str(unverified.amount), str(unverified.currency)), currency: str(unverified.currency), payee: str(unverified.payee), ...(reference ? { reference } : {}) },
        // eKYC: the attributes the demo bank's policy allows, with the words the citizen agrees to.
        ...(unverified.ekyc === '1' ? { requestedAttributes: EKYC_ATTRIBUTES, consentText: consentText(opts.rpName) } : {}),
      });
      const body = (await r.json()) as Record<string, unknown>;
      return send(res, r.status, r.ok ? { id: body.id, expiresAt: body.expiresAt, terminalId: body.terminalId, transaction: body.transaction } : body);
    }
    const m = /^\/api\/payments\/([^/]+)$/.exec(path);
    if (m !== null && ID.test(m[1]!)) {
      if (req.method === 'GET') {
        const [status, body] = await follow(m[1]!);
        return send(res, status, body);
      }
      if (req.method === 'DELETE') {
        const r = await api('DELETE', `/v1/auth/challenges/${m[1]}`);
        return r.status === 204 ? send(res, 200, { cancelled: true }) : send(res, r.status, await r.json());
      }
    }
    send(res, 404, { code: 'not_found' });
  }

  const server = createServer((req, res) => {
    res.setHeader('Content-Security-Policy', CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cache-Control', 'no-store');
    if (!allowedHosts.has(req.headers.host ?? '')) return send(res, 421, { code: 'wrong_host' });
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) send(res, 502, { code: 'service_unreachable', detail: (e as Error).message.slice(0, 200) });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : opts.port;
  allowedHosts = new Set([`${opts.host}:${port}`, `localhost:${port}`]);
  return {
    url: `http://${opts.host}:${port}/`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
