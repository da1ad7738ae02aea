// Test support for document signing: a national CA with its TSA (pki initCa),
// and citizen cards personalised as issuance does it with `--signature-key`:
// 9A (card-auth) and 9C (card-sign, nonRepudiation) generated on a
// firmware-sim card with PIN policy ALWAYS, certificates written to the card,
// the PIN changed from the factory value. The card runs in this process.
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { VirtualCard, manufactureCard } from '../../firmware-sim/index.js';
import { createCrlPublisher, pkiCodes, type CertificateAuthority, type CertStatus } from '../../pki/index.js';
import { createApp, type HttpApp } from '../../src/http/app.js';
import { errorRegistry } from '../../src/composition/error-registry.js';
import { signRoutes } from '../../src/http/routes/sign.js';
import { createRpAuthenticator } from '../../src/rp/authenticate.js';
import { pkiSignerVerifier } from '../../src/sign/adapters/pki-signer-verifier.js';
import { registrySignStatus } from '../../src/sign/adapters/registry-sign-status.js';
import type { SignDeps } from '../../src/sign/flow/deps.js';
import { MemoryStore } from '../../src/store/memory.js';
import { systemClock, type Clock } from '../../src/util/clock.js';
import { createLogger } from '../../src/util/log.js';
import { LogCapture, peppers } from '../auth/support/fixture.js';
import { httpCodes } from '../../src/http/codes.js';
import { pkiRoutes } from '../../src/http/routes/pki.js';
import { silentLogger } from '../../src/util/log.js';
import { insertCard, insertCertificate, insertCitizen, receiveStock } from '../../src/registry/index.js';
import type { Database } from '../../src/registry/sql.js';
import { makeTestCa, StatusTable, type TestCa } from '../pki/helpers.js';
import type { CardChannel } from '../../src/card/channel.js';
import { openInProcessChannel } from '../../src/card/in-process.js';
import { PivClient } from '../../src/card/piv/client.js';
import { factoryDefaults, pivKeySlots } from '../../src/card/piv/constants.js';
import { signDigestWithPin } from '../../src/sign/card-digest-signer.js';
import type { DigestSigner } from '../../src/sign/ports.js';

export const CITIZEN_PIN = '482915';

let nextSerial = 64_000_000 + Math.floor(Math.random() * 1_000_000);
let nextNid = 500_000_000 + Math.floor(Math.random() * 100_000_000);

export interface SigningCard {
  readonly file: string;
  readonly card: VirtualCard;
  readonly serial: number;
  readonly nationalId: string;
  readonly auth: { readonly der: Buffer; readonly serialHex: string };
  readonly sign: { readonly der: Buffer; readonly serialHex: string };
}

export async function signingCard(ca: CertificateAuthority, dir: string, opts: { pin?: string; signatureKey?: boolean } = {}): Promise<SigningCard> {
  const serial = nextSerial++;
  const file = join(dir, `card-${serial}.card`);
  await manufactureCard({ serial, out: file, factoryDir: join(dir, 'factory') });
  const card = await VirtualCard.open(file);
  const channel = await openInProcessChannel(card);
  try {
    const opened = await PivClient.open(channel);
    if (!opened.ok) throw new Error('no PIV application on a blank card');
    const piv = opened.client;
    const auth = await piv.authenticateManagementKey(factoryDefaults.managementKey(), 'TDES');
    if (!auth.ok) throw new Error(`management key refused: ${auth.reason}`);
    const nationalId = String(nextNid++);
    const subject = { country: 'KH', surname: 'SOK', givenName: 'Dara', nationalId };
    const notAfter = new Date(Date.now() + 2 * 365 * 86_400_000);
    const issued: Record<'auth' | 'sign', { der: Buffer; serialHex: string }> = { auth: { der: Buffer.alloc(0), serialHex: '' }, sign: { der: Buffer.alloc(0), serialHex: '' } };
    const slots = opts.signatureKey === false ? (['auth'] as const) : (['auth', 'sign'] as const);
    for (const which of slots) {
      const slot = which === 'auth' ? pivKeySlots.AUTHENTICATION : pivKeySlots.SIGNATURE;
      const gen = await piv.generateKey(slot, 'ECCP256', { pinPolicy: 'always', touchPolicy: 'never' });
      if (!gen.ok) throw new Error(`key generation refused: ${gen.reason}`);
      const cert = await ca.issueCardCertificate({ publicKey: gen.publicKey, profile: which === 'auth' ? 'card-auth' : 'card-sign', subject, notAfter });
      const w = await piv.writeCertificate(slot, cert.der);
      if (!w.ok) throw new Error(`certificate write refused: ${w.reason}`);
      issued[which] = { der: cert.der, serialHex: cert.serialHex };
    }
    const c = await piv.changePin(factoryDefaults.pin, opts.pin ?? CITIZEN_PIN);
    if (!c.ok) throw new Error(`PIN change refused: ${c.reason}`);
    return { file, card, serial, nationalId, auth: issued.auth, sign: issued.sign };
  } finally {
    await channel.close();
  }
}

/** The card in an in-process reader, as a DigestSigner that types the PIN before every signature. */
export async function cardSigner(card: SigningCard, pin = CITIZEN_PIN): Promise<DigestSigner & { readonly channel: CardChannel; close(): Promise<void> }> {
  const channel = await openInProcessChannel(card.card);
  const opened = await PivClient.open(channel);
  if (!opened.ok) throw new Error('no PIV application');
  const piv = opened.client;
  return {
    channel,
    async signDigest(digest) {
      const r = await signDigestWithPin(piv, Buffer.from(pin, 'ascii'), digest);
      if (!r.ok) throw new Error(`card refused: ${r.reason}`);
      return r.signature;
    },
    close: () => channel.close({ disposition: 'reset' }),
  };
}

export function tempDir(prefix: string): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const exec = promisify(execFile);

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run a real tool (openssl, pdfsig); never throws, gives the exit code and output. */
export async function tool(cmd: string, args: string[]): Promise<RunResult> {
  try {
    const r = await exec(cmd, args, { maxBuffer: 8 << 20 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

export function writeTemp(dir: string, name: string, data: string | Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
}

/** A free TCP port on 127.0.0.1 (asked of the OS; taken again by the caller right away). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/**
 * An NSS certificate database (what pdfsig reads) trusting only the given
 * root, in `dir`: `-nssdir sql:<dir>`.
 */
export async function nssTrusting(dir: string, rootPem: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const pem = writeTemp(dir, 'root.pem', rootPem);
  for (const args of [
    ['-N', '-d', `sql:${dir}`, '--empty-password'],
    ['-A', '-d', `sql:${dir}`, '-n', 'national-root', '-t', 'C,C,C', '-i', pem],
  ]) {
    const r = await tool('certutil', args);
    if (r.code !== 0) throw new Error(`certutil ${args[0]} failed: ${r.stderr}`);
  }
  return `sql:${dir}`;
}

/**
 * A national CA whose certificates point at a loopback port where its CRL
 * and OCSP responder are really served (pki routes of the service), with a
 * registry stand-in for status: what pdfsig, openssl and `cardauth sign
 * verify` ask when they check a signer.
 */
export async function publishedCa(): Promise<{
  readonly t: TestCa;
  readonly status: StatusTable;
  readonly base: string;
  /** Set a certificate's status and drop the cached OCSP answers and CRL. */
  setStatus(serialHex: string, s: CertStatus): void;
  close(): Promise<void>;
}> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const t = await makeTestCa({ baseUrl: base, country: 'KH' });
  const status = new StatusTable();
  const crl = createCrlPublisher({ createCrl: (o) => t.ca.createCrl(o), entries: status.entries, now: () => new Date() });
  const ocsp = t.ca.createOcspResponder({ status: status.lookup });
  const app = createApp({ routes: pkiRoutes({ root: t.ca.root, issuing: t.ca.issuing, crl, ocsp }), logger: silentLogger, errorCodes: { ...httpCodes, ...pkiCodes } });
  const server = app.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return {
    t,
    status,
    base,
    setStatus(serialHex, s) {
      status.set(serialHex as never, s);
      crl.invalidate();
      ocsp.invalidate();
    },
    async close() {
      await new Promise<void>((r) => server.close(() => r()));
      await t.cleanup();
    },
  };
}

/** Record a signing card as issuance does: citizen, stock, card, the 9A and 9C certificates (attested unless told otherwise). */
export async function registerSigningCard(db: Database, card: SigningCard, opts: { attested?: boolean; cardStatus?: 'active' | 'hold' } = {}): Promise<void> {
  const now = new Date();
  const citizen = await insertCitizen(db, { nationalId: card.nationalId, surname: 'SOK', givenName: 'Dara', birthDate: '1990-04-17', country: 'KH' }, 'test', now);
  await receiveStock(db, { serial: card.serial, manufacturer: 'test' }, 'test', now);
  await insertCard(db, { serial: card.serial, uuid: crypto.randomUUID(), citizenId: citizen.id, status: opts.cardStatus ?? 'active', issuedAt: now, expiresAt: new Date(now.getTime() + 3 * 365 * 86_400_000) }, 'test', now);
  for (const [which, slot, profile] of [['auth', 0x9a, 'card-auth'], ['sign', 0x9c, 'card-sign']] as const) {
    const c = card[which];
    if (c.der.length === 0) continue;
    const x = new X509Certificate(c.der);
    await insertCertificate(
      db,
      {
        serialHex: c.serialHex,
        cardSerial: card.serial,
        slot,
        profile,
        der: c.der,
        status: 'good',
        notBefore: new Date(x.validFrom),
        notAfter: new Date(x.validTo),
        ...(opts.attested === false ? {} : { attestationDer: Buffer.from('30030201ff', 'hex'), attestedAt: now }),
      },
      'test',
      now,
    );
  }
}

/** The signing API (sign routes) over a CA and a registry, with a log capture, for the flow tests. */
export async function signApp(opts: { ca: CertificateAuthority; db: Database; clock?: Clock }): Promise<{ app: HttpApp; deps: SignDeps; log: LogCapture }> {
  const clock = opts.clock ?? systemClock;
  const log = new LogCapture();
  const logger = createLogger({ sink: log, level: 'debug' });
  const store = new MemoryStore(clock);
  const deps: SignDeps = {
    store,
    verifier: pkiSignerVerifier({ root: opts.ca.root, issuing: opts.ca.issuing }),
    status: registrySignStatus(opts.db),
    timestamper: opts.ca.tsa,
    chain: [opts.ca.issuing.der],
    clock,
    log: logger,
    requestTtlSeconds: 120,
  };
  const authenticator = createRpAuthenticator({ sql: opts.db, apiPepper: peppers.apiSecret, clock, log: logger, cacheTtlMs: 0 });
  const app = createApp({ routes: signRoutes({ sign: deps, authenticator, store, tsa: opts.ca.tsa }), logger, errorCodes: errorRegistry });
  return { app, deps, log };
}
