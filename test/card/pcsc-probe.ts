// Child-process probe for the PC/SC tests that need a pcscd of their own
// (test/e2e/piv-client-pcscd.test.ts). libpcsclite picks its socket once per
// process, so each situation runs in a fresh process:
//   open                                  → PcscReaders.open() against whatever pcscd the
//                                           environment points at; prints the outcome as JSON
//   restart <card-file> <port> <conf-dir> → (inside a private mount namespace, /run/pcscd
//                                           on a tmpfs) runs its own pcscd with one vpcd
//                                           reader on <port>, a firmware-sim card on it,
//                                           then stops and restarts pcscd and reports
//                                           what the reader set saw, as JSON
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { PcscReaders } from '../../src/card/pcsc/index.js';
import { isCardError } from '../../src/card/codes.js';
import { PivClient } from '../../src/card/piv/client.js';
import { REPO_ROOT, waitFor } from '../support/pcsc.js';
import { existsSync } from 'node:fs';

const [mode, ...args] = process.argv.slice(2);
const out = (v: unknown): void => {
  process.stdout.write(JSON.stringify(v) + '\n');
};

function describeError(e: unknown): { code: string | undefined; message: string } {
  return { code: (e as { code?: string }).code, message: (e as Error).message };
}

async function probeOpen(): Promise<void> {
  try {
    const r = await PcscReaders.open({ startTimeoutMs: 5000 });
    out({ ok: true, readers: (await r.list()).map((x) => x.name) });
    await r.close();
  } catch (e) {
    out({ ok: false, ...describeError(e) });
  }
}

function startPcscd(confDir: string): ChildProcess {
  return spawn('pcscd', ['-f', '-c', confDir], { stdio: 'ignore' });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  await exited;
}

async function probeRestart(cardFile: string, port: number, confDir: string): Promise<void> {
  const readerName = 'Private VPCD 00 00';
  const events: string[] = [];
  let pcscd = startPcscd(confDir);
  let sim: ChildProcess | undefined;
  let readers: PcscReaders | undefined;
  try {
    await waitFor(() => existsSync('/run/pcscd/pcscd.comm'), { what: 'private pcscd socket' });
    sim = spawn(process.execPath, [join(REPO_ROOT, 'firmware-sim', 'bin.js'), 'run', cardFile, '--vpcd-port', String(port), '--exit-with-parent'], { stdio: 'ignore', cwd: REPO_ROOT });
    readers = await waitFor(async () => PcscReaders.open({ retryIntervalMs: 200 }).catch(() => undefined), { what: 'reader set' });
    for (const ev of ['inserted', 'removed', 'reader-added', 'reader-removed'] as const) {
      readers.on(ev, (e) => events.push(`${ev} ${e.reader}`));
    }
    await waitFor(async () => (await readers!.list()).some((r) => r.name === readerName), { what: 'the private vpcd reader' });
    await readers.waitForCard(readerName, { timeoutMs: 30_000 });
    const piv = new PivClient(await readers.connect(readerName));
    const before = await piv.getSerial().catch((e) => describeError(e));
    const selected = (await piv.select()).ok;

    // pcscd goes away while we hold a channel.
    const removed = new Promise<void>((r) => readers!.on('reader-removed', (e) => e.reader === readerName && r()));
    await stopChild(pcscd);
    await removed;
    const whileDown = await piv.getSerial().then(
      (v) => ({ unexpected: v }),
      (e) => describeError(e),
    );
    const listWhileDown = (await readers.list()).map((r) => r.name);

    // pcscd comes back; the card process reconnects to it; the reader set follows.
    pcscd = startPcscd(confDir);
    const back = await waitFor(
      async () => ((await readers!.list()).some((r) => r.name === readerName) ? true : undefined),
      { what: 'the reader to come back', timeoutMs: 30_000 },
    );
    const info = await readers.waitForCard(readerName, { timeoutMs: 30_000 });
    const again = new PivClient(await readers.connect(readerName));
    const selectedAgain = (await again.select()).ok;
    const after = await again.getSerial();
    await again.channel.close();
    out({ before, selected, whileDown, oldChannelOpen: piv.channel.isOpen, listWhileDown, back, cardPresent: info.cardPresent, selectedAgain, after, events });
  } catch (e) {
    out({ failed: describeError(e), events });
  } finally {
    await readers?.close();
    if (sim !== undefined) await stopChild(sim);
    await stopChild(pcscd);
  }
}

const keepAlive = setInterval(() => undefined, 1000);
try {
  if (mode === 'open') await probeOpen();
  else if (mode === 'restart') await probeRestart(args[0]!, Number(args[1]), args[2]!);
  else out({ failed: { code: undefined, message: `unknown mode ${mode}` } });
} catch (e) {
  out({ failed: describeError(e), cardError: isCardError(e) });
} finally {
  clearInterval(keepAlive);
}
