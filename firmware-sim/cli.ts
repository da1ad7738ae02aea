// The `firmware-sim` command (package bin): manufacture blank cards, put a card
// in a vpcd reader, show a card's public state, print the manufacturer root.
//   firmware-sim manufacture --serial <n> --out <card-file> [--factory-dir <dir>]
//   firmware-sim run <card-file> [--vpcd-port 35963] [--host 127.0.0.1] [--exit-with-parent]
//     (one process per card file: <card-file>.lock holds the owner's pid)
//   firmware-sim show <card-file>
//   firmware-sim factory-root [--factory-dir <dir>]
// Errors: one line on stderr and a non-zero exit status.

import { parseArgs } from 'node:util';
import { VirtualCard } from './card/virtual-card.js';
import { lockCardFile } from './card/lock.js';
import { describeCard } from './card/describe.js';
import { manufactureCard } from './factory/manufacture.js';
import { openFactory } from './factory/root.js';
import { runOnVpcd } from './transport/vpcd.js';

const USAGE = `usage:
  firmware-sim manufacture --serial <n> --out <card-file> [--factory-dir <dir>]
  firmware-sim run <card-file> [--vpcd-port 35963] [--host 127.0.0.1] [--exit-with-parent]
  firmware-sim show <card-file>
  firmware-sim factory-root [--factory-dir <dir>]`;

class UsageError extends Error {}

function parsePort(v: string | undefined): number {
  const port = Number(v ?? '35963');
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`invalid port: ${v}`);
  return port;
}

async function manufacture(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args, options: { serial: { type: 'string' }, out: { type: 'string' }, 'factory-dir': { type: 'string' } },
  });
  if (values.serial === undefined || values.out === undefined) throw new UsageError('manufacture needs --serial and --out');
  if (!/^[0-9]+$/.test(values.serial)) throw new UsageError(`invalid serial: ${values.serial}`);
  await manufactureCard({ serial: Number(values.serial), out: values.out, factoryDir: values['factory-dir'] });
  process.stdout.write(`manufactured serial=${values.serial} file=${values.out}\n`);
  return 0;
}

async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: { 'vpcd-port': { type: 'string' }, host: { type: 'string' }, 'exit-with-parent': { type: 'boolean' } },
  });
  const file = positionals[0];
  if (file === undefined || positionals.length > 1) throw new UsageError('run needs exactly one <card-file>');
  const port = parsePort(values['vpcd-port']);
  const lock = await lockCardFile(file);
  let card: VirtualCard;
  try {
    card = await VirtualCard.open(file, {
      onFault: (e, ins) => process.stderr.write(
        `firmware-sim: internal fault on INS ${ins?.toString(16).padStart(2, '0') ?? '??'}, answered 6F00: ${e instanceof Error ? e.message : String(e)}\n`,
      ),
    });
  } catch (e) {
    await lock.release();
    throw e;
  }
  let announced = false;
  const link = runOnVpcd(card, {
    port,
    host: values.host,
    onConnected: () => {
      // One readiness line for scripts; later reconnections are quiet on stdout.
      if (!announced) process.stdout.write(`ready port=${port} serial=${card.serial}\n`);
      else process.stderr.write(`firmware-sim: reconnected to vpcd port ${port}\n`);
      announced = true;
    },
    onDisconnected: () => process.stderr.write(`firmware-sim: vpcd port ${port} disconnected, reconnecting\n`),
  });
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    if (values['exit-with-parent']) {
      // Test harnesses: do not outlive the process that started us (a card left
      // in a reader would keep the reader busy for the next test run).
      const parent = process.ppid;
      const t = setInterval(() => {
        if (process.ppid !== parent) {
          clearInterval(t);
          resolve();
        }
      }, 500);
      t.unref();
      process.once('SIGTERM', () => clearInterval(t));
      process.once('SIGINT', () => clearInterval(t));
    }
  });
  await link.close();
  await lock.release();
  return 0;
}

async function show(args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  const file = positionals[0];
  if (file === undefined || positionals.length > 1) throw new UsageError('show needs exactly one <card-file>');
  process.stdout.write(JSON.stringify(await describeCard(file), null, 2) + '\n');
  return 0;
}

async function factoryRoot(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { 'factory-dir': { type: 'string' } } });
  process.stdout.write((await openFactory(values['factory-dir'])).certPem);
  return 0;
}

const COMMANDS: Readonly<Record<string, (args: string[]) => Promise<number>>> = {
  manufacture,
  run,
  show,
  'factory-root': factoryRoot,
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    process.stdout.write(USAGE + '\n');
    return name === undefined ? 2 : 0;
  }
  const cmd = COMMANDS[name];
  if (cmd === undefined) {
    process.stderr.write(`firmware-sim: unknown command "${name}"\n${USAGE}\n`);
    return 2;
  }
  try {
    return await cmd(rest);
  } catch (e) {
    const usage = e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(`firmware-sim ${name}: ${msg}\n`);
    return usage ? 2 : 1;
  }
}
