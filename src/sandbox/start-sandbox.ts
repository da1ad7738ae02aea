// The sandbox: cardauth as a bank tries it in five minutes. One process runs
// the embedded default (PGlite, the in-process store) on a fresh data
// directory with test material made by the real code paths:
//   - a sandbox CA ("cardauth SANDBOX (NOT FOR PRODUCTION) Root CA"; the
//     service runs it with CARDAUTH_SANDBOX=1 and every result says
//     "sandbox": true — src/sandbox/sandbox-ca.ts);
//   - test citizens, each with a firmware-sim card file personalised by the
//     issuance engine (stock, enrol, keys on the card, attestation,
//     certificates, PIN); one card revoked;
//   - a demo RP with one terminal per card, its RP-wide key (printed once),
//     and each terminal's own key, held by that terminal;
//   - a terminal screen per card (the same terminal as `cardauth terminal
//     serve --sim-card`), and the cashier page (./cashier).
// Nothing of it is production material: the directory carries a marker file,
// and the next run empties it.
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { readPassphrase, manufacturerRoots } from '../../pki/index.js';
import { simulatedManufacturerRoot } from '../composition/sandbox-factory.js';
import { applyEmbeddedKeyPassphrase } from '../composition/embedded-defaults.js';
import { buildService, type Service } from '../composition/service.js';
import { loadConfig } from '../config.js';
import { openMasterSecretFile } from '../issuance/adapters/master-secret-file.js';
import { pkiAttestationVerifier, pkiCertificateIssuer } from '../issuance/adapters/pki.js';
import type { EngineDeps } from '../issuance/engine/context.js';
import { managementKeySource, memoryMasterHmac } from '../issuance/lib/diversify-management-key.js';
import { revokeCard } from '../issuance/lifecycle/change-status.js';
import type { Actor } from '../issuance/ports/registry.js';
import { sqlIssuanceRegistry } from '../issuance/store/sql-registry.js';
import { loadPeppers, pepperPath } from '../rp/pepper.js';
import { issueTerminalCredential } from '../rp/repo/issue-terminal-credential.js';
import { registerRp } from '../rp/repo/register-rp.js';
import type { ServerConfig } from '../terminal/server/http.js';
import type { Language } from '../terminal/screen/screen-hub.js';
import { startTerminalScreen, type TerminalScreen } from '../terminal/screen/start-terminal-screen.js';
import { systemClock } from '../util/clock.js';
import { createLogger, type Logger } from '../util/log.js';
import { startCashier, type RunningCashier } from './cashier/start-cashier.js';
import { issueTestCard } from './issue-test-card.js';
import { prepareSandboxDir } from './prepare-sandbox-dir.js';
import { SANDBOX_RP_NAME, testCitizens, type TestCitizen } from './test-citizens.js';

export interface SandboxOptions {
  /** Emptied and filled (it must be a sandbox's, or absent). */
  readonly dir: string;
  /** Service, cashier, then one port per terminal from here; 0: free ports. */
  readonly portBase: number;
  readonly host?: string;
  readonly language?: Language;
  /** How long a terminal shows an outcome (ms). */
  readonly outcomeMs?: number;
  readonly log?: Logger;
  /** The environment the service reads (a copy is made; CARDAUTH_* of the sandbox win). */
  readonly env?: NodeJS.ProcessEnv;
}

export interface SandboxCitizen extends TestCitizen {
  readonly cardFile: string;
  readonly cardSerial: number;
  readonly puk: string;
  readonly screenUrl: string;
}

export interface Sandbox {
  readonly dir: string;
  readonly serviceUrl: string;
  readonly cashierUrl: string;
  readonly rp: { readonly id: string; readonly name: string; readonly key: string };
  readonly citizens: readonly SandboxCitizen[];
  readonly terminals: readonly TerminalScreen[];
  stop(): Promise<void>;
}

const officer: Actor = { staffId: 'sandbox-setup', role: 'officer' };
const supervisor: Actor = { staffId: 'sandbox-setup', role: 'supervisor' };

async function freePort(host: string): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve, reject) => s.once('error', reject).listen(0, host, () => resolve()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

export async function startSandbox(opts: SandboxOptions): Promise<Sandbox> {
  const host = opts.host ?? '127.0.0.1';
  const log = opts.log ?? createLogger({ level: 'warn', base: { svc: 'cardauth-sandbox' } });
  const dir = prepareSandboxDir(opts.dir);
  const port = (i: number): Promise<number> => (opts.portBase === 0 ? freePort(host) : Promise.resolve(opts.portBase + i));
  const servicePort = await port(0);
  const env: NodeJS.ProcessEnv = {
    ...(opts.env ?? {}),
    CARDAUTH_DATA_DIR: join(dir, 'data'),
    CARDAUTH_HOST: host,
    CARDAUTH_PORT: String(servicePort),
    CARDAUTH_BASE_URL: `http://${host}:${servicePort}`,
    CARDAUTH_SANDBOX: '1',
    CARDAUTH_KEY_STORE: 'file',
    CARDAUTH_KEY_PASSPHRASE: '',
    CARDAUTH_KEY_PASSPHRASE_FILE: '',
  };
  for (const k of ['DATABASE_URL', 'REDIS_URL', 'CARDAUTH_WORKERS', 'CARDAUTH_KEY_PASSPHRASE', 'CARDAUTH_KEY_PASSPHRASE_FILE']) delete env[k];
  applyEmbeddedKeyPassphrase(env, { create: true });

  const closers: Array<() => Promise<void>> = [];
  const stop = async (): Promise<void> => {
    for (const c of closers.splice(0).reverse()) await c().catch((e) => log.warn('sandbox: close failed', { error: e }));
  };
  try {
    const config = loadConfig(env);
    const service: Service = await buildService({ config, env, logger: log, initCaIfMissing: true });
    closers.push(() => service.close());
    const http = service.app.listen(config.port, config.host);
    await new Promise<void>((resolve, reject) => http.once('listening', resolve).once('error', reject));
    closers.push(
      () =>
        new Promise<void>((resolve) => {
          http.closeAllConnections();
          http.close(() => resolve());
        }),
    );
    const serviceUrl = config.baseUrl;

    // The issuance office, in this process: the engine over the same registry and CA.
    const factoryDir = join(dir, 'factory');
    const master = openMasterSecretFile(join(config.dataDir, 'keys', 'mgm-master.json'), readPassphrase(env));
    const hmac = memoryMasterHmac(master);
    master.fill(0);
    const registry = sqlIssuanceRegistry(service.db);
    const engine: EngineDeps = {
      registry,
      issuer: pkiCertificateIssuer(service.ca),
      attestation: pkiAttestationVerifier(manufacturerRoots([await simulatedManufacturerRoot(factoryDir)])),
      managementKeys: managementKeySource(hmac),
      clock: systemClock,
      logger: log,
      country: service.ca.config.country,
    };
    mkdirSync(join(dir, 'cards'), { mode: 0o700 });
    const firstSerial = 99_000_000 + Math.floor(Math.random() * 900_000) * 10;
    const cards: Array<TestCitizen & { cardFile: string; cardSerial: number; puk: string }> = [];
    for (const [i, citizen] of testCitizens.entries()) {
      const cardFile = join(dir, 'cards', `${citizen.givenName.toLowerCase()}-${citizen.surname.toLowerCase()}.card.json`);
      const issued = await issueTestCard(engine, citizen, { file: cardFile, serial: firstSerial + i, factoryDir }, officer);
      if (citizen.status === 'revoked') {
        await revokeCard({ registry, clock: systemClock, approvals: { consume: () => Promise.reject(new Error('no approvals in the sandbox')) } }, issued.serial, 'cessationOfOperation', supervisor, {
          note: 'sandbox: a revoked card, to see the refusal',
        });
      }
      cards.push({ ...citizen, cardFile, cardSerial: issued.serial, puk: issued.puk });
    }

    // The relying party: its back end's key for the cashier, each terminal's own key for its terminal.
    const peppers = loadPeppers(pepperPath(config.dataDir));
    const now = systemClock.now();
    const { rp, credential } = await registerRp(
      service.db,
      {
        name: SANDBOX_RP_NAME,
        scopes: ['auth', 'ekyc'],
        ekycAttributes: ['givenName', 'surname', 'birthDate', 'nationalId'],
        terminals: cards.map((c) => c.terminalId),
      },
      peppers.apiSecret,
      'sandbox-setup',
      now,
    );

    const terminals: TerminalScreen[] = [];
    const citizens: SandboxCitizen[] = [];
    for (const [i, c] of cards.entries()) {
      const { credential: key } = await issueTerminalCredential(service.db, rp.id, c.terminalId, peppers.apiSecret, 'sandbox-setup', now);
      const server: ServerConfig = { url: serviceUrl, credential: key.token };
      const screen = await startTerminalScreen({
        server,
        terminalId: c.terminalId,
        card: { simCard: c.cardFile },
        listen: { host, port: await port(2 + i) },
        language: opts.language ?? 'km',
        ...(opts.outcomeMs === undefined ? {} : { outcomeMs: opts.outcomeMs }),
        log,
      });
      closers.push(() => screen.stop());
      terminals.push(screen);
      citizens.push({ ...c, screenUrl: screen.url });
    }

    const cashier: RunningCashier = await startCashier({
      serviceUrl,
      rpKey: credential.token,
      rpId: rp.id,
      rpName: rp.name,
      terminals: citizens.map((c) => ({ id: c.terminalId, label: `${c.givenName} ${c.surname}'s card${c.status === 'revoked' ? ' (revoked)' : ''}`, screenUrl: c.screenUrl })),
      host,
      port: await port(1),
    });
    closers.push(() => cashier.close());

    return { dir, serviceUrl, cashierUrl: cashier.url, rp: { id: rp.id, name: rp.name, key: credential.token }, citizens, terminals, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
