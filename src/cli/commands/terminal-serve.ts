// `cardauth terminal serve`: the terminal with a screen for the citizen. It
// waits for the work the RP back end makes for this terminal (no challenge id
// typed anywhere), shows the citizen who asks and for what on a local page,
// takes the PIN on that page's pad and gives it to the card, and shows the
// outcome:
//   cardauth terminal serve --server <url> --terminal-id <id> (--reader <name> | --sim-card <card file>)
//                           [--listen 127.0.0.1:8090] [--language km|en] [--rp-key-file <path>]
//                           [--pin-attempts <n>] [--outcome-seconds <n>]
// The key is this terminal's own (`cardauth rp terminal-key`), from
// CARDAUTH_RP_KEY or --rp-key-file. The page is served on a loopback address
// only (a non-loopback --listen is refused): open it in the terminal's
// browser, full screen. With --sim-card, renaming or deleting the card file
// takes the card out, putting it back inserts it (and the page has buttons
// for both). Runs until SIGINT or SIGTERM.
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import type { CardReaders } from '../../card/channel.js';
import { isAppError } from '../../errors/app-error.js';
import { callServer, type ServerConfig } from '../../terminal/server/http.js';
import { parseListenAddress, type ListenAddress } from '../../terminal/screen/listen-address.js';
import { startTerminalScreen } from '../../terminal/screen/start-terminal-screen.js';
import { createLogger } from '../../util/log.js';
import { CliError, type CliIo } from '../io.js';
import { rpCredentialOf } from './rp-credential.js';

const USAGE = `usage: cardauth terminal serve --server <url> --terminal-id <id> (--reader <name> | --sim-card <card file>)
                              [--listen 127.0.0.1:8090] [--language km|en] [--rp-key-file <path>]
                              [--pin-attempts <n>] [--outcome-seconds <n>]
The terminal's own key (cardauth rp terminal-key) comes from CARDAUTH_RP_KEY or --rp-key-file.
The citizen's page is served on a loopback address only.
`;

export interface TerminalServeDeps {
  /** Resolves when the command should stop (default: SIGINT or SIGTERM). */
  readonly stop?: Promise<unknown>;
  readonly openPcsc?: () => Promise<CardReaders>;
  /** Told the page's URL once it is served. */
  readonly onReady?: (url: string) => void;
}

function count(v: string | undefined, name: string, fallback: number): number {
  if (v === undefined) return fallback;
  if (!/^[1-9][0-9]{0,3}$/.test(v)) throw new CliError(`--${name} must be a positive whole number`, 'usage', 2);
  return Number(v);
}

/** The key must be this terminal's: say so now rather than at the first citizen. */
async function checkKey(config: ServerConfig, terminalId: string, io: CliIo): Promise<void> {
  const me = await callServer(config, 'GET', '/v1/rp/me');
  if (me.kind === 'unavailable') {
    io.stderr.write(`cardauth terminal serve: the service did not answer (${me.detail}); waiting for it\n`);
    return;
  }
  if (me.kind === 'refused') throw new CliError(`the service refused the key: ${me.code}`, me.code, 1);
  const bound = (me.body as { terminal?: unknown }).terminal;
  if (bound === undefined) throw new CliError('CARDAUTH_RP_KEY is the RP-wide key; give the terminal its own: cardauth rp terminal-key <rp> --terminal <id>', 'terminal_key_required', 2);
  if (bound !== terminalId) throw new CliError(`the key speaks for terminal ${String(bound).slice(0, 64)}, not ${terminalId}`, 'terminal_not_allowed', 2);
}

export async function runWith(args: string[], io: CliIo, deps: TerminalServeDeps = {}): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        server: { type: 'string' },
        'terminal-id': { type: 'string' },
        reader: { type: 'string' },
        'sim-card': { type: 'string' },
        listen: { type: 'string' },
        language: { type: 'string' },
        'rp-key-file': { type: 'string' },
        'pin-attempts': { type: 'string' },
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
  const { server } = values;
  const terminalId = values['terminal-id'];
  if (server === undefined || terminalId === undefined) throw new CliError(`--server and --terminal-id are required\n${USAGE}`, 'usage', 2);
  if ((values.reader === undefined) === (values['sim-card'] === undefined) || values.reader === '' || values['sim-card'] === '') {
    throw new CliError(`exactly one of --reader / --sim-card is required\n${USAGE}`, 'usage', 2);
  }
  try {
    new URL(server);
  } catch {
    throw new CliError(`--server is not a URL: ${server}`, 'usage', 2);
  }
  let listen: ListenAddress;
  try {
    listen = parseListenAddress(values.listen ?? '127.0.0.1:8090');
  } catch (e) {
    throw new CliError((e as Error).message, 'usage', 2);
  }
  const language = values.language ?? 'km';
  if (language !== 'km' && language !== 'en') throw new CliError('--language must be km or en', 'usage', 2);
  const config: ServerConfig = { url: server, credential: rpCredentialOf(io, values['rp-key-file'], USAGE) };
  await checkKey(config, terminalId, io);

  const log = createLogger({ level: (io.env.CARDAUTH_LOG_LEVEL as 'info' | undefined) ?? 'info', base: { svc: 'cardauth-terminal' } });
  let screen;
  try {
    screen = await startTerminalScreen({
      server: config,
      terminalId,
      card: values.reader !== undefined ? { reader: values.reader } : { simCard: values['sim-card']! },
      listen,
      language,
      maxPinAttempts: count(values['pin-attempts'], 'pin-attempts', 3),
      outcomeMs: count(values['outcome-seconds'], 'outcome-seconds', 8) * 1000,
      log,
      ...(deps.openPcsc ? { openPcsc: deps.openPcsc } : {}),
    });
  } catch (e) {
    if (isAppError(e)) throw new CliError(e.message, e.code, 1);
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new CliError(`${values.listen ?? '127.0.0.1:8090'} is in use; choose another --listen`, 'address_in_use', 1);
    throw e;
  }
  const stop = deps.stop ?? Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
  io.stdout.write(`terminal ${terminalId}: the citizen's screen is on ${screen.url} (service ${server}); stop with Ctrl-C\n`);
  deps.onReady?.(screen.url);
  await stop;
  await screen.stop();
  return 0;
}

export const run = (args: string[], io: CliIo): Promise<number> => runWith(args, io);
