// `cardauth sandbox`: the embedded default with test material ready, for a
// bank to try cardauth in five minutes (src/sandbox/start-sandbox.ts).
//   cardauth sandbox [--dir .sandbox] [--port-base 8180] [--host 127.0.0.1] [--language km|en]
// Ports: the service on --port-base, the cashier page on the next one, then
// one terminal screen per test card (0: free ports). Runs until SIGINT or SIGTERM.
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { isLoopback } from '../../terminal/screen/listen-address.js';
import { describeSandbox } from '../../sandbox/describe-sandbox.js';
import { startSandbox } from '../../sandbox/start-sandbox.js';
import { createLogger } from '../../util/log.js';
import { CliError, type CliIo } from '../io.js';

const USAGE = `usage: cardauth sandbox [--dir .sandbox] [--port-base 8180] [--host 127.0.0.1] [--language km|en] [--outcome-seconds 8]
Starts the service with a sandbox CA, test citizens with simulated cards, a demo relying party,
a terminal screen per card and a cashier page. Test material only: not for production.
`;

export interface SandboxDeps {
  readonly stop?: Promise<unknown>;
}

export async function runWith(args: string[], io: CliIo, deps: SandboxDeps = {}): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        dir: { type: 'string' },
        'port-base': { type: 'string' },
        host: { type: 'string' },
        language: { type: 'string' },
        'outcome-seconds': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new CliError(`${(e as Error).message}\n${USAGE}`, 'usage', 2);
  }
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  const portBase = values['port-base'] ?? '8180';
  if (!/^[0-9]{1,5}$/.test(portBase) || Number(portBase) > 65_000) throw new CliError('--port-base must be a port number (0: free ports)', 'usage', 2);
  const host = values.host ?? '127.0.0.1';
  // The terminal screens take PINs: this machine only.
  if (!isLoopback(host)) throw new CliError('--host must be a loopback address: the sandbox serves PIN screens', 'usage', 2);
  const language = values.language ?? 'km';
  if (language !== 'km' && language !== 'en') throw new CliError('--language must be km or en', 'usage', 2);
  const outcome = values['outcome-seconds'] ?? '8';
  if (!/^[1-9][0-9]{0,3}$/.test(outcome)) throw new CliError('--outcome-seconds must be a positive whole number', 'usage', 2);

  const stop = deps.stop ?? Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
  io.stderr.write('cardauth sandbox: creating the sandbox CA, test cards and the demo bank (about half a minute)…\n');
  let sandbox;
  try {
    sandbox = await startSandbox({
      dir: values.dir ?? '.sandbox',
      portBase: Number(portBase),
      host,
      language,
      outcomeMs: Number(outcome) * 1000,
      env: io.env,
      log: createLogger({ level: (io.env.CARDAUTH_LOG_LEVEL as 'warn' | undefined) ?? 'warn', base: { svc: 'cardauth-sandbox' } }),
    });
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new CliError(`a sandbox port is in use (${(e as Error).message}); choose another --port-base`, 'address_in_use', 1);
    if (typeof code === 'string' && e instanceof Error) throw new CliError(e.message, code, 1);
    if (e instanceof Error && /not a sandbox directory/.test(e.message)) throw new CliError(e.message, 'usage', 2);
    throw e;
  }
  io.stdout.write(describeSandbox(sandbox));
  await stop;
  io.stderr.write('cardauth sandbox: stopping\n');
  await sandbox.stop();
  return 0;
}

export const run = (args: string[], io: CliIo): Promise<number> => runWith(args, io);
