// `cardauth ca init|issue`: the national CA from the command line (pki/README.md).
//   ca init  [--dir <data-dir>] [--country CC] [--organization NAME] [--base-url URL] [--issuing-curve P-256|P-384]
//   ca issue --public-key <pem file> --profile test-unattested --subject-json <file>
//            [--not-after <ISO date>] [--dir <data-dir>]
//            a TEST certificate (no EKU, test policy, at most 30 days). The card
//            profiles (card-auth, card-sign) assert "key on card, PIN always":
//            only `cardauth issue` signs them, over a key whose attestation it
//            verified and recorded in the registry, audited. Here there is no
//            card, no attestation and no registry row, so they are refused
//            (profile_requires_attestation) instead of signed over any key.
//   ca renew-ocsp [--dir <data-dir>]   re-certify the OCSP responder key now (1-year
//            certificate; the service renews it by itself 60 days before the end),
//            recorded in the registry's audit log (DATABASE_URL, else the embedded
//            registry, which a running service holds: stop it, or let it renew)
//   ca add-tsa [--dir <data-dir>]      give a CA made before it a timestamping authority (idempotent)
//   ca rotate-result-key [--overlap-days N] [--dir <data-dir>]
//            a new result-signing key signs from now on (running services follow
//            within a second); the previous one stays in the JWKS for N days (30)
// Data directory: --dir, else CARDAUTH_DATA_DIR, else <cwd>/.data. Keys: the
// key store chosen by CARDAUTH_KEY_STORE (file with CARDAUTH_KEY_PASSPHRASE(_FILE),
// or pkcs11 with CARDAUTH_PKCS11_*). `ca init` also creates the relying-party
// pepper (<data-dir>/rp/pepper.key, see src/rp/pepper.ts).
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  cardProfileNames,
  addTsa,
  DEFAULT_RESULT_KEY_OVERLAP_DAYS,
  initCa,
  isPkiError,
  openCa,
  openKeyStore,
  pemToDer,
  renewOcspResponder,
  rotateResultKey,
  TEST_PROFILE_MAX_DAYS,
  type CardSubject,
  type KeyStore,
  type PkiErrorCode,
} from '../../../pki/index.js';
import { ocspRenewalAudit } from '../../composition/ocsp-renewal-audit.js';
import { createPeppers, pepperPath } from '../../rp/pepper.js';
import { CliError, type CliIo } from '../io.js';
import { asCli, openMigratedRegistry } from './registry-env.js';

const USAGE = `usage:
  cardauth ca init  [--dir <data-dir>] [--country CC] [--organization NAME] [--base-url URL] [--issuing-curve P-256|P-384]
  cardauth ca issue --public-key <pem-file> --profile test-unattested --subject-json <file> [--not-after <ISO-date>] [--dir <data-dir>]
        (card-auth / card-sign certificates come only from \`cardauth issue\`, over an attested card key)
  cardauth ca renew-ocsp [--dir <data-dir>]
  cardauth ca add-tsa [--dir <data-dir>]
  cardauth ca rotate-result-key [--overlap-days N] [--dir <data-dir>]
`;

function dataDir(dir: string | undefined, io: CliIo): string {
  return resolve(dir ?? io.env['CARDAUTH_DATA_DIR'] ?? '.data');
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new CliError(`cannot read ${what} file ${path}`, 'file_unreadable', 2);
  }
}

async function withKeyStore<T>(dir: string, io: CliIo, f: (ks: KeyStore) => Promise<T>): Promise<T> {
  const ks = openKeyStore(dir, io.env);
  try {
    return await f(ks);
  } finally {
    await ks.close();
  }
}

async function init(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      dir: { type: 'string' },
      country: { type: 'string' },
      organization: { type: 'string' },
      'base-url': { type: 'string' },
      'issuing-curve': { type: 'string' },
    },
    strict: true,
  });
  const dir = dataDir(values.dir, io);
  const curve = values['issuing-curve'] ?? 'P-256';
  if (curve !== 'P-256' && curve !== 'P-384') throw new CliError('--issuing-curve must be P-256 or P-384', 'usage', 2);
  const config = {
    country: values.country ?? io.env['CARDAUTH_COUNTRY'] ?? 'KH',
    organization: values.organization ?? io.env['CARDAUTH_CA_ORGANIZATION'] ?? 'cardauth National ID',
    baseUrl: (values['base-url'] ?? io.env['CARDAUTH_BASE_URL'] ?? 'http://127.0.0.1:8080').replace(/\/$/, ''),
    issuingCurve: curve,
    maxCardValidityDays: 1826,
  } as const;
  const created = await withKeyStore(dir, io, (keyStore) => initCa({ dataDir: dir, keyStore, config }));
  // This is where the data directory is initialised, so this is where the RP
  // pepper is created (after the CA: a refused init creates nothing). One
  // that is already there is kept: it may key existing credentials.
  const pepper = createPeppers(pepperPath(dir));
  const fingerprint = new X509Certificate(created.rootPem).fingerprint256;
  io.stdout.write(
    `CA created in ${dir}/pki: root.crt, issuing.crt, ocsp.crt (keys in the ${io.env['CARDAUTH_KEY_STORE'] ?? 'file'} key store)\n` +
      `root SHA-256 ${fingerprint}\n` +
      `relying-party pepper ${pepper.created ? 'created' : 'kept'}: ${pepperPath(dir)}\n`,
  );
  return 0;
}

async function issue(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      dir: { type: 'string' },
      'public-key': { type: 'string' },
      profile: { type: 'string' },
      'subject-json': { type: 'string' },
      'not-after': { type: 'string' },
    },
    strict: true,
  });
  if (!values['public-key'] || !values.profile || !values['subject-json']) {
    throw new CliError(`--public-key, --profile and --subject-json are required\n${USAGE}`, 'usage', 2);
  }
  if ((cardProfileNames as readonly string[]).includes(values.profile)) {
    throw new CliError(
      `--profile ${values.profile} asserts "key on card, PIN always": it is issued only by \`cardauth issue\`, over a card key whose attestation was verified and recorded; use --profile test-unattested for a test certificate`,
      'profile_requires_attestation',
      2,
    );
  }
  if (values.profile !== 'test-unattested') throw new CliError('--profile must be test-unattested', 'usage', 2);
  const publicKey = pemToDer(readText(values['public-key'], 'public key'), 'PUBLIC KEY', 'profile_key_not_allowed');
  let subject: CardSubject;
  try {
    subject = JSON.parse(readText(values['subject-json'], 'subject')) as CardSubject;
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError('--subject-json is not valid JSON', 'usage', 2);
  }
  const dir = dataDir(values.dir, io);
  const pem = await withKeyStore(dir, io, async (keyStore) => {
    const ca = await openCa({ dataDir: dir, keyStore });
    const notAfter = values['not-after'] ? new Date(values['not-after']) : new Date(Date.now() + TEST_PROFILE_MAX_DAYS * 86_400_000);
    if (Number.isNaN(notAfter.getTime())) throw new CliError('--not-after must be an ISO 8601 date', 'usage', 2);
    return (await ca.issueCardCertificate({ publicKey, profile: 'test-unattested', subject, notAfter })).pem;
  });
  io.stdout.write(pem);
  return 0;
}

async function renewOcsp(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { dir: { type: 'string' } }, strict: true });
  const dir = dataDir(values.dir, io);
  // The renewal is audited like the service's own: no registry, no renewal.
  const db = await asCli(() => openMigratedRegistry(io, values.dir));
  let pem: string;
  try {
    const audit = ocspRenewalAudit(db, { actor: 'system', via: 'cardauth ca renew-ocsp', osUser: userInfo().username });
    pem = await asCli(() => withKeyStore(dir, io, (keyStore) => renewOcspResponder({ dataDir: dir, keyStore, audit })));
  } finally {
    await db.close();
  }
  io.stdout.write(`OCSP responder certificate renewed until ${new X509Certificate(pem).validTo}\n`);
  return 0;
}

async function addTimestampAuthority(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { dir: { type: 'string' } }, strict: true });
  const dir = dataDir(values.dir, io);
  const r = await withKeyStore(dir, io, (keyStore) => addTsa({ dataDir: dir, keyStore }));
  io.stdout.write(`${r.created ? 'timestamping authority added' : 'this CA has a timestamping authority already'}: certificate valid until ${new X509Certificate(r.pem).validTo}\n`);
  return 0;
}

async function rotateResult(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { dir: { type: 'string' }, 'overlap-days': { type: 'string' } }, strict: true });
  const text = values['overlap-days'] ?? String(DEFAULT_RESULT_KEY_OVERLAP_DAYS);
  // Digits only: Number() would take "1e1", " 7" or "0x1e"; the range is the library's.
  if (!/^\d{1,4}$/.test(text)) throw new CliError('--overlap-days must be a whole number of days', 'result_key_overlap_invalid', 2);
  const dir = dataDir(values.dir, io);
  const r = await withKeyStore(dir, io, (keyStore) => rotateResultKey({ dataDir: dir, keyStore, overlapDays: Number(text) }));
  io.stdout.write(
    `result-signing key rotated: new kid ${r.kid} (key ${r.name})\n` +
      `previous kid ${r.previous.kid} (key ${r.previous.name}) stays in /.well-known/jwks.json until ${r.previous.publishUntil.toISOString()}\n`,
  );
  return 0;
}

const exitCodes: Partial<Record<PkiErrorCode, number>> = { ca_already_initialised: 3, ca_busy: 3, result_key_overlap_invalid: 2 };

export async function run(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  try {
    if (sub === 'init') return await init(rest, io);
    if (sub === 'issue') return await issue(rest, io);
    if (sub === 'renew-ocsp') return await renewOcsp(rest, io);
    if (sub === 'add-tsa') return await addTimestampAuthority(rest, io);
    if (sub === 'rotate-result-key') return await rotateResult(rest, io);
  } catch (err) {
    if (isPkiError(err)) throw new CliError(err.message, err.code, exitCodes[err.code] ?? 1);
    if (err instanceof TypeError && (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      throw new CliError(`${err.message}\n${USAGE}`, 'usage', 2);
    }
    throw err;
  }
  io.stderr.write(USAGE);
  return 2;
}
