// Opens the CA of a data directory for the online service: reads the
// certificates and ca.json, takes the issuing and OCSP keys from the key
// store and checks that they match their certificates. The timestamping
// authority (tsa.crt and the key `tsa`) is optional: a CA made before it
// existed has none until `addTsa` gives it one. The root key is not
// touched (offline-style root: it is only used by `ca init`). The
// result-signing key is the one result-keys.json names (open-result-key-set.ts).
// The OCSP responder certificate is opened whatever its validity, so that an
// expired one can be renewed (maintainOcspResponder); until then the
// responder signs nothing with it. health() gives every lifetime as dates.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCrl } from '../crl/build-crl.js';
import { FileCrlNumber, type CrlNumberSource } from '../crl/crl-number.js';
import { PkiError } from '../errors.js';
import { issueCardCertificate, type IssuedCertificate } from '../issue/issue-card-certificate.js';
import { keyNames, type KeyStore, type Signer } from '../keystore/key-store.js';
import type { PublicJwk } from '../lib/jwk.js';
import { spkiDer } from '../lib/spki.js';
import { wholeSeconds } from '../lib/time.js';
import { createOcspResponder, type OcspResponder } from '../ocsp/responder.js';
import { caHealth, type CaHealth } from './ca-health.js';
import { maintainOcspResponder, type OcspMaintenance, type OcspRenewalAudit } from './maintain-ocsp-responder.js';
import { readResultKeyState } from './result-key-state.js';
import type { IssueRequest } from '../profiles/draft.js';
import type { CertStatusLookup, RevokedEntry } from '../types.js';
import { loadCaCertificate, type CaCertificate } from './ca-certificate.js';
import { checkCaConfig, defaultCaConfig, type CaConfig } from './config.js';
import { pkiDir, pkiFiles } from './files.js';
import { openResultKeySet, type ResultKeySet } from './open-result-key-set.js';
import { createTimestampAuthority, type TimestampAuthority } from '../tsa/timestamp-authority.js';

export interface OpenCaOptions {
  readonly dataDir: string;
  readonly keyStore: KeyStore;
  /** Overrides ca.json (e.g. a different public base URL for new certificates). */
  readonly config?: Partial<CaConfig>;
  /** Defaults to the counter file <data-dir>/pki/crl-number. */
  readonly crlNumbers?: CrlNumberSource;
  readonly now?: () => Date;
}

export interface CrlOptions {
  /** Revoked and held certificates (not yet expired) of the issuing CA. */
  readonly entries: readonly RevokedEntry[];
  /** thisUpdate → nextUpdate; default 24 hours. */
  readonly validitySeconds?: number;
}

export interface OcspOptions {
  readonly status: CertStatusLookup;
  readonly validitySeconds?: number;
  readonly cacheSeconds?: number;
  readonly cacheEntries?: number;
}

export interface OcspMaintenanceOptions {
  readonly now?: Date;
  /** Records the renewal (the service's audit log) before it takes effect. */
  readonly audit?: OcspRenewalAudit;
}

export interface CertificateAuthority {
  readonly config: CaConfig;
  readonly root: CaCertificate;
  readonly issuing: CaCertificate;
  /** The OCSP responder certificate signing now (changes when it is renewed). */
  readonly ocsp: CaCertificate;
  /**
   * Takes up a responder certificate another process renewed, and renews it
   * here once inside its renewal window (OCSP_RENEW_BEFORE_DAYS). Call at
   * start and then periodically; calls of one process run one at a time.
   */
  maintainOcspResponder(options?: OcspMaintenanceOptions): Promise<OcspMaintenance>;
  /** Renews the responder certificate now, whatever is left of it (`cardauth ca renew-ocsp`). */
  renewOcspResponder(options?: OcspMaintenanceOptions): Promise<CaCertificate>;
  /** Lifetimes as dates: OCSP responder, issuing CA against the card validity, root, result-signing key. */
  health(at?: Date): Promise<CaHealth>;
  /** The timestamping authority (RFC 3161), when this CA has one (pki/tsa). */
  readonly tsa: TimestampAuthority | undefined;
  issueCardCertificate(request: IssueRequest): Promise<IssuedCertificate>;
  /** A signed CRL (DER) with the next CRL number. */
  createCrl(options: CrlOptions): Promise<Buffer>;
  createOcspResponder(options: OcspOptions): OcspResponder;
  /** The ES256 key that signs authentication results now (the current key of the set). */
  resultSigner(): Promise<Signer>;
  resultSigningJwk(): Promise<PublicJwk>;
  /** The current and retired result-signing keys, read afresh from result-keys.json and the key store. */
  resultKeySet(): Promise<ResultKeySet>;
}

function readPem(dir: string, file: string, what: string): CaCertificate {
  const path = join(dir, file);
  if (!existsSync(path)) throw new PkiError('ca_not_initialised', `no ${what} certificate at ${path}; run 'cardauth ca init'`);
  return loadCaCertificate(readFileSync(path, 'utf8'), what);
}

function sameKey(signer: Signer, cert: CaCertificate): boolean {
  return spkiDer(signer.publicKey).equals(spkiDer(cert.x509.publicKey));
}

export async function openCa(options: OpenCaOptions): Promise<CertificateAuthority> {
  const dir = pkiDir(options.dataDir);
  const configPath = join(dir, pkiFiles.config);
  if (!existsSync(configPath)) throw new PkiError('ca_not_initialised', `no CA in ${dir}; run 'cardauth ca init'`);
  let stored: CaConfig;
  try {
    stored = JSON.parse(readFileSync(configPath, 'utf8')) as CaConfig;
  } catch (err) {
    throw new PkiError('ca_state_corrupt', `${configPath} is not valid JSON`, { cause: err });
  }
  const config = checkCaConfig({ ...defaultCaConfig, ...stored, ...options.config });
  const root = readPem(dir, pkiFiles.root, 'root');
  const issuing = readPem(dir, pkiFiles.issuing, 'issuing');
  let ocsp = readPem(dir, pkiFiles.ocsp, 'OCSP responder');
  if (!issuing.x509.checkIssued(root.x509) || !issuing.x509.verify(root.x509.publicKey)) {
    throw new PkiError('ca_state_corrupt', 'the issuing CA certificate is not signed by the root');
  }
  if (!ocsp.x509.checkIssued(issuing.x509) || !ocsp.x509.verify(issuing.x509.publicKey)) {
    throw new PkiError('ca_state_corrupt', 'the OCSP responder certificate is not signed by the issuing CA');
  }
  const issuingSigner = await options.keyStore.getSigner(keyNames.issuing);
  const ocspSigner = await options.keyStore.getSigner(keyNames.ocsp);
  if (!sameKey(issuingSigner, issuing)) throw new PkiError('ca_state_corrupt', 'the issuing key does not match issuing.crt');
  if (!sameKey(ocspSigner, ocsp)) throw new PkiError('ca_state_corrupt', 'the OCSP key does not match ocsp.crt');
  const now = options.now ?? (() => new Date());
  let tsa: TimestampAuthority | undefined;
  if (existsSync(join(dir, pkiFiles.tsa))) {
    const certificate = readPem(dir, pkiFiles.tsa, 'TSA');
    if (!certificate.x509.checkIssued(issuing.x509) || !certificate.x509.verify(issuing.x509.publicKey)) {
      throw new PkiError('ca_state_corrupt', 'the TSA certificate is not signed by the issuing CA');
    }
    const tsaSigner = await options.keyStore.getSigner(keyNames.tsa);
    if (!sameKey(tsaSigner, certificate)) throw new PkiError('ca_state_corrupt', 'the TSA key does not match tsa.crt');
    tsa = createTimestampAuthority({ certificate, signer: tsaSigner, now });
  }
  const crlNumbers = options.crlNumbers ?? new FileCrlNumber(join(dir, pkiFiles.crlNumber));
  const allowedCurves = ['P-256'] as const;
  const resultKeySet = (): Promise<ResultKeySet> => openResultKeySet({ dataDir: options.dataDir, keyStore: options.keyStore });
  // One maintenance at a time in this process (the lock file orders processes).
  let maintaining: Promise<unknown> = Promise.resolve();
  const maintain = (o: OcspMaintenanceOptions, force: boolean): Promise<OcspMaintenance> => {
    const run = maintaining.then(async () => {
      const r = await maintainOcspResponder({
        dataDir: options.dataDir,
        issuing,
        issuingSigner,
        responderSigner: ocspSigner,
        current: ocsp,
        now: o.now ?? now(),
        force,
        trigger: force ? 'manual' : 'automatic',
        audit: o.audit,
      });
      ocsp = r.certificate;
      return r;
    });
    maintaining = run.catch(() => undefined);
    return run;
  };

  return {
    config,
    root,
    issuing,
    get ocsp() {
      return ocsp;
    },
    tsa,
    maintainOcspResponder: (o = {}) => maintain(o, false),
    renewOcspResponder: async (o = {}) => (await maintain(o, true)).certificate,
    async health(at) {
      const { state } = await readResultKeyState(options.dataDir);
      return caHealth({
        at: at ?? now(),
        ocsp,
        issuing,
        root,
        maxCardValidityDays: config.maxCardValidityDays,
        resultKey: { name: state.current.name, since: state.current.since },
      });
    },
    issueCardCertificate: (request) =>
      issueCardCertificate(request, issuing, issuingSigner, {
        now: now(),
        country: config.country,
        baseUrl: config.baseUrl,
        issuerKeyId: issuing.keyId,
        issuerNotAfter: issuing.notAfter,
        maxValidityDays: config.maxCardValidityDays,
        allowedCurves,
      }),
    async createCrl(crl) {
      const thisUpdate = wholeSeconds(now());
      const number = await crlNumbers.next();
      return buildCrl({
        issuer: issuing,
        signer: issuingSigner,
        entries: crl.entries,
        number,
        thisUpdate,
        nextUpdate: new Date(thisUpdate.getTime() + (crl.validitySeconds ?? 86_400) * 1000),
      });
    },
    createOcspResponder: (o) =>
      createOcspResponder({ issuer: issuing, responder: () => ocsp, signer: ocspSigner, now, ...o }),
    resultSigner: async () => (await resultKeySet()).current,
    resultSigningJwk: async () => (await resultKeySet()).currentJwk,
    resultKeySet,
  };
}
