// Shared fixtures for the pki tests: a fresh CA in a temporary data directory
// with the encrypted-file key store, a registry stand-in for certificate
// status, and small openssl helpers (openssl is the independent checker).
import { execFile } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  FileKeyStore,
  initCa,
  openCa,
  type CaConfig,
  type CertificateAuthority,
  type CertSerialHex,
  type CertStatus,
  type KeyStore,
  type RevokedEntry,
} from '../../pki/index.js';

export const PASSPHRASE = 'test passphrase, long enough';

export const testConfig: CaConfig = {
  country: 'LU',
  organization: 'cardauth Test',
  baseUrl: 'http://127.0.0.1:8080',
  issuingCurve: 'P-256',
  maxCardValidityDays: 1826,
};

export const subject = { country: 'LU', surname: 'Müller', givenName: 'Anne-Marie', nationalId: '19900101123' } as const;

export interface TestCa {
  readonly dir: string;
  readonly keyStore: KeyStore;
  readonly ca: CertificateAuthority;
  cleanup(): Promise<void>;
}

export async function makeTestCa(config: Partial<CaConfig> = {}, keyStore?: KeyStore): Promise<TestCa> {
  const dir = mkdtempSync(join(tmpdir(), 'cardauth-pki-'));
  const ks = keyStore ?? FileKeyStore.open(join(dir, 'keys'), PASSPHRASE);
  await initCa({ dataDir: dir, keyStore: ks, config: { ...testConfig, ...config } });
  const ca = await openCa({ dataDir: dir, keyStore: ks });
  return {
    dir,
    keyStore: ks,
    ca,
    async cleanup() {
      if (!keyStore) await ks.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function cardKey(): KeyObject {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
}

export const inYears = (n: number): Date => new Date(Date.now() + n * 365 * 86_400_000);

/** A registry stand-in: serial → status, with the CRL list view. */
export class StatusTable {
  private readonly rows = new Map<string, CertStatus>();
  set(serial: CertSerialHex, status: CertStatus): void {
    this.rows.set(serial, status);
  }
  lookup = async (serial: CertSerialHex): Promise<CertStatus> => this.rows.get(serial) ?? { status: 'unknown' };
  entries = async (): Promise<RevokedEntry[]> => {
    const out: RevokedEntry[] = [];
    for (const [serial, s] of this.rows) {
      const sh = serial as CertSerialHex;
      if (s.status === 'hold') out.push({ serial: sh, status: 'hold', since: s.since });
      if (s.status === 'revoked') out.push({ serial: sh, status: 'revoked', reason: s.reason, at: s.at });
    }
    return out;
  };
}

const exec = promisify(execFile);

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function openssl(args: string[], env?: NodeJS.ProcessEnv): Promise<RunResult> {
  try {
    const r = await exec('openssl', args, { env: env ?? process.env, maxBuffer: 4 << 20 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}
