// `cardauth serve [--host H] [--port P]`: the HTTP service. With
// CARDAUTH_WORKERS > 1 a primary prepares the data directory (migrations, CA)
// and forks that many workers sharing the port (node:cluster); each worker is
// stateless and shares PostgreSQL and Redis (config refuses several workers
// without Redis).
import cluster from 'node:cluster';
import type { Server } from 'node:http';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { embeddedPassphraseFile } from '../../composition/embedded-defaults.js';
import { errorRegistry } from '../../composition/error-registry.js';
import { buildService } from '../../composition/service.js';
import { createApp } from '../../http/app.js';
import { clusterMetrics, HttpMetrics } from '../../http/metrics.js';
import { metricsRoutes, type MetricsSource } from '../../http/routes/operations.js';
import { loadConfig, type Config } from '../../config.js';
import { createLogger, type Logger } from '../../util/log.js';
import { CliError, type CliIo } from '../io.js';

const USAGE = 'usage: cardauth serve [--host 127.0.0.1] [--port 8080]';

function configFrom(args: string[], io: CliIo): Config {
  let values: { host?: string | undefined; port?: string | undefined; help?: boolean | undefined };
  try {
    ({ values } = parseArgs({ args, options: { host: { type: 'string' }, port: { type: 'string' }, help: { type: 'boolean' } } }));
  } catch (err) {
    throw new CliError(`${(err as Error).message}\n${USAGE}`, 'usage', 2);
  }
  if (values.help) {
    io.stdout.write(USAGE + '\n');
    throw new CliError('', 'help', 0);
  }
  const env = { ...io.env };
  if (values.host) env.CARDAUTH_HOST = values.host;
  if (values.port) env.CARDAUTH_PORT = values.port;
  return loadConfig(env);
}

/**
 * SIGTERM or SIGINT, listened for from now on: before the service says it is
 * ready, so a stop sent on that line is graceful. The listeners stay for the
 * rest of the process, so a repeated signal during the stop is ignored rather
 * than taking its default action half-way through closing the registry: a
 * Ctrl-C under `npm start` reaches the service twice, from the terminal and
 * forwarded by npm. (A stop that hangs needs SIGKILL.)
 */
function stopSignal(log: Logger): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let first: NodeJS.Signals | undefined;
    const on = (signal: NodeJS.Signals): void => {
      if (first !== undefined) {
        log.info('stop already under way; signal ignored', { signal });
        return;
      }
      first = signal;
      resolve(signal);
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });
}

/** GET /metrics on its own listener (CARDAUTH_METRICS_PORT), never beside the public API. */
async function listenMetrics(config: Config, log: Logger, source: MetricsSource): Promise<Server | undefined> {
  if (config.metrics === undefined) return undefined;
  const app = createApp({ routes: metricsRoutes(source), logger: log, errorCodes: errorRegistry, metrics: new HttpMetrics({ processMetrics: false }) });
  const server = app.listen(config.metrics.port, config.metrics.host);
  await once(server, 'listening');
  const addr = server.address();
  log.info('metrics listening', { url: `http://${config.metrics.host}:${typeof addr === 'object' && addr ? addr.port : config.metrics.port}/metrics` });
  return server;
}

async function closeServer(server: Server | undefined): Promise<void> {
  if (server === undefined) return;
  server.closeIdleConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

async function runWorker(config: Config, io: CliIo, log: Logger, initCaIfMissing: boolean): Promise<number> {
  const service = await buildService({ config, env: io.env, logger: log, initCaIfMissing });
  const stop = stopSignal(log);
  // One process serves its own figures; a worker offers them to the primary, which serves the sum.
  if (cluster.isWorker) service.metrics.shareWithPrimary();
  const metricsServer = cluster.isWorker ? undefined : await listenMetrics(config, log, service.metrics);
  const server: Server = service.app.listen(config.port, config.host);
  server.keepAliveTimeout = 65_000;
  await once(server, 'listening');
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  log.info('listening', { url: `http://${config.host}:${port}`, pid: process.pid });
  if (!cluster.isWorker) io.stdout.write(`cardauth listening on http://${config.host}:${port}\n`);
  const signal = await stop;
  log.info('stopping', { signal: String(signal) });
  server.closeIdleConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await closeServer(metricsServer);
  await service.close();
  // A worker's IPC channel keeps it alive; let go of it so the process ends.
  if (cluster.isWorker) cluster.worker?.disconnect();
  return 0;
}

async function runPrimary(config: Config, io: CliIo, log: Logger): Promise<number> {
  // Prepare once, so workers never race to migrate or to create the CA.
  const prepared = await buildService({ config, env: io.env, logger: log, initCaIfMissing: true });
  await prepared.close();
  const stop = stopSignal(log);
  const metricsServer = await listenMetrics(config, log, clusterMetrics());
  const workers = Array.from({ length: config.workers }, () => cluster.fork(io.env));
  await Promise.all(workers.map((w) => once(w, 'listening')));
  io.stdout.write(`cardauth listening on http://${config.host}:${config.port} (${config.workers} processes)\n`);
  let stopping = false;
  cluster.on('exit', (w, code) => {
    if (stopping) return;
    log.error('worker exited; starting another', { pid: w.process.pid, code });
    cluster.fork(io.env);
  });
  await stop;
  stopping = true;
  const live = Object.values(cluster.workers ?? {}).filter((w) => w !== undefined && !w.isDead());
  const exited = Promise.all(live.map((w) => once(w!, 'exit')));
  for (const w of live) w!.process.kill('SIGTERM');
  const timer = setTimeout(() => {
    for (const w of live) if (!w!.isDead()) w!.process.kill('SIGKILL');
  }, 15_000);
  await exited;
  clearTimeout(timer);
  await closeServer(metricsServer);
  return 0;
}

export async function run(args: string[], io: CliIo): Promise<number> {
  let config: Config;
  try {
    config = configFrom(args, io);
  } catch (err) {
    if (err instanceof CliError && err.code === 'help') return 0;
    throw err;
  }
  const log = createLogger({ level: config.logLevel, base: { svc: 'cardauth' }, buffered: true });
  if (io.env.CARDAUTH_KEY_PASSPHRASE_FILE === embeddedPassphraseFile(config.dataDir) && !cluster.isWorker) {
    log.warn('using the embedded key passphrase file; set CARDAUTH_KEY_PASSPHRASE_FILE or use an HSM in production', {
      file: io.env.CARDAUTH_KEY_PASSPHRASE_FILE,
    });
  }
  if (config.workers > 1 && cluster.isPrimary) return runPrimary(config, io, log);
  return runWorker(config, io, log, !cluster.isWorker);
}
