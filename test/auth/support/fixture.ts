// Fixture for the authentication tests: a real national CA (pki initCa/openCa
// with the encrypted-file key store), card keys whose certificates it issues,
// a card-like signer (ECDSA over the 32-byte signing input as a hash value,
// as GENERAL AUTHENTICATE does, with @noble/curves), a real PostgreSQL
// registry (migrated; citizens, stock, cards, certificates written with the
// registry's own repositories), an RP registered through src/rp, and the
// express app assembled from the route factories.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { p256 } from '@noble/curves/nist.js';
import { FileKeyStore, initCa, openCa, type CertificateAuthority, type KeyStore } from '../../../pki/index.js';
import { pkiCardVerifier } from '../../../src/auth/adapters/pki-verifier.js';
import { responderEvidence } from '../../../src/auth/adapters/ocsp-evidence.js';
import { registryStatusLookup } from '../../../src/issuance/adapters/cert-status.js';
import { sqlIssuanceRegistry } from '../../../src/issuance/store/sql-registry.js';
import { OutcomeSignal } from '../../../src/auth/lib/outcome-signal.js';
import { registryCardStatus } from '../../../src/auth/adapters/registry-status.js';
import { resultKeys, signerFromKeyStore } from '../../../src/auth/adapters/result-keys.js';
import { authCodes } from '../../../src/auth/codes.js';
import type { AuthDeps } from '../../../src/auth/deps.js';
import type { CardStatusLookup, ResultKeys } from '../../../src/auth/ports.js';
import { signingInput } from '../../../src/auth/signing-input.js';
import type { Transaction } from '../../../src/auth/wire.js';
import { httpCodes } from '../../../src/http/codes.js';
import { createApp, type HttpApp } from '../../../src/http/app.js';
import type { AnyRoute } from '../../../src/http/route.js';
import { documentationRoutes } from '../../../src/http/routes/documentation.js';
import { commonCodes } from '../../../src/errors/common-codes.js';
import { rpCodes } from '../../../src/rp/codes.js';
import { authRoutes } from '../../../src/http/routes/auth.js';
import { jwksRoutes } from '../../../src/http/routes/jwks.js';
import { rpRoutes } from '../../../src/http/routes/rp.js';
import { discoveryRoutes, RP_AUTH_METHODS } from '../../../src/http/routes/discovery.js';
import { migrate } from '../../../src/registry/migrate.js';
import { PostgresDatabase } from '../../../src/registry/postgres.js';
import { insertCard, insertCertificate, insertCitizen, receiveStock } from '../../../src/registry/index.js';
import type { Database } from '../../../src/registry/sql.js';
import { createRpAuthenticator, type RpAuthenticator } from '../../../src/rp/authenticate.js';
import { derivePeppers } from '../../../src/rp/pepper.js';
import { registerRp, type NewRelyingParty } from '../../../src/rp/repo/register-rp.js';
import type { IssuedCredential, RelyingParty } from '../../../src/rp/types.js';
import type { EphemeralStore } from '../../../src/store/ephemeral.js';
import type { Clock } from '../../../src/util/clock.js';
import { createLogger, type Logger } from '../../../src/util/log.js';
import { startPostgres, type TestPostgres } from '../../support/postgres.js';

export const COUNTRY = 'KH';
const PASSPHRASE = 'auth test passphrase, long enough';

export interface TestCa {
  readonly dir: string;
  readonly keyStore: KeyStore;
  readonly ca: CertificateAuthority;
  cleanup(): Promise<void>;
}

export async function makeCa(): Promise<TestCa> {
  const dir = mkdtempSync(join(tmpdir(), 'cardauth-auth-'));
  const keyStore = FileKeyStore.open(join(dir, 'keys'), PASSPHRASE);
  await initCa({
    dataDir: dir,
    keyStore,
    config: { country: COUNTRY, organization: 'cardauth auth tests', baseUrl: 'http://127.0.0.1:8080', issuingCurve: 'P-256', maxCardValidityDays: 1826 },
  });
  const ca = await openCa({ dataDir: dir, keyStore });
  return {
    dir,
    keyStore,
    ca,
    async cleanup() {
      await keyStore.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A card's key pair with its CA-issued authentication certificate. */
export interface TestCard {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly der: Buffer;
  readonly serialHex: string;
  readonly nationalId: string;
  readonly cardSerial: number;
}

let nextSerial = 70_000_000 + Math.floor(Math.random() * 1_000_000);
let nextNid = 100_000_000 + Math.floor(Math.random() * 100_000_000);

export async function issueCard(ca: CertificateAuthority, opts: { notAfter?: Date; surname?: string; givenName?: string } = {}): Promise<TestCard> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const nationalId = String(nextNid++);
  const cert = await ca.issueCardCertificate({
    publicKey,
    profile: 'card-auth',
    subject: { country: COUNTRY, surname: opts.surname ?? 'SOK', givenName: opts.givenName ?? 'Dara', nationalId },
    notAfter: opts.notAfter ?? new Date(Date.now() + 2 * 365 * 86_400_000),
  });
  return { privateKey, publicKey, der: cert.der, serialHex: cert.serialHex, nationalId, cardSerial: nextSerial++ };
}

/** What the card does in GENERAL AUTHENTICATE: ECDSA over the 32-byte input as the hash value, DER. */
export function cardSignInput(card: { privateKey: KeyObject }, inputHex: string): Buffer {
  const d = Buffer.from(card.privateKey.export({ format: 'jwk' }).d!, 'base64url');
  return Buffer.from(p256.sign(Buffer.from(inputHex, 'hex'), d, { prehash: false, format: 'der' }));
}

/** The signing input recomputed on the terminal side from the challenge answer. */
export function inputOf(ch: { rpId: string; nonce: string; terminalId: string; transaction: Transaction | null }): string {
  return signingInput({ rpId: ch.rpId, nonce: Buffer.from(ch.nonce, 'base64url'), terminalId: ch.terminalId, transaction: ch.transaction }).toString('hex');
}

/** Record a card as issuance would: citizen, stock, card, certificate (with or without attestation). */
export async function registerCard(db: Database, card: Pick<TestCard, 'der' | 'serialHex' | 'nationalId' | 'cardSerial'>, opts: { attested?: boolean } = {}): Promise<void> {
  const now = new Date();
  const citizen = await insertCitizen(
    db,
    { nationalId: card.nationalId, surname: 'SOK', givenName: 'Dara', birthDate: '1990-04-17', country: COUNTRY },
    'test',
    now,
  );
  await receiveStock(db, { serial: card.cardSerial, manufacturer: 'test' }, 'test', now);
  await insertCard(
    db,
    { serial: card.cardSerial, uuid: crypto.randomUUID(), citizenId: citizen.id, status: 'active', issuedAt: now, expiresAt: new Date(now.getTime() + 3 * 365 * 86_400_000) },
    'test',
    now,
  );
  const x = new (await import('node:crypto')).X509Certificate(card.der);
  await insertCertificate(
    db,
    {
      serialHex: card.serialHex,
      cardSerial: card.cardSerial,
      slot: 0x9a,
      profile: 'card-auth',
      der: card.der,
      status: 'good',
      notBefore: new Date(x.validFrom),
      notAfter: new Date(x.validTo),
      ...(opts.attested === false ? {} : { attestationDer: Buffer.from('30030201ff', 'hex'), attestedAt: now }),
    },
    'test',
    now,
  );
}

/** A log sink that keeps every line (for scanning for secrets and reasons). */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: string, cb: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    cb();
  }
  text(): string {
    return this.lines.join('\n');
  }
  records(): Array<Record<string, unknown>> {
    return this.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  }
}

export interface Registry {
  readonly db: Database;
  readonly pg: TestPostgres;
  close(): Promise<void>;
}

export async function openRegistry(): Promise<Registry> {
  const pg = await startPostgres();
  const db = new PostgresDatabase(pg.url);
  await migrate(db);
  return {
    db,
    pg,
    async close() {
      await db.close();
      await pg.stop();
    },
  };
}

export const peppers = derivePeppers(Buffer.alloc(32, 0x5a));

export interface TestApp {
  readonly app: HttpApp;
  readonly deps: AuthDeps;
  readonly authenticator: RpAuthenticator;
  readonly log: LogCapture;
  readonly logger: Logger;
}

export async function buildApp(opts: {
  readonly ca: CertificateAuthority;
  readonly db: Database;
  readonly store: EphemeralStore;
  readonly clock: Clock;
  readonly status?: CardStatusLookup;
  readonly keys?: ResultKeys;
  /** Offer evidence: the CA's OCSP responder over the registry's certificate status. */
  readonly evidence?: boolean;
}): Promise<TestApp> {
  const log = new LogCapture();
  const logger = createLogger({ sink: log, level: 'debug' });
  const keys = opts.keys ?? resultKeys(signerFromKeyStore(await opts.ca.resultSigner()));
  const deps: AuthDeps = {
    store: opts.store,
    verifier: pkiCardVerifier({ root: opts.ca.root, issuing: opts.ca.issuing }),
    status: opts.status ?? registryCardStatus(opts.db),
    keys,
    ...(opts.evidence
      ? { evidenceOcsp: responderEvidence({ issuing: opts.ca.issuing, responder: opts.ca.createOcspResponder({ status: registryStatusLookup(sqlIssuanceRegistry(opts.db)) }) }) }
      : {}),
    peppers,
    clock: opts.clock,
    log: logger,
    issuer: 'http://127.0.0.1:8080',
    challengeTtlSeconds: 120,
    outcomeSignal: new OutcomeSignal(),
  };
  const authenticator = createRpAuthenticator({
    sql: opts.db,
    apiPepper: peppers.apiSecret,
    clock: opts.clock,
    log: logger,
    cacheTtlMs: 0,
    assertions: { store: opts.store, audience: 'http://127.0.0.1:8080' },
  });
  const routeDeps = { auth: deps, authenticator, store: opts.store };
  const errorCodes = { ...httpCodes, ...commonCodes, ...authCodes, ...rpCodes };
  const routes: AnyRoute[] = [...authRoutes(routeDeps), ...rpRoutes(routeDeps), ...jwksRoutes({ keys }), ...discoveryRoutes({ auth: deps, authMethods: RP_AUTH_METHODS })];
  routes.push(...documentationRoutes({ routes: () => routes, errorCodes }));
  const app = createApp({ routes, logger, errorCodes });
  return { app, deps, authenticator, log, logger };
}

export async function addRp(
  db: Database,
  over: Partial<NewRelyingParty> = {},
): Promise<{ rp: RelyingParty; credential: IssuedCredential; bearer: string }> {
  const { rp, credential } = await registerRp(
    db,
    { name: `Bank ${Math.random().toString(36).slice(2)}`, scopes: ['auth'], terminals: ['atm-1', 'atm-2'], rateLimitPerMinute: 100_000, terminalRatePerMinute: 100_000, ...over },
    peppers.apiSecret,
    'staff:test',
    new Date(),
  );
  return { rp, credential, bearer: `Bearer ${credential.token}` };
}
