// Server side of `npm run bench:auth` (scripts/bench/auth.ts): either the
// cardauth RP API (express, src/http + src/auth + src/rp with the real
// adapters: Redis, PostgreSQL, the CA's verifier and key store) or the
// minimal reference (bare node:http doing the same Redis GETDEL, the same
// P-256 verify with a cached KeyObject and the same ES256 JWS signing), in
// WORKERS processes (node:cluster) sharing one port. Reports 'ready' over IPC.
import cluster from 'node:cluster';
import { createHash, verify, X509Certificate, type KeyObject } from 'node:crypto';
import { openSync, writeSync } from 'node:fs';
import { createServer } from 'node:http';
import { Writable } from 'node:stream';
import { createClient } from 'redis';
import { FileKeyStore, openCa } from '../../pki/index.js';
import { signerFromKeyStore } from '../../src/auth/adapters/result-keys.js';
import { signJws } from '../../src/auth/result/sign-jws.js';
import { signingInputPreimage } from '../../src/auth/signing-input.js';
import type { ChallengeRecord } from '../../src/auth/types.js';
import { errorRegistry } from '../../src/composition/error-registry.js';
import { createApp } from '../../src/http/app.js';
import { assembleAuth } from '../../src/composition/auth.js';
import { registryStatusLookup } from '../../src/issuance/adapters/cert-status.js';
import { sqlIssuanceRegistry } from '../../src/issuance/store/sql-registry.js';
import { outboxOutcomeEvents } from '../../src/webhooks/outcome-events.js';
import { PostgresDatabase } from '../../src/registry/postgres.js';
import { openRedisStore } from '../../src/store/redis.js';
import { createLogger } from '../../src/util/log.js';
import { logGc } from './gc-log.js';

const env = process.env;
const mode = env['BENCH_MODE'] as 'cardauth' | 'reference';
const workers = Number(env['BENCH_WORKERS'] ?? '1');
const port = Number(env['BENCH_PORT']);

async function openKeys() {
  const keyStore = FileKeyStore.open(`${env['BENCH_CA_DIR']}/keys`, env['BENCH_CA_PASSPHRASE']!);
  const ca = await openCa({ dataDir: env['BENCH_CA_DIR']!, keyStore });
  return { ca, keyStore };
}

async function cardauth(): Promise<void> {
  const { ca } = await openKeys();
  // The service logs to stderr, which node writes synchronously to a file or
  // pipe; a sink that writes /dev/null the same way (an fs.WriteStream would
  // hand every write to the thread pool, which the service does not do).
  const devNull = openSync('/dev/null', 'w');
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => done(void writeSync(devNull, chunk)) });
  const log = createLogger({ sink, level: 'info', buffered: true });
  const db = new PostgresDatabase(env['DATABASE_URL']!, { max: 8 });
  const store = await openRedisStore({ url: env['REDIS_URL']! });
  // As the service composes it: the OCSP responder for evidence, webhook events of outcomes (the bench RP has no endpoint).
  const { routes } = await assembleAuth({
    sql: db,
    store,
    ca,
    dataDir: env['BENCH_DATA_DIR']!,
    issuer: 'http://127.0.0.1',
    challengeTtlSeconds: 300,
    log,
    ocsp: ca.createOcspResponder({ status: registryStatusLookup(sqlIssuanceRegistry(db)) }),
    events: outboxOutcomeEvents({ sql: db, now: () => Date.now() }),
  });
  const app = createApp({ routes, logger: log, errorCodes: errorRegistry });
  await new Promise<void>((resolve) => createServer(app).listen(port, '127.0.0.1', resolve));
}

async function reference(): Promise<void> {
  const { ca } = await openKeys();
  const signer = signerFromKeyStore(await ca.resultSigner());
  const redis = createClient({ url: env['REDIS_URL']! });
  await redis.connect();
  const keys = new Map<string, KeyObject>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      try {
        const m = /^\/v1\/auth\/challenges\/([^/]+)\/response$/.exec(req.url ?? '');
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { certificate: string; signature: string };
        const raw = m ? await redis.getDel(`auth:ch:${m[1]}`) : null;
        if (raw === null) {
          res.writeHead(409).end();
          return;
        }
        const ch = JSON.parse(raw) as ChallengeRecord;
        const der = Buffer.from(body.certificate, 'base64');
        const h = createHash('sha256').update(der).digest('hex');
        let key = keys.get(h);
        if (!key) keys.set(h, (key = new X509Certificate(der).publicKey));
        const pre = signingInputPreimage({ rpId: ch.rpId, nonce: Buffer.from(ch.nonce, 'base64url'), terminalId: ch.terminalId, transaction: ch.transaction });
        if (!verify('sha256', pre, { key, dsaEncoding: 'der' }, Buffer.from(body.signature, 'base64'))) {
          res.writeHead(401).end();
          return;
        }
        const result = await signJws(signer, { aud: ch.rpId, jti: ch.id, iat: Math.floor(Date.now() / 1000) });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ result }));
      } catch {
        res.writeHead(500).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
}

// BENCH_PROF=<dir>: the bench asks over IPC ('prof-start' / 'prof-stop') for
// a CPU profile of every server process (one file each) of the measured run only (not of the challenge set-up), and
// with BENCH_PROF_HEAP=1 an allocation sampling profile beside it.
function profileOnRequest(dir: string): void {
  let session: import('node:inspector').Session | undefined;
  const postWith = (method: string, params: object) =>
    new Promise<unknown>((resolve, reject) => session!.post(method, params, (err, res) => (err ? reject(err) : resolve(res))));
  const post = (method: string) => postWith(method, {});
  process.on('message', async (m) => {
    if (m === 'prof-start') {
      const { Session } = await import('node:inspector');
      session = new Session();
      session.connect();
      await post('Profiler.enable');
      await post('Profiler.start');
      if (env['BENCH_PROF_HEAP']) await postWith('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMinorGC: true, includeObjectsCollectedByMajorGC: true });
      process.send?.('prof-started');
    } else if (m === 'prof-stop' && session !== undefined) {
      const { profile } = (await post('Profiler.stop')) as { profile: unknown };
      const { writeFileSync } = await import('node:fs');
      writeFileSync(`${dir}/${mode}-${process.pid}.cpuprofile`, JSON.stringify(profile));
      if (env['BENCH_PROF_HEAP']) {
        const heap = (await post('HeapProfiler.stopSampling')) as { profile: unknown };
        writeFileSync(`${dir}/${mode}-${process.pid}.heapprofile`, JSON.stringify(heap.profile));
      }
      session.disconnect();
      process.send?.('prof-stopped');
    }
  });
}

if (env['BENCH_GC_LOG']) logGc(env['BENCH_GC_LOG'], mode);

if (cluster.isPrimary && workers > 1) {
  let up = 0;
  for (let i = 0; i < workers; i++) cluster.fork();
  // BENCH_PROF with several workers: the primary passes 'prof-start' /
  // 'prof-stop' to every worker and answers once all of them have.
  let profReplies = 0;
  cluster.on('message', (_w, msg) => {
    if (msg === 'listening' && ++up === workers) process.send?.('ready');
    if ((msg === 'prof-started' || msg === 'prof-stopped') && ++profReplies === workers) {
      profReplies = 0;
      process.send?.(msg);
    }
  });
  process.on('message', (m) => {
    for (const w of Object.values(cluster.workers ?? {})) w?.send(m as string);
  });
  process.on('SIGTERM', () => {
    for (const w of Object.values(cluster.workers ?? {})) w?.kill();
    process.exit(0);
  });
} else {
  process.on('SIGTERM', () => process.exit(0));
  if (env['BENCH_PROF']) profileOnRequest(env['BENCH_PROF']);
  (mode === 'cardauth' ? cardauth() : reference()).then(
    () => (cluster.isWorker ? process.send?.('listening') : process.send?.('ready')),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
