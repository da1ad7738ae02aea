// The citizen's page, served by the terminal process on loopback
// (listen-address.ts): static files from ./page, the screen state pushed as
// server-sent events, and three calls from the page — the PIN, Cancel, and
// (with a simulated card) taking the card out and putting it back.
//
// Who may talk to it: a page this server served, in a browser on this
// machine. Every request must name this server in Host (a DNS-rebinding page
// names its own host); the calls must come from this origin (Origin, and
// Sec-Fetch-Site when the browser sends it) and carry the token the page got
// on its event stream, which no other origin can read. The PIN is read
// straight into bytes (digits only, at most 8), handed to the run's PIN pad
// (screen-hub.ts), and the request buffers are zeroed; it is never logged,
// parsed as text or kept. Strict CSP: the page's own scripts and styles only.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { ScreenHub } from './screen-hub.js';

export interface ScreenServerOptions {
  readonly hub: ScreenHub;
  readonly host: string;
  readonly port: number;
  /** With a simulated card: the page's sandbox controls. */
  readonly simCard?: { remove(): Promise<void>; insert(): Promise<void> };
  /** The page's files (default: ./page beside this module). */
  readonly pageDir?: string;
}

export interface RunningScreenServer {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

const PAGE_FILES: Readonly<Record<string, { file: string; type: string }>> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/screen.js': { file: 'screen.js', type: 'text/javascript; charset=utf-8' },
  '/i18n.js': { file: 'i18n.js', type: 'text/javascript; charset=utf-8' },
  '/screen.css': { file: 'screen.css', type: 'text/css; charset=utf-8' },
};

const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const MAX_PIN_DIGITS = 8;
const HEARTBEAT_MS = 15_000;

function headers(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('Cache-Control', 'no-store');
}

function refuse(res: ServerResponse, status: number, code: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json');
  res.end(JSON.stringify({ code }));
}

/** Read at most `max` bytes of body into one buffer; the chunks are zeroed. Undefined when larger. */
async function readSmallBody(req: IncomingMessage, max: number): Promise<Uint8Array | undefined> {
  const out = new Uint8Array(max);
  let len = 0;
  let tooLarge = false;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    if (!tooLarge && len + chunk.length <= max) {
      out.set(chunk, len);
      len += chunk.length;
    } else {
      tooLarge = true;
    }
    chunk.fill(0);
  }
  if (tooLarge) {
    out.fill(0);
    return undefined;
  }
  const body = out.slice(0, len);
  out.fill(0);
  return body;
}

export async function startScreenServer(opts: ScreenServerOptions): Promise<RunningScreenServer> {
  const { hub } = opts;
  const dir = opts.pageDir ?? join(import.meta.dirname, 'page');
  const files = new Map(Object.entries(PAGE_FILES).map(([path, f]) => [path, { body: readFileSync(join(dir, f.file)), type: f.type }]));
  const streams = new Set<ServerResponse>();
  let allowedHosts: ReadonlySet<string> = new Set();

  const server = createServer((req, res) => {
    headers(res);
    // DNS rebinding: a page of another site that resolves to 127.0.0.1 still names its own host.
    if (!allowedHosts.has(req.headers.host ?? '')) return refuse(res, 421, 'wrong_host');
    const path = (req.url ?? '/').split('?')[0]!;
    if (req.method === 'GET' || req.method === 'HEAD') {
      if (path === '/events') return events(req, res);
      if (path === '/favicon.ico') {
        res.statusCode = 204;
        res.end();
        return;
      }
      const f = files.get(path);
      if (f === undefined) return refuse(res, 404, 'not_found');
      res.setHeader('Content-Type', f.type);
      res.end(req.method === 'HEAD' ? undefined : f.body);
      return;
    }
    if (req.method !== 'POST') return refuse(res, 405, 'method_not_allowed');
    // Calls: from a page of this origin, with a live page token.
    const site = req.headers['sec-fetch-site'];
    if (req.headers.origin !== `http://${req.headers.host}` || (site !== undefined && site !== 'same-origin')) return refuse(res, 403, 'cross_origin');
    const token = req.headers['x-screen-token'];
    if (!hub.validToken(typeof token === 'string' ? token : undefined)) return refuse(res, 403, 'bad_token');
    void call(path, req, res).catch(() => {
      if (!res.headersSent) refuse(res, 500, 'internal_error');
    });
  });

  async function call(path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    switch (path) {
      case '/pin': {
        const body = await readSmallBody(req, MAX_PIN_DIGITS);
        if (body === undefined || body.length === 0 || body.some((b) => b < 0x30 || b > 0x39)) {
          body?.fill(0);
          return refuse(res, 400, 'pin_format');
        }
        // Handed over (the run zeroes it after VERIFY), or zeroed here when no PIN is asked for.
        if (!hub.submitPin(body)) return refuse(res, 409, 'no_pin_requested');
        res.statusCode = 204;
        res.end();
        return;
      }
      case '/cancel': {
        await readSmallBody(req, 0);
        if (!hub.cancelPin()) return refuse(res, 409, 'nothing_to_cancel');
        res.statusCode = 204;
        res.end();
        return;
      }
      case '/sim/remove':
      case '/sim/insert': {
        await readSmallBody(req, 0);
        const sim = opts.simCard;
        if (sim === undefined) return refuse(res, 404, 'not_found');
        await (path === '/sim/remove' ? sim.remove() : sim.insert());
        res.statusCode = 204;
        res.end();
        return;
      }
      default:
        return refuse(res, 404, 'not_found');
    }
  }

  function events(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive' });
    const session = hub.openSession();
    const send = (event: string, data: unknown): void => {
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    send('hello', { token: session.token });
    send('state', hub.snapshot());
    const unsubscribe = hub.subscribe((snap) => send('state', snap));
    const beat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    streams.add(res);
    const end = (): void => {
      clearInterval(beat);
      unsubscribe();
      session.close();
      streams.delete(res);
    };
    req.once('close', end);
    res.once('close', end);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : opts.port;
  const hostPart = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  allowedHosts = new Set([`${hostPart}:${port}`, `localhost:${port}`]);
  return {
    url: `http://${hostPart}:${port}/`,
    server,
    async close() {
      for (const s of streams) s.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
