// The express application: mounts route definitions, turns every failure into
// problem+json, and serves /openapi.json, /docs, /healthz, /readyz, /metrics.
// Bodies are read and parsed here (not with express.json(), which costs more
// than the crypto on the auth hot path; measurements.md).
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { randomUUID } from 'node:crypto';
import { AppError } from '../errors/app-error.js';
import type { Logger } from '../util/log.js';
import { parseJson, readBody } from './body.js';
import { renderDocsPage } from './docs-page.js';
import { HttpMetrics } from './metrics.js';
import { buildOpenApi } from './openapi.js';
import { sendProblem } from './problem.js';
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

export function createApp(opts: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  const metrics = new HttpMetrics();
  const log = opts.logger;

  app.use((req: Request, res: Response, next: NextFunction) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'no-store');
    const id = typeof req.headers['x-request-id'] === 'string' && /^[\w-]{1,64}$/.test(req.headers['x-request-id'])
      ? req.headers['x-request-id']
      : randomUUID();
    res.setHeader('X-Request-Id', id);
    res.locals.requestId = id;
    next();
  });

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

  for (const route of opts.routes) mount(app, route, log, metrics, opts.errorCodes);

  opts.extra?.(app);

  app.use((req: Request, res: Response) => {
    sendProblem(res, new AppError('not_found', `No resource at ${req.method} ${req.path}.`, 404), opts.errorCodes, log, {});
  });
  // express's own failures (e.g. a malformed URI) end here too.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    sendProblem(res, err, opts.errorCodes, log, { method: req.method, path: req.path });
  });
  return app;
}

function mount(
  app: Express,
  route: AnyRoute,
  log: Logger,
  metrics: HttpMetrics,
  codes: Readonly<Record<string, { status: number; title: string }>>,
): void {
  const maxBody = route.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const takesBody = route.body !== undefined || route.rawBody !== undefined;
  app[route.method](route.path, async (req: Request, res: Response) => {
    const started = performance.now();
    try {
      // Order: authenticate (cheap, keyed lookups and rate limits) before
      // reading and parsing a body an anonymous caller could make expensive.
      const principal = route.auth ? await route.auth.authenticate(req) : undefined;
      let raw: Buffer | undefined;
      let body: unknown;
      if (takesBody) {
        raw = await readBody(req, maxBody);
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
      const params = route.params ? validate(route.params, req.params, 'params') : req.params;
      const query = route.query ? validate(route.query, req.query, 'query') : req.query;
      const result = await route.handle({ body, params, query, principal, raw, req, res });
      if (result) send(res, result);
    } catch (err) {
      sendProblem(res, err, codes, log, {
        operation: route.operationId,
        requestId: res.locals.requestId,
      });
    } finally {
      metrics.observe(route.operationId, res.statusCode, performance.now() - started);
    }
  });
}

function send(res: Response, r: RouteResult): void {
  if (r.headers) for (const [k, v] of Object.entries(r.headers)) res.setHeader(k, v);
  res.status(r.status ?? 200);
  if (r.body === undefined) {
    res.end();
  } else if (r.contentType && !r.contentType.includes('json')) {
    res.type(r.contentType).send(r.body as Buffer | string);
  } else {
    res.type(r.contentType ?? 'application/json').send(JSON.stringify(r.body));
  }
}
