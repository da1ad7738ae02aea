// `npm run bench:issuance`: cards personalised per minute, in-process and
// through pcscd (vpcd + firmware-sim process), the APDU count per card, and
// where the time goes (card operations, CA, database). Registry: PGlite in
// memory by default, PostgreSQL when DATABASE_URL is set. Prints Markdown.
//   BENCH_CARDS_INPROC (default 20), BENCH_CARDS_PCSC (default 5)
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

const N_INPROC = Number(process.env.BENCH_CARDS_INPROC ?? 20);
const N_PCSC = Number(process.env.BENCH_CARDS_PCSC ?? 5);

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

  const inproc: Run[] = [];
  for (let i = 0; i < N_INPROC; i++) {
    const { file, nationalId } = await prepare();
    const ch = await openInProcessChannel(await VirtualCard.open(file));
    inproc.push(await personalise(ch, nationalId));
    await ch.close();
  }

  const pcsc: Run[] = [];
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
    } finally {
      await readers.close();
      await lease.release();
    }
  }

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
  process.stdout.write(
    [
      `## Issuance benchmark (${new Date().toISOString()}, registry: ${db.kind}, one card at a time, PIN entry instant)`,
      '',
      '| path | cards | cards/min | median ms/card | APDUs/card | card ops ms | CA ms | database ms |',
      '|---|---|---|---|---|---|---|---|',
      row('in-process', inproc),
      row('PC/SC (pcscd + vpcd)', pcsc),
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
