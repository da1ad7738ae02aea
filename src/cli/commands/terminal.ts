// `cardauth terminal`: complete one challenge at a PC/SC reader (the
// terminal client in a scriptable form), or with a simulated card in this
// process (the same client drives the in-process card, so the embedded
// default needs no pcscd):
//   cardauth terminal --reader <name> --server <url> --challenge <id>
//                     [--terminal-id <id>] [--rp-key-file <path>]
//                     [--card-timeout <seconds>] [--pin-attempts <n>]
//   cardauth terminal --reader <name> --server <url> --challenge-file <path> …
//   cardauth terminal --sim-card <card file> --server <url> …
// --sim-card opens a firmware-sim card file (`firmware-sim manufacture`, then
// `cardauth issue`) in an in-process reader instead of PC/SC, so the embedded
// default needs no pcscd; the card's PIN counter changes are written to the
// file as they are behind vpcd. Exactly one of --reader / --sim-card.
// The RP credential comes from the environment variable CARDAUTH_RP_KEY or
// from --rp-key-file (never from an argument: arguments are visible to every
// user of the machine). --challenge reads the pending challenge from the
// server (GET /v1/auth/challenges/{id}); --challenge-file takes the JSON the
// RP back end got from POST /v1/auth/challenges. The PIN is read masked from
// the terminal, or one per line from standard input when it is not a
// terminal. Standard output gets the screen and, on success, the signed
// result; a failure prints `error: <code>` on standard error and exits 1.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { CardReaders } from '../../card/channel.js';
import { authenticate } from '../../terminal/authenticate.js';
import { describeOutcome, outcomeCode } from '../../terminal/describe-outcome.js';
import { streamDisplay } from '../../terminal/display/stream-display.js';
import { parseChallenge } from '../../terminal/parse-challenge.js';
import { streamPinPad } from '../../pin-pad/stream-pin-pad.js';
import { ttyPinPad } from '../../pin-pad/tty-pin-pad.js';
import { fetchChallenge } from '../../terminal/server/fetch-challenge.js';
import type { ServerConfig } from '../../terminal/server/http.js';
import type { TerminalOutcome } from '../../terminal/types.js';
import type { IssuedChallenge } from '../../auth/wire.js';
import { waitForCard } from '../../terminal/wait-for-card.js';
import { isAppError } from '../../errors/app-error.js';
import { openCardFileReaders } from '../../card/in-process-card-file.js';
import { CliError, type CliIo } from '../io.js';
import { rpCredentialOf } from './rp-credential.js';

const USAGE = `usage: cardauth terminal serve … (the terminal with the citizen's screen; cardauth terminal serve --help)
       cardauth terminal --reader <name> --server <url> (--challenge <id> | --challenge-file <path>)
                         [--terminal-id <id>] [--rp-key-file <path>] [--card-timeout <seconds>] [--pin-attempts <n>]
       cardauth terminal --sim-card <card file> --server <url> (--challenge <id> | --challenge-file <path>) […]
--reader takes the card in a PC/SC reader; --sim-card a simulated card file (firmware-sim) in this process, no pcscd.
The relying party's API key comes from CARDAUTH_RP_KEY or --rp-key-file.
`;

/** The in-process reader a --sim-card card is put in (a fixed name: there is only this one). */
import { SIM_CARD_READER, type TerminalCommandDeps } from './terminal-deps.js';
export { SIM_CARD_READER, type TerminalCommandDeps };

const openPcsc = async (): Promise<CardReaders> => {
  const { PcscReaders } = await import('../../card/pcsc/index.js');
  return PcscReaders.open();
};

export async function run(args: string[], io: CliIo): Promise<number> {
  // `cardauth terminal serve`: the terminal with the citizen's page (./terminal-serve.ts).
  if (args[0] === 'serve') return (await import('./terminal-serve.js')).run(args.slice(1), io);
  // `cardauth terminal sign …`: sign a document (terminal-sign.ts).
  if (args[0] === 'sign') return (await import('./terminal-sign.js')).runWith(args.slice(1), io, { openReaders: openPcsc });
  return runWith(args, io, { openReaders: openPcsc });
}

function positiveInt(v: string | undefined, name: string, fallback: number): number {
  if (v === undefined) return fallback;
  if (!/^[1-9][0-9]{0,5}$/.test(v)) throw new CliError(`--${name} must be a positive whole number`, 'usage', 2);
  return Number(v);
}

export async function runWith(args: string[], io: CliIo, deps: TerminalCommandDeps): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        reader: { type: 'string' },
        'sim-card': { type: 'string' },
        server: { type: 'string' },
        challenge: { type: 'string' },
        'challenge-file': { type: 'string' },
        'terminal-id': { type: 'string' },
        'rp-key-file': { type: 'string' },
        'card-timeout': { type: 'string' },
        'pin-attempts': { type: 'string' },
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
  const simCard = values['sim-card'];
  if ((values.reader === undefined) === (simCard === undefined)) {
    throw new CliError(`exactly one of --reader / --sim-card is required\n${USAGE}`, 'usage', 2);
  }
  if (simCard === '') throw new CliError(`--sim-card needs a card file\n${USAGE}`, 'usage', 2);
  if (server === undefined || (values.challenge === undefined) === (values['challenge-file'] === undefined)) {
    throw new CliError(`--server and one of --challenge / --challenge-file are required\n${USAGE}`, 'usage', 2);
  }
  const reader = values.reader ?? SIM_CARD_READER;
  try {
    new URL(server);
  } catch {
    throw new CliError(`--server is not a URL: ${server}`, 'usage', 2);
  }
  const config: ServerConfig = { url: server, credential: rpCredentialOf(io, values['rp-key-file'], USAGE), ...(deps.fetch ? { fetch: deps.fetch } : {}) };
  const cardTimeoutMs = positiveInt(values['card-timeout'], 'card-timeout', 120) * 1000;
  const maxPinAttempts = positiveInt(values['pin-attempts'], 'pin-attempts', 3);

  const fail = (code: string, message: string): number => {
    io.stdout.write(`${message}\n`);
    io.stderr.write(`error: ${code}\n`);
    return 1;
  };

  let challenge: IssuedChallenge;
  try {
    if (values['challenge-file'] !== undefined) {
      let unverified: unknown;
      try {
        unverified = JSON.parse(readFileSync(values['challenge-file'], 'utf8'));
      } catch {
        throw new CliError(`cannot read a challenge JSON from ${values['challenge-file']}`, 'usage', 2);
      }
      challenge = parseChallenge(unverified);
    } else {
      const r = await fetchChallenge(config, values.challenge!);
      if (!r.ok) {
        const o: TerminalOutcome = r.kind === 'refused' ? { kind: 'server-refused', code: r.code, status: r.status, title: r.title } : { kind: 'server-unavailable', detail: r.detail };
        return fail(outcomeCode(o)!, describeOutcome(o));
      }
      challenge = r.challenge;
    }
  } catch (e) {
    if (isAppError(e)) return fail(e.code, e.message);
    throw e;
  }

  let readers: CardReaders;
  try {
    readers =
      simCard === undefined
        ? await deps.openReaders()
        : await openCardFileReaders(simCard, SIM_CARD_READER, {
            // The card answered 6F00 and kept its NVM: say where, never what (no card data on the screen).
            onFault: (_e, ins) => io.stderr.write(`cardauth terminal: the simulated card had an internal fault on INS ${ins?.toString(16).padStart(2, '0') ?? '??'}\n`),
          });
  } catch (e) {
    if (isAppError(e)) return fail(e.code, e.message);
    throw e;
  }
  try {
    const stdin = io.stdin as CliIo['stdin'] & { setRawMode?: (on: boolean) => unknown };
    const pinPad = stdin.isTTY ? ttyPinPad(stdin, io.stdout) : streamPinPad(stdin, io.stderr);
    const outcome = await authenticate({
      challenge,
      terminalId: values['terminal-id'] ?? challenge.terminalId,
      card: () => waitForCard(readers, reader, { timeoutMs: cardTimeoutMs }),
      display: streamDisplay(io.stdout),
      pinPad,
      server: config,
      maxPinAttempts,
    });
    if (outcome.kind === 'completed') {
      io.stdout.write(`result: ${outcome.result}\n`);
      return 0;
    }
    io.stderr.write(`error: ${outcomeCode(outcome)}\n`);
    return 1;
  } finally {
    // Let the process exit: a stream PIN pad leaves standard input flowing.
    io.stdin.pause();
    await readers.close().catch(() => undefined);
  }
}
