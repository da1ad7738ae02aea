// One card + PIN authentication at a terminal, start to end (the terminal's
// part of flow 2 in docs/architecture.md):
//   1. refuse a challenge whose text cannot be shown as it is (control
//      characters, bidi overrides, …); rebuild the signing input from the
//      challenge fields to be shown, refuse on any difference (what the
//      citizen sees is what the card signs);
//   2. wait for the card, SELECT PIV, read the 9A certificate;
//   3. show amount, payee, reference, requested attributes and consent text;
//   4. PIN pad → VERIFY → GENERAL AUTHENTICATE 9A (PIN policy ALWAYS), again
//      on a wrong PIN while the card has tries and the pad gives another PIN;
//   5. submit certificate + signature (again, without the PIN, while the
//      service cannot decide: server/deliver-response.ts), show the outcome.
// Every way this can end is a TerminalOutcome; nothing throws to the caller
// but programming errors. The PIN lives only in the pad's buffer, is zeroed
// after the VERIFY, and is never logged or shown.
import { isAppError } from '../errors/app-error.js';
import type { Logger } from '../util/log.js';
import { silentLogger } from '../util/log.js';
import { checkDisplayable } from './check-displayable.js';
import { checkSigningInput } from './check-signing-input.js';
import { describeOutcome, wrongPinStatus } from './describe-outcome.js';
import { readCardCertificate } from './read-card-certificate.js';
import type { ServerConfig } from './server/http.js';
import { deliverResponse, type DeliveryOptions } from './server/deliver-response.js';
import { showTransaction } from './show-transaction.js';
import { signWithPin } from './sign-with-pin.js';
import type { CardSession } from './wait-for-card.js';
import type { PinPad } from '../pin-pad/types.js';
import type { TerminalDisplay, TerminalOutcome } from './types.js';
import type { IssuedChallenge } from '../auth/wire.js';

export interface AuthenticateOptions {
  readonly challenge: IssuedChallenge;
  /** This terminal's registered id; the challenge must be for it. */
  readonly terminalId: string;
  /** Produces the card session: waitForCard(readers, name) for PC/SC, openCardSession(channel) in-process. */
  readonly card: () => Promise<CardSession>;
  readonly display: TerminalDisplay;
  readonly pinPad: PinPad;
  readonly server: ServerConfig;
  /** PIN attempts in this run (default 3; the card's counter decides when it is blocked). */
  readonly maxPinAttempts?: number;
  /** Pauses before resending the response while the service is unavailable (server/deliver-response.ts). */
  readonly retryDelaysMs?: DeliveryOptions['retryDelaysMs'];
  readonly log?: Logger;
}

const CARD_GONE = new Set(['card_removed', 'card_reset', 'no_card', 'card_channel_closed']);

export async function authenticate(opts: AuthenticateOptions): Promise<TerminalOutcome> {
  const log = (opts.log ?? silentLogger).child({ challengeId: opts.challenge.id, terminalId: opts.terminalId });
  let session: CardSession | undefined;
  let outcome: TerminalOutcome;
  try {
    outcome = await run(opts, (s) => (session = s));
  } catch (e) {
    outcome = outcomeOfError(e);
    if (outcome.kind === 'card-error') log.warn('terminal card fault', { code: outcome.code, error: e });
  } finally {
    // Reset on release: the PIN-verified state must not outlive this run.
    await session?.channel.close({ disposition: 'reset' }).catch(() => undefined);
  }
  log.info('terminal run ended', { outcome: outcome.kind, ...('code' in outcome ? { code: outcome.code } : {}) });
  opts.display.showOutcome(outcome, describeOutcome(outcome));
  return outcome;
}

async function run(opts: AuthenticateOptions, keep: (s: CardSession) => void): Promise<TerminalOutcome> {
  const { challenge, display } = opts;
  // Both before the card is touched or the PIN asked for.
  checkDisplayable(challenge);
  const input = checkSigningInput(challenge, opts.terminalId);

  display.status('Insert your ID card', 'insert-card');
  const session = await opts.card();
  keep(session);
  display.status('Reading card…', 'reading-card');
  const cert = await readCardCertificate(session.piv);

  showTransaction(display, challenge);
  const status = await session.piv.pinStatus();
  if (status.state === 'blocked') return { kind: 'pin-blocked' };
  let triesLeft = status.state === 'not-verified' ? status.triesLeft : undefined;

  const max = opts.maxPinAttempts ?? 3;
  let signature: Uint8Array | undefined;
  let lastWrong: TerminalOutcome | undefined;
  for (let attempt = 0; attempt < max && signature === undefined; attempt++) {
    // A card pulled out while the citizen types ends the entry at once.
    const pulled = new AbortController();
    const unsubscribe = session.onRemoved?.(() => pulled.abort());
    let pin: Uint8Array | null;
    try {
      pin = await opts.pinPad.readPin({ prompt: 'Enter your PIN', triesLeft, signal: pulled.signal });
    } finally {
      unsubscribe?.();
    }
    if (pulled.signal.aborted) {
      pin?.fill(0);
      return { kind: 'card-removed' };
    }
    if (pin === null) return lastWrong ?? { kind: 'pin-entry-cancelled' };
    display.status('Signing…', 'signing');
    let r;
    try {
      r = await signWithPin(session.piv, pin, input, cert.publicKey);
    } catch (e) {
      // Refused on the terminal, before the card: the card's counter is untouched.
      if (isAppError(e) && e.code === 'pin_format_invalid') {
        display.status('A PIN is 6 to 8 digits. Try again.', 'pin-format-invalid');
        continue;
      }
      throw e;
    }
    if (r.ok) {
      signature = r.signature;
    } else if (r.reason === 'blocked') {
      return { kind: 'pin-blocked' };
    } else {
      triesLeft = r.triesLeft;
      lastWrong = { kind: 'wrong-pin', triesLeft: r.triesLeft };
      display.status(wrongPinStatus(r.triesLeft), 'wrong-pin');
    }
  }
  if (signature === undefined) return lastWrong ?? { kind: 'pin-entry-cancelled' };

  display.status('Contacting the service…', 'sending');
  const sent = await deliverResponse(
    opts.server,
    { challengeId: challenge.id, terminalId: opts.terminalId, certificate: cert.der, signature, triesLeft },
    {
      ...(opts.retryDelaysMs === undefined ? {} : { retryDelaysMs: opts.retryDelaysMs }),
      onRetry: () => display.status('The service did not answer; trying again (no new PIN needed)…', 'retrying'),
    },
  );
  if (sent.ok) return { kind: 'completed', result: sent.result, claims: sent.claims };
  if (sent.kind === 'refused') return { kind: 'server-refused', code: sent.code, status: sent.status, title: sent.title };
  return { kind: 'server-unavailable', detail: sent.detail };
}

/** Card and terminal faults as outcomes (the card answers themselves are results, not errors). */
export function outcomeOfError(e: unknown): TerminalOutcome {
  if (!isAppError(e)) throw e;
  if (CARD_GONE.has(e.code)) return { kind: 'card-removed' };
  switch (e.code) {
    case 'card_wait_timeout':
    case 'card_wait_aborted':
      return { kind: 'no-card', code: e.code };
    case 'card_not_supported':
    case 'card_protocol_error':
    case 'card_unexpected_status':
      return { kind: 'card-not-supported', detail: e.message };
    case 'challenge_invalid':
    case 'challenge_not_displayable':
    case 'signing_input_mismatch':
      return { kind: 'challenge-refused', code: e.code, detail: e.message };
    case 'pin_entry_cancelled':
      return { kind: 'pin-entry-cancelled' };
    default:
      return { kind: 'card-error', code: e.code };
  }
}
