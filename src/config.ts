// Service configuration from the environment, validated once at start-up so a
// typo fails loudly instead of running with a default nobody meant.
import { resolve } from 'node:path';
import { z } from 'zod';
import { AppError } from './errors/app-error.js';
import { parseTrustedProxies } from './http/client-address.js';

const schema = z.object({
  CARDAUTH_DATA_DIR: z.string().min(1).default('.data'),
  CARDAUTH_HOST: z.string().min(1).default('127.0.0.1'),
  CARDAUTH_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** Public base URL written into certificates (AIA, CRL distribution point). */
  CARDAUTH_BASE_URL: z.url().optional(),
  /** ISO 3166-1 alpha-2 country of the issuing authority. */
  CARDAUTH_COUNTRY: z.string().regex(/^[A-Z]{2}$/, 'two capital letters (ISO 3166-1)').default('KH'),
  /** Number of service processes; more than one requires REDIS_URL. */
  CARDAUTH_WORKERS: z.coerce.number().int().min(1).max(64).default(1),
  DATABASE_URL: z.string().min(1).optional(),
  REDIS_URL: z.string().min(1).optional(),
  CARDAUTH_CHALLENGE_TTL_SECONDS: z.coerce.number().int().min(10).max(300).default(120),
  CARDAUTH_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  // The metrics listener (GET /metrics): off unless a port is given; loopback unless a host is.
  CARDAUTH_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  CARDAUTH_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  // Pauses between webhook delivery attempts, seconds, comma-separated (default: 5 s growing to a day, about 2 days in all).
  CARDAUTH_WEBHOOK_RETRY_SECONDS: z
    .string()
    .regex(/^\d{1,6}(,\d{1,6}){0,29}$/, 'comma-separated whole seconds, e.g. 5,30,120')
    .optional(),
  /** Deadline of one registry call (connection and statement), ms; past it the answer is 503. */
  CARDAUTH_DB_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(2000),
  /** Proxies (addresses, CIDR prefixes) whose X-Forwarded-For names the client; none by default. */
  CARDAUTH_TRUSTED_PROXIES: z
    .string()
    .default('')
    .superRefine((v, ctx) => {
      try {
        parseTrustedProxies(v);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
      }
    }),
});

export interface Config {
  readonly dataDir: string;
  readonly host: string;
  readonly port: number;
  readonly baseUrl: string;
  readonly country: string;
  readonly workers: number;
  readonly databaseUrl: string | undefined;
  readonly redisUrl: string | undefined;
  readonly challengeTtlSeconds: number;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Where GET /metrics is served; undefined: nowhere. */
  readonly metrics: { readonly host: string; readonly port: number } | undefined;
  /** Pauses between webhook attempts (ms); undefined: the dispatcher's default schedule. */
  readonly webhookRetryMs: readonly number[] | undefined;
  readonly dbTimeoutMs: number;
  /** CARDAUTH_TRUSTED_PROXIES as given (parsed by src/http/client-address.ts). */
  readonly trustedProxies: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const r = schema.safeParse(env);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new AppError('config_invalid', `${String(i.path[0])}: ${i.message}`, 500);
  }
  const e = r.data;
  if (e.CARDAUTH_WORKERS > 1 && !e.REDIS_URL) {
    // With an in-process challenge store, a second worker accepted a challenge the first had used.
    throw new AppError('config_invalid', 'CARDAUTH_WORKERS > 1 needs REDIS_URL: the in-process store serves one process only.', 500);
  }
  if (e.CARDAUTH_WORKERS > 1 && !e.DATABASE_URL) {
    // PGlite is one process's database; several processes share PostgreSQL.
    throw new AppError('config_invalid', 'CARDAUTH_WORKERS > 1 needs DATABASE_URL: the embedded PGlite registry serves one process only.', 500);
  }
  return {
    dataDir: resolve(e.CARDAUTH_DATA_DIR),
    host: e.CARDAUTH_HOST,
    port: e.CARDAUTH_PORT,
    baseUrl: (e.CARDAUTH_BASE_URL ?? `http://${e.CARDAUTH_HOST}:${e.CARDAUTH_PORT}`).replace(/\/$/, ''),
    country: e.CARDAUTH_COUNTRY,
    workers: e.CARDAUTH_WORKERS,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    challengeTtlSeconds: e.CARDAUTH_CHALLENGE_TTL_SECONDS,
    logLevel: e.CARDAUTH_LOG_LEVEL,
    metrics: e.CARDAUTH_METRICS_PORT === undefined ? undefined : { host: e.CARDAUTH_METRICS_HOST, port: e.CARDAUTH_METRICS_PORT },
    webhookRetryMs: e.CARDAUTH_WEBHOOK_RETRY_SECONDS?.split(',').map((n) => Number(n) * 1000),
    dbTimeoutMs: e.CARDAUTH_DB_TIMEOUT_MS,
    trustedProxies: e.CARDAUTH_TRUSTED_PROXIES,
  };
}
