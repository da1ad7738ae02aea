// The express application: serves the route definitions, turns every failure
// into problem+json, and serves /openapi.json, /docs, /healthz, /readyz,
// /metrics. Bodies are read and parsed here (not with express.json(), which
// costs more than the crypto on the auth hot path; measurements.md). The
// request listener createApp returns matches route definitions in a
// RouteTable before express sees the request and answers them with node:http
// directly: express's layer walk, req/res set-up and res.send cost more than
// the JWS signing on that path (bench:auth profile). express keeps the fixed
// pages, HEAD for GET routes and 404.
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { AppError, isAppError } from '../errors/app-error.js';
import type { Logger } from '../util/log.js';
import { parseJson, readBody } from './body.js';
import { renderDocsPage } from './docs-page.js';
import { HttpMetrics } from './metrics.js';
import { buildOpenApi } from './openapi.js';
import { sendProblem, writeBody } from './problem.js';
import { RouteTable, type RouteMatch } from './route-table.js';
import type { AnyRoute, RouteResult } from './route.js';
import { validate } from './validate.js';

const DEFAULT_MAX_BODY = 16 * 1024;

export interface AppOptions {
  readonly routes: readonly AnyRoute[];
  readonly logger: Logger;
  /** Every stable error code the service can answer with (the registry). */
  readonly errorCodes: Readonly<Record<string, { status: number; title: string }>>;
  /** Named readiness probes; /readyz is 200 only when all are true. */
  readonly readiness?: Readonly<Record<string, () => Promise<boolean>>>;
  readonly info?: { title?: string; version?: string; description?: string };
  /** Extra plain-express mounts (e.g. static staff console). */
  readonly extra?: (app: Express) => void;
}

/** The service's request listener (for node:http / supertest), with listen() and the express app behind it. */
export interface HttpApp {
  (req: IncomingMessage, res: ServerResponse): void;
  listen(port: number, host?: string): Server;
  readonly express: Express;
}

export function createApp(opts: AppOptions): HttpApp {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  const metrics = new HttpMetrics();
  const log = opts.logger;

  app.use((req: Request, res: Response, next: NextFunction) => {
    res.locals.requestId = commonHeaders(req, res);
    next();
  });
  const table = new RouteTable(opts.routes);
  const serve = routeServer(log, metrics, opts.errorCodes);
  // HEAD of a GET route (express answers it with the GET handler, no body).
  for (const route of opts.routes) {
    if (route.method === 'get') {
      app.get(route.path, (req: Request, res: Response) => void serve(route, req, res, req.params, req.query, res.locals.requestId as string));
    }
  }

  const openapi = buildOpenApi(opts.routes, {
    title: opts.info?.title ?? 'cardauth',
    version: opts.info?.version ?? '0.1.0',
    description:
      opts.info?.description ??
      'National ID card service: card issuance, certificate authority, and card + PIN authentication for relying parties.',
    errorCodes: opts.errorCodes,
  });
  const openapiJson = JSON.stringify(openapi);
  const docsHtml = renderDocsPage(openapi);

  app.get('/openapi.json', (_req, res) => {
    res.type('application/json').setHeader('Cache-Control', 'public, max-age=300').send(openapiJson);
  });
  app.get('/docs', (_req, res) => {
    res.type('text/html').setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'").send(docsHtml);
  });
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const checks: Record<string, boolean> = {};
    await Promise.all(
      Object.entries(opts.readiness ?? {}).map(async ([name, probe]) => {
        checks[name] = await probe().catch(() => false);
      }),
    );
    const ok = Object.values(checks).every(Boolean);
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'unavailable', checks });
  });
  app.get('/metrics', (_req, res) => {
    const mem = process.memoryUsage();
    res.type('text/plain; version=0.0.4').send(
      metrics.render({ process_resident_memory_bytes: mem.rss, nodejs_heap_used_bytes: mem.heapUsed }),
    );
  });

  opts.extra?.(app);

  app.use((req: Request, res: Response) => {
    sendProblem(res, new AppError('not_found', `No resource at ${req.method} ${req.path}.`, 404), opts.errorCodes, log, {});
  });
  // express's own failures (e.g. a malformed URI) end here too.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    sendProblem(res, err, opts.errorCodes, log, { method: req.method, path: req.path });
  });

  // Route definitions are matched first, in one table lookup, and served
  // without express's router; everything else goes through express.
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    let hit: RouteMatch | undefined;
    let refusal: unknown;
    try {
      hit = table.match(req.method ?? '', req.url ?? '/');
    } catch (err) {
      refusal = err;
    }
    if (hit === undefined && refusal === undefined) {
      app(req, res);
      return;
    }
    // Served with node:http's own req/res: no express set-up on this path.
    const requestId = commonHeaders(req, res);
    if (hit === undefined) {
      sendProblem(res, refusal, opts.errorCodes, log, { requestId });
      return;
    }
    const url = req.url ?? '';
    const q = url.indexOf('?');
    void serve(hit.route, req, res, hit.params, q === -1 ? {} : parseQuery(url.slice(q + 1)), requestId);
  };
  return Object.assign(handler, {
    express: app,
    listen: (port: number, host?: string) => createServer(handler).listen(port, host),
  });
}

/** Headers on every answer; returns the request id (the caller's X-Request-Id when well formed). */
function commonHeaders(req: IncomingMessage, res: ServerResponse): string {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', 'no-store');
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && /^[\w-]{1,64}$/.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

function routeServer(
  log: Logger,
  metrics: HttpMetrics,
  codes: Readonly<Record<string, { status: number; title: string }>>,
): (route: AnyRoute, req: IncomingMessage, res: ServerResponse, params: unknown, query: unknown, requestId: string) => Promise<void> {
  return async (route, req, res, rawParams, rawQuery, requestId) => {
    const started = performance.now();
    let principal: unknown;
    let authenticated = false;
    try {
      // Order: authenticate (cheap, keyed lookups and rate limits) before
      // reading and parsing a body an anonymous caller could make expensive.
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
          body = validate(route.body!, parseJson(raw), 'body');
        }
      }
      const params = route.params ? validate(route.params, rawParams, 'params') : rawParams;
      const query = route.query ? validate(route.query, rawQuery, 'query') : rawQuery;
      const result = await route.handle({ body, params, query, principal, raw, req, res, requestId });
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
