// `npm run bench:issuance`: cards personalised per minute, in-process and
// through pcscd (vpcd + firmware-sim process), the APDU count per card, and
// where the time goes (card operations, CA, database); and the same
// in-process card through a thin station (the engine behind the station hub,
// the card behind a station agent, one WebSocket on loopback between them),
// interleaved card by card with the direct path so both see the same machine.
// Registry: PGlite in memory by default, PostgreSQL when DATABASE_URL is set.
// Prints Markdown.
//   BENCH_CARDS_INPROC (default 20), BENCH_CARDS_PCSC (default 5), BENCH_CARDS_STATION (default = BENCH_CARDS_INPROC)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualCard, manufactureCard } from '../../firmware-sim/index.js';
import type { CardChannel } from '../../src/card/channel.js';
import { openInProcessChannel } from '../../src/card/in-process.js';
import { PcscReaders } from '../../src/card/pcsc/readers.js';
import { createIssuanceEngine, type PersonaliseResult } from '../../src/issuance/engine/run-job.js';
import { enrolCitizen } from '../../src/issuance/enrol-citizen.js';
import { sqlIssuanceRegistry } from '../../src/issuance/store/sql-registry.js';
import { migrate } from '../../src/registry/migrate.js';
import { openDatabase, openMemoryDatabase } from '../../src/registry/open-database.js';
import { receiveStock } from '../../src/registry/repos/card-stock.js';
import { acquireReader, startSimCard } from '../../test/support/pcsc.js';
import { attestationCertOf, capturingPukDisplay, makeFixture, officer, scriptedPinPad } from '../../test/issuance/support/fixture.js';
import { localCardholder } from '../../src/issuance/cardholder/local.js';
import { createServer } from 'node:http';
import { InProcessReaders } from '../../src/card/in-process.js';
import { runStationAgent } from '../../src/station/agent/run-agent.js';
import { stationUpgradeHandler } from '../../src/station/adapters/ws-server.js';
import { StationHub } from '../../src/station/hub.js';
import { JobEvents } from '../../src/station/jobs/job-events.js';
import { createStationJobs } from '../../src/station/jobs/run-station-job.js';
import { addStation } from '../../src/station/repo/add-station.js';
import { silentLogger } from '../../src/util/log.js';
import { systemClock } from '../../src/util/clock.js';

const N_INPROC = Number(process.env.BENCH_CARDS_INPROC ?? 20);
const N_PCSC = Number(process.env.BENCH_CARDS_PCSC ?? 5);
const N_STATION = Number(process.env.BENCH_CARDS_STATION ?? N_INPROC);

/** Counts the APDUs a personalisation sends (chaining and GET RESPONSE included). */
function counting(channel: CardChannel): CardChannel & { count: number } {
  const c = Object.create(channel) as CardChannel & { count: number };
  c.count = 0;
  c.transmit = (apdu) => {
    c.count++;
    return channel.transmit(apdu);
  };
  return c;
}

interface Run {
  result: PersonaliseResult;
  apdus: number;
  ms: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cardauth-bench-issuance-'));
  const db = process.env.DATABASE_URL ? await openDatabase({ url: process.env.DATABASE_URL, dataDir: dir }) : await openMemoryDatabase();
  await migrate(db);
  const registry = sqlIssuanceRegistry(db);
  const f = await makeFixture({ registry, dir });
  const engine = createIssuanceEngine(f.deps);
  let serial = 70_000_000 + Math.floor(Math.random() * 1_000_000) * 10;
  let citizen = 0;

  async function prepare(): Promise<{ file: string; nationalId: string }> {
    serial++;
    citizen++;
    const file = join(dir, `card-${serial}.json`);
    await manufactureCard({ serial, out: file, factoryDir: f.factoryDir });
    const ch = await openInProcessChannel(await VirtualCard.open(file));
    await receiveStock(db, { serial, manufacturer: 'firmware-sim', attestationCertDer: await attestationCertOf(ch) }, 'bench', new Date());
    await ch.close();
    const nationalId = `BENCH${String(citizen).padStart(6, '0')}`;
    await enrolCitizen(f.deps, { nationalId, surname: 'Bench', givenName: 'Mark', birthDate: '1990-01-01' }, officer);
    return { file, nationalId };
  }

  async function personalise(channel: CardChannel, nationalId: string): Promise<Run> {
    const counted = counting(channel);
    const t = performance.now();
    const result = await engine.personalise({ channel: counted, nationalId, actor: officer, cardholder: localCardholder(counted, scriptedPinPad('250871'), capturingPukDisplay()) });
    return { result, apdus: counted.count, ms: performance.now() - t };
  }

  // The thin station: hub and WebSocket endpoint on loopback, an agent with one in-process reader.
  const pepper = Buffer.alloc(32, 7);
  const hub = new StationHub({ sql: db, pepper, clock: systemClock, log: silentLogger });
  const upgrade = stationUpgradeHandler(hub, silentLogger);
  const server = createServer((_req, res) => res.writeHead(404).end()).on('upgrade', upgrade);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { station, key } = await addStation(db, `bench ${serial}`, pepper, 'bench', new Date());
  const deskReaders = new InProcessReaders(['desk']);
  const agent = runStationAgent({
    server: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    key,
    readers: deskReaders,
    cardholderFor: (_r, channel) => localCardholder(channel, scriptedPinPad('250871'), capturingPukDisplay()),
    log: silentLogger,
  });
  await agent.connected;
  const events = new JobEvents();
  const jobs = createStationJobs({ hub, sql: db, engine: f.deps, approvals: { consume: async () => ({ approvedBy: 'none' }) }, events, log: silentLogger });

  async function personaliseAtStation(file: string, nationalId: string): Promise<number> {
    await deskReaders.insert('desk', await VirtualCard.open(file));
    for (;;) {
      if (hub.connection(station.id)?.readers.some((r) => r.name === 'desk' && r.cardPresent)) break;
      await new Promise((r) => setTimeout(r, 2));
    }
    const ms = await timedJob(station.id, 'desk', nationalId);
    // The job's card is released (reset) after 'done'; give it that turn before taking the card out.
    await new Promise((r) => setTimeout(r, 5));
    await deskReaders.remove('desk');
    return ms;
  }

  async function timedJob(stationId: string, reader: string, nationalId: string): Promise<number> {
    const t = performance.now();
    const { jobId } = await jobs.start({ stationId, reader, actor: officer, work: { kind: 'personalise', nationalId, options: {} } });
    await new Promise<void>((done, fail) => {
      const w = events.watch(jobId, (e) => {
        if (e.kind === 'done') done();
        if (e.kind === 'failed') fail(new Error(e.code));
      });
      const last = w?.history.at(-1);
      if (last?.kind === 'done') done();
      if (last?.kind === 'failed') fail(new Error(last.code));
    });
    const ms = performance.now() - t;
    // Wait until the job has released its card (a reset after 'done') before the next use of the reader.
    while ((hub.connection(stationId)?.jobs.length ?? 0) > 0) await new Promise((r) => setTimeout(r, 5));
    return ms;
  }

  const inproc: Run[] = [];
  const atStation: number[] = [];
  for (let i = 0; i < Math.max(N_INPROC, N_STATION); i++) {
    if (i < N_INPROC) {
      const { file, nationalId } = await prepare();
      const ch = await openInProcessChannel(await VirtualCard.open(file));
      inproc.push(await personalise(ch, nationalId));
      await ch.close();
    }
    if (i < N_STATION) {
      const { file, nationalId } = await prepare();
      atStation.push(await personaliseAtStation(file, nationalId));
    }
  }
  await agent.stop();

  /** One personalisation through a station whose agent offers `reader` of `readers` (a second station, on PC/SC). */
  let pcscAgent: { agent: ReturnType<typeof runStationAgent>; id: string } | undefined;
  async function stationRun(readers: PcscReaders, reader: string, nationalId: string): Promise<number> {
    if (pcscAgent === undefined) {
      const added = await addStation(db, `bench pcsc ${serial}`, pepper, 'bench', new Date());
      const a = runStationAgent({
        server: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
        key: added.key,
        readers,
        offered: [reader],
        cardholderFor: (_r, channel) => localCardholder(channel, scriptedPinPad('250871'), capturingPukDisplay()),
        log: silentLogger,
      });
      await a.connected;
      pcscAgent = { agent: a, id: added.station.id };
    }
    const id = pcscAgent.id;
    await pcscAgent.agent.report();
    for (;;) {
      if (hub.connection(id)?.readers.some((r) => r.name === reader && r.cardPresent)) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    return timedJob(id, reader, nationalId);
  }
  async function closeStations(): Promise<void> {
    await pcscAgent?.agent.stop();
    upgrade.close();
    await new Promise<void>((r) => server.close(() => r()));
  }

  const pcsc: Run[] = [];
  const pcscAtStation: number[] = [];
  if (N_PCSC > 0) {
    const lease = await acquireReader();
    const readers = await PcscReaders.open();
    try {
      for (let i = 0; i < N_PCSC; i++) {
        const { file, nationalId } = await prepare();
        const sim = await startSimCard({ cardFile: file, port: lease.port });
        try {
          await readers.waitForCard(lease.readerName, { timeoutMs: 10_000 });
          const ch = await readers.connect(lease.readerName);
          pcsc.push(await personalise(ch, nationalId));
          await ch.close({ disposition: 'reset' });
        } finally {
          await sim.stop();
        }
      }
      // The same transport through a station, after the direct runs (its agent would read every card put in the reader).
      for (let i = 0; i < N_PCSC; i++) {
        const next = await prepare();
        const sim = await startSimCard({ cardFile: next.file, port: lease.port });
        try {
          await readers.waitForCard(lease.readerName, { timeoutMs: 10_000 });
          pcscAtStation.push(await stationRun(readers, lease.readerName, next.nationalId));
        } finally {
          await sim.stop();
        }
      }
    } finally {
      await readers.close();
      await lease.release();
    }
  }
  await closeStations();

  const row = (name: string, runs: Run[]): string => {
    if (runs.length === 0) return `| ${name} | 0 | – | – | – | – | – | – |`;
    const ms = median(runs.map((r) => r.ms));
    const total = runs.reduce((a, r) => a + r.ms, 0);
    const card = median(runs.map((r) => r.result.timing.card));
    const ca = median(runs.map((r) => r.result.timing.ca));
    const dbt = median(runs.map((r) => r.result.timing.db));
    const apdus = median(runs.map((r) => r.apdus));
    return `| ${name} | ${runs.length} | ${((runs.length * 60_000) / total).toFixed(1)} | ${ms.toFixed(0)} | ${apdus} | ${card.toFixed(0)} (${((card / ms) * 100).toFixed(0)}%) | ${ca.toFixed(0)} (${((ca / ms) * 100).toFixed(0)}%) | ${dbt.toFixed(0)} (${((dbt / ms) * 100).toFixed(0)}%) |`;
  };
  const stationRow = (name: string, runs: number[], direct: Run[]): string => {
    if (runs.length === 0 || direct.length === 0) return `| ${name} | 0 | – | – | – | – | – | – |`;
    const ms = median(runs);
    const d = median(direct.map((r) => r.ms));
    const total = runs.reduce((a, b) => a + b, 0);
    return `| ${name} (median ${(((ms - d) / d) * 100).toFixed(0)}% more per card than without) | ${runs.length} | ${((runs.length * 60_000) / total).toFixed(1)} | ${ms.toFixed(0)} | ${median(direct.map((r) => r.apdus))} | – | – | – |`;
  };
  process.stdout.write(
    [
      `## Issuance benchmark (${new Date().toISOString()}, registry: ${db.kind}, one card at a time, PIN entry instant)`,
      '',
      '| path | cards | cards/min | median ms/card | APDUs/card | card ops ms | CA ms | database ms |',
      '|---|---|---|---|---|---|---|---|',
      row('in-process', inproc),
      row('PC/SC (pcscd + vpcd)', pcsc),
      stationRow('in-process card through a thin station (WebSocket on loopback)', atStation, inproc),
      stationRow('PC/SC through a thin station', pcscAtStation, pcsc),
      '',
      'Card time includes the attestation read and the card-side key generation; CA time is attestation',
      'verification plus certificate signing; database time is job persistence and the final transaction.',
      '',
    ].join('\n'),
  );
  await f.cleanup();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
}

await main();
