// A throwaway SoftHSM2 token for tests: a private token directory named by
// SOFTHSM2_CONF (SoftHSM2 reads it when the library is initialised, so it is
// set before anything loads libsofthsm2), one token initialised with
// `softhsm2-util --init-token --free`. One token per test process: a PKCS#11
// library is initialised once per process and keeps reading the token
// directory it started with, so every caller in a process gets the same token
// (the label of the first call) and the directory is removed when the process
// exits, not before. Use distinct key names, or initExtraToken() for child
// processes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

export const SOFTHSM_LIBRARY = '/usr/lib/softhsm/libsofthsm2.so';

export interface SoftHsmToken {
  readonly library: string;
  readonly label: string;
  readonly pin: string;
  readonly dir: string;
  /** Schedules removal of the token directory at process exit (see above). */
  cleanup(): void;
}

let current: SoftHsmToken | undefined;
let currentConf: string | undefined;

/**
 * Another token in the same token directory. A process that has already
 * initialised libsofthsm2 does not see it; child processes (the CLI) do.
 */
export function initExtraToken(label: string): { label: string; pin: string } {
  if (!currentConf) throw new Error('createSoftHsmToken() first');
  const pin = randomBytes(6).toString('hex');
  execFileSync('softhsm2-util', ['--init-token', '--free', '--label', label, '--pin', pin, '--so-pin', randomBytes(6).toString('hex')], {
    env: { ...process.env, SOFTHSM2_CONF: currentConf },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { label, pin };
}

export function createSoftHsmToken(label = 'cardauth-test'): SoftHsmToken {
  if (current) return current;
  const dir = mkdtempSync(join(tmpdir(), 'cardauth-softhsm-'));
  const tokens = join(dir, 'tokens');
  mkdirSync(tokens);
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(conf, `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  process.env['SOFTHSM2_CONF'] = conf;
  const pin = randomBytes(6).toString('hex');
  const soPin = randomBytes(6).toString('hex');
  execFileSync('softhsm2-util', ['--init-token', '--free', '--label', label, '--pin', pin, '--so-pin', soPin], {
    env: { ...process.env, SOFTHSM2_CONF: conf },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const token: SoftHsmToken = {
    library: SOFTHSM_LIBRARY,
    label,
    pin,
    dir,
    cleanup() {
      // libsofthsm2 stays initialised on this directory for the life of the process.
    },
  };
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  current = token;
  currentConf = conf;
  return token;
}
