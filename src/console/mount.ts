// The staff console at /console/, mounted on the service's request pipeline
// (createApp `mounts`): an express app whose job is the pages and their
// middleware — helmet's security headers with a strict Content-Security-Policy
// (this origin's script and style only, no inline script, no framing), a
// Referrer-Policy, and caching rules. Express is not on the API's path: the
// pages call the documented API (/v1/…) like any client, with the session
// cookie and the CSRF token (src/http/session-cookie.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Request, type Response } from 'express';
import helmet from 'helmet';
import type { Mount } from '../http/app.js';
import type { Logger } from '../util/log.js';
import { bundleConsole, type ConsoleBundle } from './bundle.js';
import { CONSOLE_PAGE } from './page.js';

export const CONSOLE_PREFIX = '/console';

export interface ConsoleOptions {
  /** The public base URL; an https one turns on HSTS and upgrade-insecure-requests. */
  readonly baseUrl: string;
  readonly logger: Logger;
}

export function consoleMount(opts: ConsoleOptions): Mount {
  const tls = opts.baseUrl.startsWith('https:');
  let bundle: Promise<ConsoleBundle> | undefined;
  const assets = (): Promise<ConsoleBundle> => {
    bundle ??= bundleConsole().catch((err: unknown) => {
      bundle = undefined;
      throw err;
    });
    return bundle;
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('strict routing', true);
  app.set('etag', false);
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'none'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'"],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          manifestSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          baseUri: ["'none'"],
          objectSrc: ["'none'"],
          ...(tls ? { upgradeInsecureRequests: [] } : {}),
        },
      },
      referrerPolicy: { policy: 'no-referrer' },
      frameguard: { action: 'deny' },
      crossOriginEmbedderPolicy: true,
      strictTransportSecurity: tls ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    }),
  );
  app.use((_req, res, next) => {
    res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()');
    next();
  });

  app.get(`${CONSOLE_PREFIX}/assets/:name`, async (req: Request, res: Response) => {
    const name = req.params['name'];
    let all: ConsoleBundle;
    try {
      all = await assets();
    } catch (err) {
      opts.logger.error('console bundle failed', { err });
      res.status(500).type('text/plain').send('The console could not be built.');
      return;
    }
    const a = typeof name === 'string' && Object.hasOwn(all, name) ? all[name as keyof ConsoleBundle] : undefined;
    if (a === undefined) {
      res.status(404).type('text/plain').send('Not found');
      return;
    }
    // Revalidated on every load (ETag), so a new version shows at once.
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('ETag', a.etag);
    if (req.headers['if-none-match'] === a.etag) {
      res.status(304).end();
      return;
    }
    res.status(200).type(a.contentType).send(a.body);
  });
  // Every other path under /console/ is a page: the one document, whose script renders it.
  app.use((req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      next();
      return;
    }
    // /console without the slash goes to /console/, where the pages live.
    if (req.path === CONSOLE_PREFIX) {
      res.redirect(302, `${CONSOLE_PREFIX}/`);
      return;
    }
    res.setHeader('Cache-Control', 'no-store');
    res.status(200).type('html').send(CONSOLE_PAGE);
  });
  app.use((_req, res) => {
    res.status(405).setHeader('Allow', 'GET, HEAD');
    res.type('text/plain').send('Method not allowed: the console\'s pages are read with GET; changes go to the API (/v1/…).');
  });

  return {
    prefix: CONSOLE_PREFIX,
    handler: (req: IncomingMessage, res: ServerResponse) => {
      app(req as Request, res as Response);
    },
  };
}
