// `npm run bench:auth` (method, targets and figures: docs/benchmarks.md): loads POST
// /v1/auth/challenges/{id}/response with distinct valid responses
// (pre-created challenges, each signed by a card key) on loopback, against
// cardauth and against a minimal reference server (auth-server.ts), with 1 and
// 2 server processes, and reports completed authentications per second and
// p50/p99 latency — closed loop at full load, then open loop at half of
// cardauth's own peak (latency measured from the scheduled send time, so
// queueing is counted). Needs redis-server and PostgreSQL binaries (Debian).
//
// Card signatures: the card signs the 32-byte input as a hash value; here
// node:crypto signs the input's preimage with SHA-256, which is the same
// ECDSA signature over the same hash value, and far quicker to prepare.
import { fork, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, sign, X509Certificate } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logGc } from './gc-log.js';
import { closedLoop as runClosed, openLoop as runOpen, percentile, serializeRequest, type LoadResult } from './http-load.js';
import pg from 'pg';
import { createClient } from 'redis';
import { FileKeyStore, initCa, openCa } from '../../pki/index.js';
import { signingInputPreimage } from '../../src/auth/signing-input.js';
import type { ChallengeRecord } from '../../src/auth/types.js';
import { migrate } from '../../src/registry/migrate.js';
import { PostgresDatabase } from '../../src/registry/postgres.js';
import { insertCard, insertCertificate, insertCitizen, receiveStock } from '../../src/registry/index.js';
import { createPeppers, pepperPath } from '../../src/rp/pepper.js';
import { registerRp } from '../../src/rp/repo/register-rp.js';
import { startPostgres } from '../../test/support/postgres.js';
import { startRedis } from '../../test/support/redis.js';

const N = Number(process.env['BENCH_N'] ?? 6000);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 32);
const HALF_SECONDS = Number(process.env['BENCH_HALF_SECONDS'] ?? 5);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const CARDS = 16;
const PASSPHRASE = 'bench passphrase, long enough';
const TXN = { amount: '25000.00', currency: 'KHR', payee: 'ACLEDA Bank Plc.', reference: 'BENCH' } as const;
/**
 * BENCH_EVIDENCE=1: cardauth's challenges ask for evidence, so every result
 * also carries the certificate, signature, preimage and a fresh OCSP response
 * (a registry read and an OCSP signature more per authentication); the
 * reference stays as it is, so the ratio shows what evidence costs.
 */
const EVIDENCE = process.env['BENCH_EVIDENCE'] === '1';

interface Card {
  privateKey: import('node:crypto').KeyObject;
  certB64: string;
}
interface Prepared {
  path: string;
  body: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS * 2 });

function call(port: number, method: string, path: string, body: string | undefined, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, agent, headers: { ...headers, ...(body ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } : {}) } }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (data += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function answer(card: Card, ch: { rpId: string; nonce: string; terminalId: string; transaction: ChallengeRecord['transaction'] }): string {
  const pre = signingInputPreimage({ rpId: ch.rpId, nonce: Buffer.from(ch.nonce, 'base64url'), terminalId: ch.terminalId, transaction: ch.transaction });
  const signature = sign('sha256', pre, { key: card.privateKey, dsaEncoding: 'der' }).toString('base64');
  return JSON.stringify({ terminalId: ch.terminalId, certificate: card.certB64, signature, triesLeft: 3 });
}

interface Measured {
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  /** CPU time (user + system) per completed authentication, µs: the server's processes, PostgreSQL's, Redis's, the load generator's (this process). */
  cpuUs?: { server: number; postgres: number; redis: number; load: number };
  /** Share of the machine's CPU time left idle during the run, %. */
  idlePct?: number;
}

/** CPU time in ms, user + system, of a process and its descendants (Linux /proc, 10 ms ticks). */
function treeCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime + stime, and cutime + cstime: children that exited (a database backend whose connection closed) still count.
  let ms = ((Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) * 1000) / 100;
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  for (const c of children ? children.split(' ') : []) ms += treeCpuMs(Number(c));
  return ms;
}

/** The processes whose CPU time is counted beside each measured run. */
interface CpuOwners {
  server: number;
  postgres: number;
  redis: number;
}

/** This process's own CPU time (the load generator), ms. */
function ownCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** The machine's CPU time, idle and in all, in /proc/stat ticks (every core). */
function machineTicks(): { idle: number; total: number } {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.split(/\s+/).slice(1).map(Number);
  return { idle: cpu[3]! + cpu[4]!, total: cpu.reduce((a, b) => a + b, 0) };
}

async function withCpu(owners: CpuOwners, f: () => Promise<Measured>): Promise<Measured> {
  const read = () => ({ server: treeCpuMs(owners.server), postgres: treeCpuMs(owners.postgres), redis: treeCpuMs(owners.redis), load: ownCpuMs() });
  const before = read();
  const ticks = machineTicks();
  const m = await f();
  const ticksAfter = machineTicks();
  const after = read();
  const per = (k: keyof typeof before) => ((after[k] - before[k]) * 1000) / m.ok;
  const idlePct = (100 * (ticksAfter.idle - ticks.idle)) / Math.max(1, ticksAfter.total - ticks.total);
  return { ...m, cpuUs: { server: per('server'), postgres: per('postgres'), redis: per('redis'), load: per('load') }, idlePct };
}

/** PostgreSQL's postmaster: the parent of any backend (its backends are its children). */
async function postmasterPid(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const status = readFileSync(`/proc/${rows[0]!.pid}/status`, 'utf8');
    return Number(/^PPid:\s+(\d+)/m.exec(status)![1]);
  } finally {
    await c.end();
  }
}

function measured(r: LoadResult): Measured {
  if (r.otherStatuses.size > 0) throw new Error(`unexpected answers: ${[...r.otherStatuses].map(([s, c]) => `${c}× ${s}`).join(', ')}`);
  return { rps: r.ok / r.seconds, p50: percentile(r.latencies, 50), p99: percentile(r.latencies, 99), ok: r.ok };
}

const wire = (work: Prepared[], auth: Record<string, string>) => work.map((w) => serializeRequest('POST', w.path, auth, w.body));

async function closedLoop(port: number, work: Prepared[], auth: Record<string, string>): Promise<Measured> {
  return measured(await runClosed({ port, requests: wire(work, auth), okStatus: 200, connections: CONNECTIONS }));
}

async function openLoop(port: number, work: Prepared[], auth: Record<string, string>, rate: number): Promise<Measured> {
  const r = await runOpen({ port, requests: wire(work, auth), okStatus: 200, connections: CONNECTIONS * 2, rate });
  // BENCH_TIMELINE=<file>: due time, send lag and latency of every request (ms), to look at the tail.
  if (process.env['BENCH_TIMELINE']) {
    const lines = Array.from(r.latencies, (l, i) => `${((i * 1000) / rate).toFixed(2)},${r.sendLag[i]!.toFixed(2)},${l.toFixed(2)}`);
    appendFileSync(process.env['BENCH_TIMELINE'], `# ${rate.toFixed(0)}/s from ${r.startedAt.toFixed(0)}\ndue,send_lag,latency\n${lines.join('\n')}\n`);
  }
  return measured(r);
}

function startServer(mode: 'cardauth' | 'reference', workers: number, port: number, env: Record<string, string>): Promise<ChildProcess> {
  const child = fork(join(import.meta.dirname, 'auth-server.ts'), [], {
    // BENCH_SERVER_NODE_ARGS: extra node options for the server (e.g. --trace-gc).
    execArgv: ['--import', 'tsx', ...(process.env['BENCH_SERVER_NODE_ARGS']?.split(' ').filter(Boolean) ?? [])],
    env: { ...process.env, ...env, BENCH_MODE: mode, BENCH_WORKERS: String(workers), BENCH_PORT: String(port) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => (m === 'ready' ? resolve(child) : reject(new Error(String(m)))));
    child.once('exit', (code) => reject(new Error(`${mode} server exited with ${code}`)));
  });
}

/** BENCH_PROF_LOAD=half: profile the open loop at half load instead of the first full-load round. */
const profileHalf = process.env['BENCH_PROF_LOAD'] === 'half';

/**
 * With BENCH_PROF=<dir>: a CPU profile of each server process during `f`
 * only. The profiler samples wall-clock time: with two processes on two
 * busy cores, time a process spent preempted shows up in whatever it was
 * doing (mostly the writev that woke another process), so compare the
 * JavaScript items between profiles and take CPU time from the table.
 */
async function profiled<T>(server: ChildProcess, f: () => Promise<T>): Promise<T> {
  if (!process.env['BENCH_PROF']) return f();
  const ask = (m: string, reply: string) =>
    new Promise<void>((resolve) => {
      const on = (x: unknown) => {
        if (x === reply) {
          server.off('message', on);
          resolve();
        }
      };
      server.on('message', on);
      server.send(m);
    });
  await ask('prof-start', 'prof-started');
  try {
    return await f();
  } finally {
    await ask('prof-stop', 'prof-stopped');
  }
}

async function stopServer(child: ChildProcess): Promise<void> {
  const done = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await done;
}


async function main(): Promise<void> {
  if (process.env['BENCH_GC_LOG']) logGc(process.env['BENCH_GC_LOG'], 'load');
  const dir = mkdtempSync(join(tmpdir(), 'cardauth-bench-auth-'));
  const [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
  const redisClient = createClient({ url: redis.url });
  await redisClient.connect();
  try {
    // CA, registry, RP, cards
    const keyStore = FileKeyStore.open(join(dir, 'keys'), PASSPHRASE);
    await initCa({ dataDir: dir, keyStore, config: { country: 'KH', organization: 'bench', baseUrl: 'http://127.0.0.1', issuingCurve: 'P-256', maxCardValidityDays: 1826 } });
    const ca = await openCa({ dataDir: dir, keyStore });
    const db = new PostgresDatabase(postgres.url);
    await migrate(db);
    const { peppers } = createPeppers(pepperPath(dir));
    const { rp, credential } = await registerRp(db, { name: 'Bench Bank', scopes: ['auth'], terminals: ['atm-1'], rateLimitPerMinute: 10_000_000, terminalRatePerMinute: 10_000_000 }, peppers.apiSecret, 'bench', new Date());
    const auth = { authorization: `Bearer ${credential.token}` };
    const cards: Card[] = [];
    for (let i = 0; i < CARDS; i++) {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const nationalId = String(500_000_000 + i);
      const cert = await ca.issueCardCertificate({ publicKey, profile: 'card-auth', subject: { country: 'KH', surname: 'BENCH', givenName: `Card ${String.fromCharCode(65 + i)}`, nationalId }, notAfter: new Date(Date.now() + 365 * 86_400_000) });
      const now = new Date();
      const citizen = await insertCitizen(db, { nationalId, surname: 'BENCH', givenName: `Card ${String.fromCharCode(65 + i)}`, birthDate: '1990-01-01', country: 'KH' }, 'bench', now);
      await receiveStock(db, { serial: 90_000_000 + i, manufacturer: 'bench' }, 'bench', now);
      await insertCard(db, { serial: 90_000_000 + i, uuid: crypto.randomUUID(), citizenId: citizen.id, status: 'active', issuedAt: now, expiresAt: new Date(now.getTime() + 400 * 86_400_000) }, 'bench', now);
      const x = new X509Certificate(cert.der);
      await insertCertificate(db, { serialHex: cert.serialHex, cardSerial: 90_000_000 + i, slot: 0x9a, profile: 'card-auth', der: cert.der, status: 'good', notBefore: new Date(x.validFrom), notAfter: new Date(x.validTo), attestationDer: Buffer.from('3003020100', 'hex'), attestedAt: now }, 'bench', now);
      cards.push({ privateKey, certB64: cert.der.toString('base64') });
    }
    await db.close();
    await keyStore.close();
    const cpuOthers = { postgres: await postmasterPid(postgres.url), redis: redis.pid };
    const env = { REDIS_URL: redis.url, DATABASE_URL: postgres.url, BENCH_CA_DIR: dir, BENCH_CA_PASSPHRASE: PASSPHRASE, BENCH_DATA_DIR: dir };

    // Challenges through cardauth's own API (what an RP does), or written
    // straight into Redis in the same record format for the reference.
    async function prepareCardauth(port: number, count: number): Promise<Prepared[]> {
      const out: Prepared[] = [];
      let i = 0;
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (i < count) {
            const k = i++;
            const r = await call(port, 'POST', '/v1/auth/challenges', JSON.stringify({ terminalId: 'atm-1', transaction: TXN, ttlSeconds: 300, ...(EVIDENCE ? { evidence: true } : {}) }), auth);
            if (r.status !== 201) throw new Error(`challenge: ${r.status} ${r.body}`);
            const ch = JSON.parse(r.body) as ChallengeRecord & { evidence?: true };
            if (EVIDENCE && ch.evidence !== true) throw new Error('the challenge does not carry evidence');
            out.push({ path: `/v1/auth/challenges/${ch.id}/response`, body: answer(cards[k % CARDS]!, ch) });
          }
        }),
      );
      return out;
    }
    async function prepareReference(count: number): Promise<Prepared[]> {
      const out: Prepared[] = [];
      const multi = redisClient.multi();
      for (let k = 0; k < count; k++) {
        const id = `ch_${Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64url')}`;
        const rec = { v: 1, id, rpId: rp.id, terminalId: 'atm-1', nonce: Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url'), transaction: TXN, requestedAttributes: [], consentText: null, createdAt: Date.now(), expiresAt: Date.now() + 300_000 };
        multi.set(`auth:ch:${id}`, JSON.stringify(rec), { expiration: { type: 'PX', value: 300_000 } });
        out.push({ path: `/v1/auth/challenges/${id}/response`, body: answer(cards[k % CARDS]!, rec as unknown as ChallengeRecord) });
      }
      await multi.exec();
      return out;
    }

    const rows: string[] = [];
    let port = 18_000 + Math.floor(Math.random() * 20_000);
    type Result = Measured;
    const median = (rs: Result[]): Result => [...rs].sort((a, b) => a.rps - b.rps)[Math.floor(rs.length / 2)]!;
    const row = (mode: string, workers: number, load: string, r: Result) =>
      `| ${mode} | ${workers} | ${load} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.cpuUs ? `${r.cpuUs.server.toFixed(0)} / ${r.cpuUs.postgres.toFixed(0)} / ${r.cpuUs.redis.toFixed(0)} / ${r.cpuUs.load.toFixed(0)}` : ''} | ${r.idlePct?.toFixed(0) ?? ''} |`;
    for (const workers of (process.env['BENCH_WORKERS'] ?? '1,2').split(',').map(Number)) {
      // Both servers up at once (the idle one costs nothing); their closed-loop
      // runs alternate ROUNDS times and the median round counts, so a slow
      // moment of the machine does not land on one side only.
      const modes = ['cardauth', 'reference'] as const;
      const servers = new Map<(typeof modes)[number], { port: number; child: ChildProcess }>();
      try {
        for (const mode of modes) {
          const p = port++;
          const child = await startServer(mode, workers, p, env);
          servers.set(mode, { port: p, child });
        }
        const prep = (mode: (typeof modes)[number], n: number) => (mode === 'cardauth' ? prepareCardauth(servers.get(mode)!.port, n) : prepareReference(n));
        // Warm-up (JIT, caches, pools) of every server process: 2000 requests
        // each. With 1000 in all, each of two processes had seen 500, and the
        // reference's first measured round still ran 15-20% below its later
        // rounds (cardauth's about 7%), which flattered the first round's ratio.
        for (const mode of modes) await closedLoop(servers.get(mode)!.port, await prep(mode, Math.min(2000, N) * workers), auth);
        const rounds: Record<(typeof modes)[number], Result[]> = { cardauth: [], reference: [] };
        for (let round = 0; round < ROUNDS; round++) {
          for (const mode of modes) {
            const { port: p, child } = servers.get(mode)!;
            const work = await prep(mode, N * workers);
            const full = await withCpu({ ...cpuOthers, server: child.pid! }, () => (round === 0 && !profileHalf ? profiled(child, () => closedLoop(p, work, auth)) : closedLoop(p, work, auth)));
            if (full.ok !== N * workers) throw new Error(`${mode}: only ${full.ok} of ${N * workers} authenticated`);
            rounds[mode].push(full);
          }
        }
        const peak = { cardauth: median(rounds.cardauth), reference: median(rounds.reference) };
        // Open loop at half of cardauth's peak, for cardauth and, as this
        // machine's latency floor at that load, for the reference; ROUNDS
        // alternating runs each, the median p99 counts.
        const halfRate = peak.cardauth.rps / 2;
        const halves: Record<(typeof modes)[number], Result[]> = { cardauth: [], reference: [] };
        for (let round = 0; round < ROUNDS; round++) {
          for (const mode of modes) {
            const { port: hp, child: hc } = servers.get(mode)!;
            const halfWork = await prep(mode, Math.round(halfRate * HALF_SECONDS));
            const run = () => openLoop(hp, halfWork, auth, halfRate);
            halves[mode].push(await withCpu({ ...cpuOthers, server: hc.pid! }, () => (round === 0 && profileHalf ? profiled(hc, run) : run())));
          }
        }
        // The half-load run whose p99 is the median of the rounds represents them.
        const medianP99 = (rs: Result[]): Result => [...rs].sort((x, y) => x.p99 - y.p99)[Math.floor(rs.length / 2)]!;
        for (const mode of modes) {
          rows.push(row(mode, workers, `full (${CONNECTIONS} conns, median of ${ROUNDS})`, peak[mode]));
          const label = `${mode === 'cardauth' ? 'half of own peak' : "cardauth's half-peak rate"} (${halfRate.toFixed(0)}/s; p99 of the ${ROUNDS} rounds: ${halves[mode].map((r) => r.p99.toFixed(0)).join(', ')} ms)`;
          rows.push(row(mode, workers, label, medianP99(halves[mode])));
        }
        rows.push(`| **cardauth / reference** | ${workers} | | **${((peak.cardauth.rps / peak.reference.rps) * 100).toFixed(0)}%** (rounds: ${rounds.cardauth.map((r, i) => ((r.rps / rounds.reference[i]!.rps) * 100).toFixed(0)).join(', ')}%) | | | | |`);
      } finally {
        for (const { child } of servers.values()) await stopServer(child);
      }
    }
    console.log(`\nbench:auth — POST /v1/auth/challenges/{id}/response, ${N} distinct valid responses per process, loopback${EVIDENCE ? ', cardauth WITH EVIDENCE (BENCH_EVIDENCE=1)' : ''}, ${new Date().toISOString()}\n`);
    console.log('| server | processes | load | completed auths/s | p50 ms | p99 ms | CPU µs/auth: server / PostgreSQL / Redis / load generator | machine idle % |');
    console.log('|---|---|---|---|---|---|---|---|');
    for (const r of rows) console.log(r);
  } finally {
    await redisClient.close();
    agent.destroy();
    await redis.stop();
    await postgres.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
