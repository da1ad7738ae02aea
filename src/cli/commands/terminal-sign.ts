// `cardauth terminal sign`: a citizen signs a document at a terminal with the
// ID card's signature key (docs/signing.md):
//   cardauth terminal sign --reader <name> --server <url> --request <sr_…>
//                          [--terminal-id <id>] [--rp-key-file <path>] [--out <file>]
//                          [--card-timeout <seconds>] [--pin-attempts <n>]
//   cardauth terminal sign --sim-card <card file> --server <url> --request <sr_…> …
// The request is read from the server (GET /v1/sign/requests/{id}); the
// screen shows who asks, the title, the summary and the digest's
// fingerprint; the PIN is read masked from the terminal, or one per line
// from standard input. On success `signed: <level>` is printed and, with
// --out, the signed PDF (PAdES) or the detached CMS (CAdES, DER) written
// there; a failure prints `error: <code>` on standard error and exits 1.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { CardReaders } from '../../card/channel.js';
import { openCardFileReaders } from '../../card/in-process-card-file.js';
import { isAppError } from '../../errors/app-error.js';
import { streamPinPad } from '../../pin-pad/stream-pin-pad.js';
import { ttyPinPad } from '../../pin-pad/tty-pin-pad.js';
import type { ServerConfig } from '../../terminal/server/http.js';
import { describeSignOutcome, signOutcomeCode } from '../../terminal/sign/describe-sign-outcome.js';
import { fetchSignRequest } from '../../terminal/sign/server.js';
import { signDocument } from '../../terminal/sign/sign-document.js';
import { streamDocumentDisplay } from '../../terminal/sign/stream-document-display.js';
import type { SignOutcome } from '../../terminal/sign/types.js';
import { waitForCard } from '../../terminal/wait-for-card.js';
import { CliError, type CliIo } from '../io.js';
import { SIM_CARD_READER, type TerminalCommandDeps } from './terminal-deps.js';

const USAGE = `usage: cardauth terminal sign --reader <name> --server <url> --request <sr_…>
                              [--terminal-id <id>] [--rp-key-file <path>] [--out <file>] [--card-timeout <seconds>] [--pin-attempts <n>]
       cardauth terminal sign --sim-card <card file> --server <url> --request <sr_…> […]
The relying party's API key comes from CARDAUTH_RP_KEY or --rp-key-file.
`;

function credentialOf(io: CliIo, file: string | undefined): string {
  let raw: string | undefined;
  if (file !== undefined) {
    try {
      raw = readFileSync(file, 'utf8');
    } catch {
      throw new CliError(`cannot read the RP key file ${file}`, 'usage', 2);
    }
  } else {
    raw = io.env.CARDAUTH_RP_KEY;
  }
  const key = raw?.trim();
  if (!key) throw new CliError(`no RP credential: set CARDAUTH_RP_KEY or pass --rp-key-file\n${USAGE}`, 'usage', 2);
  return key.replace(/^Bearer\s+/i, '');
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
        request: { type: 'string' },
        'terminal-id': { type: 'string' },
        'rp-key-file': { type: 'string' },
        out: { type: 'string' },
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
  const simCard = values['sim-card'];
  if ((values.reader === undefined) === (simCard === undefined)) throw new CliError(`exactly one of --reader / --sim-card is required\n${USAGE}`, 'usage', 2);
  if (values.server === undefined || values.request === undefined) throw new CliError(`--server and --request are required\n${USAGE}`, 'usage', 2);
  try {
    new URL(values.server);
  } catch {
    throw new CliError(`--server is not a URL: ${values.server}`, 'usage', 2);
  }
  const config: ServerConfig = { url: values.server, credential: credentialOf(io, values['rp-key-file']), ...(deps.fetch ? { fetch: deps.fetch } : {}) };
  const fail = (code: string, message: string): number => {
    io.stdout.write(`${message}\n`);
    io.stderr.write(`error: ${code}\n`);
    return 1;
  };
  let fetched;
  try {
    fetched = await fetchSignRequest(config, values.request);
  } catch (e) {
    if (isAppError(e)) return fail(e.code, e.message);
    throw e;
  }
  if (!fetched.ok) {
    const o: SignOutcome = fetched.kind === 'refused' ? { kind: 'server-refused', code: fetched.code, status: fetched.status, title: fetched.title } : { kind: 'server-unavailable', detail: fetched.detail };
    return fail(signOutcomeCode(o)!, describeSignOutcome(o));
  }
  const reader = values.reader ?? SIM_CARD_READER;
  let readers: CardReaders;
  try {
    readers = simCard === undefined ? await deps.openReaders() : await openCardFileReaders(simCard, SIM_CARD_READER);
  } catch (e) {
    if (isAppError(e)) return fail(e.code, e.message);
    throw e;
  }
  try {
    const stdin = io.stdin as CliIo['stdin'] & { setRawMode?: (on: boolean) => unknown };
    const outcome = await signDocument({
      request: fetched.request,
      terminalId: values['terminal-id'] ?? fetched.request.terminalId,
      card: () => waitForCard(readers, reader, { timeoutMs: positiveInt(values['card-timeout'], 'card-timeout', 120) * 1000 }),
      display: streamDocumentDisplay(io.stdout),
      pinPad: stdin.isTTY ? ttyPinPad(stdin, io.stdout) : streamPinPad(stdin, io.stderr),
      server: config,
      maxPinAttempts: positiveInt(values['pin-attempts'], 'pin-attempts', 3),
    });
    if (outcome.kind === 'signed') {
      if (values.out !== undefined) writeFileSync(values.out, Buffer.from(outcome.pdf ?? outcome.cms, 'base64'));
      io.stdout.write(`signed: CAdES ${outcome.level}${outcome.pdf ? ' (PAdES)' : ''}${values.out ? `, written to ${values.out}` : ''}\n`);
      return 0;
    }
    io.stderr.write(`error: ${signOutcomeCode(outcome)}\n`);
    return 1;
  } finally {
    io.stdin.pause();
    await readers.close().catch(() => undefined);
  }
}
