// `cardauth <command> …`: the table of commands. Each command lives in its own
// module under commands/ and is loaded only when asked for.
import { applyEmbeddedKeyPassphrase } from '../composition/embedded-defaults.js';
import { applySecretFiles } from '../composition/secret-files.js';
import { isAppError } from '../errors/app-error.js';
import { isCliError, processIo, type CliCommand, type CliIo } from './io.js';

type Loader = () => Promise<{ run: CliCommand }>;

const commands = {
  ca: () => import('./commands/ca.js'),
  serve: () => import('./commands/serve.js'),
  enrol: () => import('./commands/enrol.js'),
  issue: () => import('./commands/issue.js'),
  card: () => import('./commands/card.js'),
  rp: () => import('./commands/rp.js'),
  db: () => import('./commands/db.js'),
  staff: () => import('./commands/staff.js'),
  audit: () => import('./commands/audit.js'),
  terminal: () => import('./commands/terminal.js'),
  stock: () => import('./commands/stock.js'),
  station: () => import('./commands/station.js'),
  sandbox: () => import('./commands/sandbox.js'),
  sign: () => import('./commands/sign.js'),
} as const satisfies Record<string, Loader>;

function usage(): string {
  return `usage: cardauth <command> [options]\n\ncommands:\n${Object.keys(commands)
    .sort()
    .map((c) => `  ${c}`)
    .join('\n')}\n`;
}

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  const load = (commands as Record<string, Loader>)[name];
  if (!load) {
    io.stderr.write(`cardauth: unknown command '${name}'\n${usage()}`);
    return 2;
  }
  // The embedded default's key passphrase (see embedded-defaults.ts): created
  // by the commands that create keys, found by every other command.
  // Against a running service (--server, CARDAUTH_SERVER, stations) a command
  // opens no data directory, so it looks for no passphrase there either.
  const createsKeys = name === 'serve' || (name === 'ca' && rest[0] === 'init');
  // The sandbox makes its own data directory and passphrase (src/sandbox/start-sandbox.ts).
  const remote = name !== 'serve' && (name === 'station' || rest.some((a) => a === '--server' || a.startsWith('--server=')) || Boolean(io.env.CARDAUTH_SERVER));
  if (!remote && name !== 'sandbox') applyEmbeddedKeyPassphrase(io.env, { create: createsKeys });
  try {
    applySecretFiles(io.env);
    const { run } = await load();
    return await run(rest, io);
  } catch (err) {
    if (isCliError(err)) {
      io.stderr.write(`cardauth ${name}: ${err.message} [${err.code}]\n`);
      return err.exitCode;
    }
    if (isAppError(err) && err.code === 'config_invalid') {
      io.stderr.write(`cardauth ${name}: ${err.message} [${err.code}]\n`);
      return 2;
    }
    throw err;
  }
}
