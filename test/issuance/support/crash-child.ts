// Child process of the kill-at-every-step test: runs one personalisation and
// kills itself with SIGKILL at the crash point named by
// CARDAUTH_TEST_CRASH_AFTER:
//   "<step>"      right after the step's completion is persisted;
//   "ran:<step>"  after the step's card work, before it is persisted.
// This env variable is read here, in the test composition, and nowhere in
// src/: production wiring has no crash points (EngineDeps.hooks is empty).
import { createIssuanceEngine } from '../../../src/issuance/engine/run-job.js';
import { capturingPukDisplay, makeFixture, officer, openCard, scriptedPinPad } from './fixture.js';
import { openDatabase } from '../../../src/registry/open-database.js';
import { sqlIssuanceRegistry } from '../../../src/issuance/store/sql-registry.js';
import { localCardholder } from '../../../src/issuance/cardholder/local.js';

const env = (name: string): string => {
  const v = process.env[name];
  if (v === undefined) throw new Error(`${name} not set`);
  return v;
};

const crashAt = env('CARDAUTH_TEST_CRASH_AFTER');
// The registry is a real PostgreSQL server: a killed client's open transaction is rolled back by the server.
const db = await openDatabase({ url: env('CRASH_DATABASE_URL'), dataDir: env('CRASH_FIXTURE_DIR') });
const registry = sqlIssuanceRegistry(db);
const f = await makeFixture({ registry, dir: env('CRASH_FIXTURE_DIR') });
const die = (): void => {
  process.kill(process.pid, 'SIGKILL');
};
const engine = createIssuanceEngine({
  ...f.deps,
  hooks: {
    stepRan: (s) => (crashAt === `ran:${s}` ? die() : undefined),
    stepPersisted: (s) => (crashAt === s ? die() : undefined),
  },
});
const { channel } = await openCard(env('CRASH_CARD_FILE'));
await engine.personalise({
  channel,
  nationalId: env('CRASH_NATIONAL_ID'),
  actor: officer,
  cardholder: localCardholder(channel, scriptedPinPad('250871'), capturingPukDisplay()),
});
process.stdout.write('completed without crashing\n');
process.exit(3);
