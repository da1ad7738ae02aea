// `npm run soak`: cardauth serve (SOAK_WORKERS processes, default 2) on its own
// PostgreSQL and Redis, held under mixed traffic at a fixed rate for
// SOAK_SECONDS (default 600): card authentications by firmware-sim cards
// (SOAK_AUTH_RATE per second, default 20; one response in twenty forged, one in
// ten sent twice), and beside them SOAK_OTHER_RATE (default 10) requests per
// second of what else the service serves — challenge state, OCSP, CRL, JWKS,
// readiness, a supervisor's session, citizen search and card reads. It
// reports, per SOAK_WINDOW_SECONDS (default 60): requests, completed
// authentications, errors (no answer, any 5xx, or an answer the request should
// not get), p50 / p99 / max latency, the service processes' resident memory
// and Redis's key count — and at the end the memory growth after warm-up.
// Not a test: nothing is asserted; read the table. Needs redis-server and
// PostgreSQL binaries (Debian).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClient } from 'redis';
import { AuthTraffic } from '../../test/support/auth-traffic.js';
import { startServiceStack, workerPids } from '../../test/support/service-stack.js';

const SECONDS = Number(process.env['SOAK_SECONDS'] ?? 600);
const WORKERS = Number(process.env['SOAK_WORKERS'] ?? 2);
const AUTH_RATE = Number(process.env['SOAK_AUTH_RATE'] ?? 20);
const OTHER_RATE = Number(process.env['SOAK_OTHER_RATE'] ?? 10);
const WINDOW = Number(process.env['SOAK_WINDOW_SECONDS'] ?? 60);
// The primary's start-up (migrations, CA) and the JIT settle in the first minute.
const WARMUP_S = Math.min(60, SECONDS / 5);

interface Sample {
  readonly start: number;
  readonly ms: number;
  readonly ok: boolean;
  readonly error?: string;
  readonly completedAuth: boolean;
}

/** Resident memory of a process, bytes (Linux /proc). */
function rss(pid: number): number {
  try {
    return Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : 0;
};

async function main(): Promise<void> {
  console.error(`soak: ${SECONDS} s, ${WORKERS} workers, ${AUTH_RATE} authentications/s + ${OTHER_RATE} other requests/s; starting the stack…`);
  const stack = await startServiceStack({ workers: WORKERS, cards: 8 });
  const redis = createClient({ url: stack.redis.url });
  await redis.connect();
  const url = stack.svc.url;
  const others: Sample[] = [];
  const memory: Array<{ t: number; rss: number; keys: number; redisBytes: number }> = [];
  try {
    const supervisor = await stack.supervisorToken();
    // An OCSP request for one of the cards (openssl), to ask about it over and over.
    const card = stack.pool.cards[0]!;
    writeFileSync(join(stack.dir, 'soak-card.pem'), `-----BEGIN CERTIFICATE-----\n${card.der.toString('base64')}\n-----END CERTIFICATE-----\n`);
    execFileSync('openssl', ['ocsp', '-issuer', join(stack.dir, 'pki', 'issuing.crt'), '-cert', join(stack.dir, 'soak-card.pem'), '-reqout', join(stack.dir, 'soak-req.der')]);
    const ocspDer = readFileSync(join(stack.dir, 'soak-req.der'));

    const rp = { authorization: stack.bearer };
    const staff = { authorization: `Bearer ${supervisor}` };
    const mix: Array<{ weight: number; run: () => Promise<Response>; expect: number[] }> = [
      { weight: 3, run: () => fetch(`${url}/v1/auth/challenges/ch_AAAAAAAAAAAAAAAAAAAAAA`, { headers: rp }), expect: [404] },
      { weight: 3, run: () => fetch(`${url}/pki/ocsp`, { method: 'POST', headers: { 'content-type': 'application/ocsp-request' }, body: ocspDer }), expect: [200] },
      { weight: 1, run: () => fetch(`${url}/pki/issuing.crl`), expect: [200] },
      { weight: 1, run: () => fetch(`${url}/.well-known/jwks.json`), expect: [200] },
      { weight: 1, run: () => fetch(`${url}/readyz`), expect: [200] },
      { weight: 2, run: () => fetch(`${url}/v1/staff/me`, { headers: staff }), expect: [200] },
      { weight: 2, run: () => fetch(`${url}/v1/issuance/citizens?surname=SOK`, { headers: staff }), expect: [200] },
      { weight: 2, run: () => fetch(`${url}/v1/issuance/cards/${card.cardSerial}`, { headers: staff }), expect: [200] },
    ];
    const total = mix.reduce((a, m) => a + m.weight, 0);
    let n = 0;
    const pick = () => {
      let x = n++ % total;
      for (const m of mix) if ((x -= m.weight) < 0) return m;
      return mix[0]!;
    };

    const auth = new AuthTraffic({ url, bearer: stack.bearer, terminalId: 'atm-1', cards: stack.pool.cards, rate: AUTH_RATE, forgeEvery: 20, duplicateEvery: 10, timeoutMs: 30_000 });
    const t0 = Date.now();
    auth.start();
    const inFlight = new Set<Promise<void>>();
    let next = performance.now();
    const period = 1000 / OTHER_RATE;
    let stop = false;
    const otherLoop = (async () => {
      while (!stop) {
        const m = pick();
        const start = Date.now();
        const t = performance.now();
        const p = m
          .run()
          .then(async (r) => {
            await r.arrayBuffer();
            others.push({ start, ms: performance.now() - t, ok: m.expect.includes(r.status), completedAuth: false, ...(m.expect.includes(r.status) ? {} : { error: `HTTP ${r.status}` }) });
          })
          .catch((err: unknown) => void others.push({ start, ms: performance.now() - t, ok: false, error: String((err as Error).cause ?? err), completedAuth: false }));
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
        next += period;
        await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
      }
    })();
    const sampler = setInterval(() => {
      void (async () => {
        const pids = [stack.svc.child.pid!, ...workerPids(stack.svc.child.pid!)];
        const info = await redis.info('memory').catch(() => '');
        memory.push({ t: Date.now(), rss: pids.reduce((a, p) => a + rss(p), 0), keys: await redis.dbSize().catch(() => -1), redisBytes: Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0) });
      })();
    }, 5000);
    let lastReport = Date.now();
    while (Date.now() - t0 < SECONDS * 1000) {
      await new Promise((r) => setTimeout(r, 1000));
      if (Date.now() - lastReport >= 60_000) {
        lastReport = Date.now();
        console.error(`soak: ${Math.round((Date.now() - t0) / 1000)} s, ${auth.records.length + others.length} requests`);
      }
    }
    stop = true;
    clearInterval(sampler);
    await otherLoop;
    await auth.stop();
    await Promise.all([...inFlight]);

    // Every exchange as a sample: errors are no answer, any 5xx, or a status the request should not get.
    const authSamples: Sample[] = auth.records.map((r) => {
      const expected =
        r.op === 'challenge' ? r.status === 201 : r.op === 'forged' ? r.status === 401 : r.op === 'duplicate' || r.op === 'response' ? r.status === 200 || (r.status === 409 && r.code === 'challenge_used') : r.status === 200;
      return { start: r.start, ms: r.ms, ok: expected, completedAuth: r.status === 200 && r.op !== 'challenge', ...(expected ? {} : { error: `${r.op} ${r.status} ${r.code ?? r.error ?? ''}`.trim() }) };
    });
    const all = [...authSamples, ...others];
    const rows: string[] = [];
    const warmEnd = t0 + WARMUP_S * 1000;
    const baseline = memory.find((m) => m.t >= warmEnd) ?? memory[0];
    for (let w = t0; w < t0 + SECONDS * 1000; w += WINDOW * 1000) {
      const xs = all.filter((s) => s.start >= w && s.start < w + WINDOW * 1000);
      const ms = xs.map((s) => s.ms);
      const mem = memory.filter((m) => m.t < w + WINDOW * 1000).at(-1);
      rows.push(
        `| ${Math.round((w - t0) / 1000)}–${Math.round((w - t0) / 1000) + WINDOW} | ${xs.length} | ${xs.filter((s) => s.completedAuth).length} | ${xs.filter((s) => !s.ok).length} | ${pct(ms, 50).toFixed(1)} | ${pct(ms, 99).toFixed(1)} | ${(ms.length ? Math.max(...ms) : 0).toFixed(0)} | ${mem ? (mem.rss / 2 ** 20).toFixed(0) : ''} | ${mem?.keys ?? ''} | ${mem ? (mem.redisBytes / 2 ** 20).toFixed(1) : ''} |`,
      );
    }
    const errors = new Map<string, number>();
    for (const s of all) if (!s.ok) errors.set(s.error ?? '?', (errors.get(s.error ?? '?') ?? 0) + 1);
    const last = memory.at(-1);
    const growth = baseline && last ? (last.rss - baseline.rss) / 2 ** 20 : 0;
    const hours = baseline && last ? (last.t - baseline.t) / 3600_000 : 0;
    console.log(`\nsoak ${new Date(t0).toISOString()}: ${SECONDS} s, ${WORKERS} workers (primary + workers' RSS), ${AUTH_RATE} auth/s + ${OTHER_RATE} other/s, loopback\n`);
    console.log('| window s | requests | auths completed | errors | p50 ms | p99 ms | max ms | service RSS MiB | Redis keys | Redis MiB |');
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const r of rows) console.log(r);
    console.log(
      `\nrequests ${all.length}, authentications completed ${authSamples.filter((s) => s.completedAuth).length}, errors ${all.length - all.filter((s) => s.ok).length}${
        errors.size ? ` (${[...errors].map(([k, v]) => `${v}× ${k}`).join(', ')})` : ''
      }; skipped ticks ${auth.skipped}`,
    );
    // Least-squares slope of the service's RSS after warm-up: growth that GC noise does not hide.
    const after = memory.filter((m) => m.t >= warmEnd);
    if (after.length >= 3) {
      const mt = after.reduce((a, m) => a + m.t, 0) / after.length;
      const mr = after.reduce((a, m) => a + m.rss, 0) / after.length;
      const slope = after.reduce((a, m) => a + (m.t - mt) * (m.rss - mr), 0) / after.reduce((a, m) => a + (m.t - mt) ** 2, 0);
      console.log(`service RSS after warm-up: ${(Math.min(...after.map((m) => m.rss)) / 2 ** 20).toFixed(0)}–${(Math.max(...after.map((m) => m.rss)) / 2 ** 20).toFixed(0)} MiB, trend ${((slope * 3600_000) / 2 ** 20).toFixed(1)} MiB/h (least squares over ${after.length} samples)`);
    }
    if (baseline && last) {
      console.log(
        `memory after ${WARMUP_S.toFixed(0)} s of warm-up ${(baseline.rss / 2 ** 20).toFixed(0)} MiB, at the end ${(last.rss / 2 ** 20).toFixed(0)} MiB: ${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MiB in ${(hours * 60).toFixed(1)} min${hours > 0 ? ` (${(growth / hours).toFixed(1)} MiB/h)` : ''}`,
      );
    }
  } finally {
    await redis.close().catch(() => undefined);
    await stack.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
