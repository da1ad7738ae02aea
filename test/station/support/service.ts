// The service as it runs (buildService: PostgreSQL registry, CA, staff,
// stations) on a loopback port, with an admin and an officer signed in over
// HTTP, a firmware-sim factory whose root the service trusts, and helpers to
// make blank cards, put them in in-process readers and run a station agent.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualCard, factoryRootPem, manufactureCard } from '../../../firmware-sim/index.js';
import type { CardChannel } from '../../../src/card/channel.js';
import { InProcessReaders } from '../../../src/card/in-process.js';
import { buildService, type Service } from '../../../src/composition/service.js';
import { loadConfig } from '../../../src/config.js';
import { localCardholder } from '../../../src/issuance/cardholder/local.js';
import type { PinPad, PukDisplay } from '../../../src/issuance/ports/station.js';
import { runStationAgent, type StationAgent } from '../../../src/station/agent/run-agent.js';
import { addStaff, login, staffDeps } from '../../../src/staff/index.js';
import { createLogger, type Logger } from '../../../src/util/log.js';
import { systemClock } from '../../../src/util/clock.js';
import { capture } from '../../support/capture.js';
import { startPostgres, type TestPostgres } from '../../support/postgres.js';
import { scriptedPinPad } from '../../issuance/support/fixture.js';

export const PW = 'correct horse battery staple 42';

export interface StationService {
  readonly base: string;
  readonly service: Service;
  readonly dir: string;
  readonly factoryDir: string;
  readonly adminToken: string;
  readonly officerToken: string;
  readonly log: ReturnType<typeof capture>;
  api(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

let serialBase = 30_000_000 + Math.floor(Math.random() * 100_000) * 10;
export function nextSerial(): number {
  return ++serialBase;
}

export async function startStationService(): Promise<StationService> {
  const dir = mkdtempSync(join(tmpdir(), 'cardauth-station-'));
  const factoryDir = join(dir, 'factory');
  writeFileSync(join(dir, 'factory-root.pem'), await factoryRootPem(factoryDir));
  const pg: TestPostgres = await startPostgres();
  const env: NodeJS.ProcessEnv = {
    CARDAUTH_DATA_DIR: join(dir, 'data'),
    DATABASE_URL: pg.url,
    CARDAUTH_KEY_PASSPHRASE: 'station test passphrase',
    CARDAUTH_MANUFACTURER_ROOTS: join(dir, 'factory-root.pem'),
    CARDAUTH_COUNTRY: 'KH',
  };
  const log = capture();
  const logger: Logger = createLogger({ level: 'debug', sink: log.sink });
  const service = await buildService({ config: loadConfig(env), env, logger, initCaIfMissing: true });
  const server: Server = service.app.listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', () => r()));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const staff = staffDeps({ sql: service.db, store: service.store, clock: systemClock });
  await addStaff(staff, undefined, { username: 'root', displayName: 'Root', role: 'admin', password: PW });
  const admin = (await login(staff, { username: 'root', password: PW, address: 'test' })).principal;
  await addStaff(staff, admin, { username: 'olivia', displayName: 'Olivia Officer', role: 'officer', password: PW });
  const token = async (username: string): Promise<string> => {
    const r = await fetch(`${base}/v1/staff/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PW }) });
    return ((await r.json()) as { token: string }).token;
  };
  const api = async (method: string, path: string, tok: string, body?: unknown) => {
    const r = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${tok}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await r.text();
    return { status: r.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  };
  return {
    base,
    service,
    dir,
    factoryDir,
    adminToken: await token('root'),
    officerToken: await token('olivia'),
    log,
    api,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await service.close();
      await pg.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A blank card (firmware-sim file) from the service's trusted factory, opened in this process. */
export async function blankCard(s: StationService, serial = nextSerial()): Promise<{ serial: number; card: VirtualCard; file: string }> {
  const file = join(s.dir, `card-${serial}.json`);
  await manufactureCard({ serial, out: file, factoryDir: s.factoryDir });
  return { serial, card: await VirtualCard.open(file), file };
}

export interface TestStation {
  readonly id: string;
  readonly key: string;
  readonly readers: InProcessReaders;
  readonly agent: StationAgent;
  readonly puks: Map<string, string[]>;
  /** Connect the agent again (after stop()), same readers and pads. */
  restart(key?: string): Promise<StationAgent>;
}

/** Register a station (admin, over HTTP) and run its agent with in-process readers and scripted PIN pads per reader. */
export async function startStation(
  s: StationService,
  opts: { readonly readers: readonly string[]; readonly pads?: Record<string, PinPad>; readonly wrap?: (reader: string, channel: CardChannel) => CardChannel; readonly name?: string },
): Promise<TestStation> {
  const r = await s.api('POST', '/v1/stations', s.adminToken, { name: opts.name ?? `office ${Math.random().toString(36).slice(2, 8)}` });
  if (r.status !== 201) throw new Error(`station add: ${JSON.stringify(r.body)}`);
  const id = r.body['id'] as string;
  const key = r.body['key'] as string;
  const readers = new InProcessReaders(opts.readers);
  const puks = new Map<string, string[]>();
  const run = (k: string): StationAgent =>
    runStationAgent({
      server: s.base,
      key: k,
      readers: wrapReaders(readers, opts.wrap),
      cardholderFor: (reader, channel) => {
        const shown = puks.get(reader) ?? [];
        puks.set(reader, shown);
        const display: PukDisplay = {
          async show(p) {
            shown.push(p);
          },
        };
        return localCardholder(channel, opts.pads?.[reader] ?? scriptedPinPad('250871'), display);
      },
      log: createLogger({ level: 'error' }),
      reconnect: false,
    });
  const station: TestStation = {
    id,
    key,
    readers,
    agent: run(key),
    puks,
    async restart(k = key) {
      const a = run(k);
      (station as { agent: StationAgent }).agent = a;
      await a.connected;
      return a;
    },
  };
  await station.agent.connected;
  return station;
}

function wrapReaders(readers: InProcessReaders, wrap?: (reader: string, channel: CardChannel) => CardChannel): InProcessReaders {
  if (wrap === undefined) return readers;
  return new Proxy(readers, {
    get(target, prop, receiver) {
      if (prop === 'connect') return async (name: string, o?: unknown) => wrap(name, await target.connect(name, o as never));
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/** The same channel with its transmit replaced (a station that alters the card's traffic). */
export function withTransmit(channel: CardChannel, transmit: (apdu: Uint8Array) => Promise<Uint8Array>): CardChannel {
  return {
    readerName: channel.readerName,
    get atr() {
      return channel.atr;
    },
    get isOpen() {
      return channel.isOpen;
    },
    reset: () => channel.reset(),
    close: (o) => channel.close(o),
    transmit,
  };
}

/** Wait until GET /v1/stations shows the station online with `reader` holding a card. */
export async function waitForCardReported(s: StationService, stationId: string, reader: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const r = await s.api('GET', '/v1/stations', s.officerToken);
    const st = (r.body['stations'] as { id: string; online: boolean; readers: { name: string; cardPresent: boolean }[] }[]).find((x) => x.id === stationId);
    if (st?.online && st.readers.some((x) => x.name === reader && x.cardPresent)) return;
    await new Promise((res) => setTimeout(res, 25));
  }
  throw new Error(`station ${stationId} never reported a card in ${reader}`);
}

/** Poll GET /v1/issuance/jobs/{id} until the job is no longer running. */
export async function waitForJob(s: StationService, jobId: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 1200; i++) {
    const r = await s.api('GET', `/v1/issuance/jobs/${jobId}`, s.officerToken);
    if (r.status !== 200) throw new Error(`job ${jobId}: ${JSON.stringify(r.body)}`);
    if (r.body['status'] !== 'running') return r.body;
    await new Promise((res) => setTimeout(res, 25));
  }
  throw new Error(`job ${jobId} still running`);
}
