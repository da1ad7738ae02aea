// The one request pipeline of the service, on node:http. Every route — the
// API, PKI, JWKS, health, readiness, metrics, OpenAPI and the docs page — is
// a route definition (route.ts), matched in one table lookup (route-table.ts)
// and served here: authenticate, read and validate the body, params and query,
// call the handler, write the answer; every failure becomes problem+json.
// HEAD of a GET route is that route without the body; a request no route
// matches is 404 not_found. Request listeners mounted under a path prefix
// (`mounts`, for pages with middleware of their own) get what no route
// matched under their prefix. An `upgrade` listener (the stations'
// WebSocket) gets the HTTP upgrade requests of the server listen() makes.
//
// Bodies are read and parsed here, not by a framework: on the authentication
// hot path express's router, req/res set-up and JSON body parser cost more
// than the JWS signing (docs/decisions.md).
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { parse as parseQuery } from 'node:querystring';
import { AppError, isAppError, type CodeTable } from '../errors/app-error.js';
import type { Logger } from '../util/log.js';
import { parseJson, readBody } from './body.js';
import { HttpMetrics } from './metrics.js';
import { sendProblem, writeBody } from './problem.js';
import { RouteTable, type RouteMatch } from './route-table.js';
import type { AnyRoute, RouteResult } from './route.js';
import { validate } from './validate.js';

const DEFAULT_MAX_BODY = 16 * 1024;

/** A request listener that serves everything under `prefix` (e.g. `/console`) that no route matched. */
export interface Mount {
  readonly prefix: string;
  readonly handler: (req: IncomingMessage, res: ServerResponse) => void;
}

export interface AppOptions {
  readonly routes: readonly AnyRoute[];
  readonly logger: Logger;
  /** Every stable error code the service can answer with (the registry). */
  readonly errorCodes: CodeTable;
  /** Where request counts and latencies go (the /metrics route renders the same object). */
  readonly metrics?: HttpMetrics;
  readonly mounts?: readonly Mount[];
  /** Served over TLS (the public base URL is https): every answer carries Strict-Transport-Security. */
  readonly hsts?: boolean;
  /** Handles HTTP upgrade requests (node:http's 'upgrade' event) on the server listen() makes. */
  readonly upgrade?: UpgradeListener;
}

export type UpgradeListener = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

/** The service's request listener (for node:http / supertest), with listen(). */
export interface HttpApp {
  (req: IncomingMessage, res: ServerResponse): void;
  listen(port: number, host?: string): Server;
  /** The upgrade listener, for a server made elsewhere (`server.on('upgrade', app.upgrade)`). */
  readonly upgrade: UpgradeListener | undefined;
}

export function createApp(opts: AppOptions): HttpApp {
  const log = opts.logger;
  const table = new RouteTable(opts.routes);
  const serve = routeServer(log, opts.metrics ?? new HttpMetrics({ processMetrics: false }), opts.errorCodes);
  const mounts = opts.mounts ?? [];
  const commonHeaders = answerHeaders(opts.hsts === true);

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const method = req.method ?? '';
    const url = req.url ?? '/';
    let hit: RouteMatch | undefined;
    let refusal: unknown;
    try {
      hit = table.match(method, url) ?? (method === 'HEAD' ? table.match('GET', url) : undefined);
    } catch (err) {
      refusal = err;
    }
    if (hit === undefined && refusal === undefined) {
      const mount = mountFor(mounts, url);
      if (mount !== undefined) {
        mount.handler(req, res);
        return;
      }
    }
    const requestId = commonHeaders(req, res);
    if (hit === undefined) {
      const path = pathOf(url);
      sendProblem(res, refusal ?? new AppError('not_found', `No resource at ${method} ${path.slice(0, 200)}.`, 404), opts.errorCodes, log, { requestId, method, path: path.slice(0, 200) });
      return;
    }
    const q = url.indexOf('?');
    void serve(hit.route, req, res, hit.params, q === -1 ? {} : parseQuery(url.slice(q + 1)), requestId);
  };
  const upgrade = opts.upgrade;
  return Object.assign(handler, {
    upgrade,
    listen: (port: number, host?: string) => {
      const server = createServer(handler);
      if (upgrade) server.on('upgrade', upgrade);
      return server.listen(port, host);
    },
  });
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

function mountFor(mounts: readonly Mount[], url: string): Mount | undefined {
  if (mounts.length === 0) return undefined;
  const path = pathOf(url);
  return mounts.find((m) => path === m.prefix || path.startsWith(`${m.prefix}/`));
}

/**
 * Headers on every answer (the API's and the pages' alike): no sniffing, no
 * caching unless a route says so, never framed (clickjacking), no Referer
 * sent on from a page, HSTS when served over TLS. Returns the request id (the
 * caller's X-Request-Id when well formed).
 */
function answerHeaders(hsts: boolean): (req: IncomingMessage, res: ServerResponse) => string {
  return (req, res) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'no-referrer');
    if (hsts) res.setHeader('Strict-Transport-Security', 'max-age=63072000; includeSubDomains');
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && /^[\w-]{1,64}$/.test(given) ? given : randomUUID();
    res.setHeader('X-Request-Id', id);
    return id;
  };
}

function routeServer(
  log: Logger,
  metrics: HttpMetrics,
  codes: CodeTable,
): (route: AnyRoute, req: IncomingMessage, res: ServerResponse, params: unknown, query: unknown, requestId: string) => Promise<void> {
  return async (route, req, res, rawParams, rawQuery, requestId) => {
    const started = performance.now();
    let principal: unknown;
    let authenticated = false;
    try {
      // Order: authenticate (cheap, keyed lookups and rate limits) before
      // reading and parsing a body an anonymous caller could make expensive.
      if (route.deprecated) deprecationHeaders(res, route.deprecated);
      principal = route.auth ? await route.auth.authenticate(req, res) : undefined;
      authenticated = true;
      let raw: Buffer | undefined;
      let body: unknown;
      if (route.body !== undefined || route.rawBody !== undefined) {
        raw = await readBody(req, route.maxBodyBytes ?? DEFAULT_MAX_BODY);
        if (route.rawBody) {
          const ct = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
          if (ct !== route.rawBody.contentType) {
            throw new AppError('unsupported_media_type', `Send the body as ${route.rawBody.contentType}.`, 415);
          }
        } else {
          const ct = (req.headers['content-type'] ?? 'application/json').split(';')[0]!.trim().toLowerCase();
          if (ct !== 'application/json' && raw.length > 0) {
            throw new AppError('unsupported_media_type', 'Send the body as application/json.', 415);
          }
          body = validate(route.body!, parseJson(raw), 'body', codes);
        }
      }
      const params = route.params ? validate(route.params, rawParams, 'params', codes) : rawParams;
      const query = route.query ? validate(route.query, rawQuery, 'query', codes) : rawQuery;
      const result = await route.handle({ body, params, query, principal, raw, req, res, requestId });
      route.auth?.answered?.(principal, res);
      if (result) send(res, result);
    } catch (err) {
      // An authenticated caller's refusal goes through its scheme (rate limits count refused requests too).
      const refused = route.auth?.refused;
      const answer = authenticated && refused ? await refused.call(route.auth, principal, req, res, err).catch(() => err) : err;
      sendProblem(res, answer, codes, log, { operation: route.operationId, requestId, ...(answer !== err && isAppError(err) ? { instead: err.code } : {}) });
    } finally {
      metrics.observe(route.operationId, res.statusCode, performance.now() - started);
    }
  };
}

/** RFC 9745 Deprecation (a Structured Field date: @ and seconds since the epoch), RFC 8594 Sunset (an HTTP-date), and the Link to read. */
function deprecationHeaders(res: ServerResponse, d: NonNullable<AnyRoute['deprecated']>): void {
  res.setHeader('Deprecation', `@${Math.floor(d.since.getTime() / 1000)}`);
  if (d.sunset) res.setHeader('Sunset', d.sunset.toUTCString());
  res.setHeader('Link', `<${d.link}>; rel="deprecation"; type="text/html"`);
}

function send(res: ServerResponse, r: RouteResult): void {
  if (r.headers) for (const [k, v] of Object.entries(r.headers)) res.setHeader(k, v);
  if (r.json !== undefined) {
    writeBody(res, r.status ?? 200, r.contentType ?? 'application/json', r.json);
  } else if (r.body === undefined) {
    res.statusCode = r.status ?? 200;
    res.end();
  } else if (r.contentType && !r.contentType.includes('json')) {
    writeBody(res, r.status ?? 200, r.contentType, r.body as Buffer | string);
  } else {
    writeBody(res, r.status ?? 200, r.contentType ?? 'application/json', JSON.stringify(r.body));
  }
}
