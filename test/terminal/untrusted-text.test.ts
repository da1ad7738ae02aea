// The terminal does not trust the server with its screen: a challenge whose
// payee, reference, consent text, amount or attribute names carry control
// characters, ANSI sequences, bidi overrides, zero-width characters or a lone
// surrogate is refused with challenge_not_displayable before the card is
// opened, before the PIN is asked for, and nothing is signed or submitted —
// even when the malicious server computed a signing input that matches the
// text (so nothing but the display check stands in the way). Legitimate
// Khmer text and line-broken consent are shown, each line indented, and the
// run completes. In-process card and readers, the in-memory server of
// ./support.ts, and the CLI with --challenge-file.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import type { IssuedChallenge } from '../../src/auth/wire.js';
import type { TerminalId } from '../../src/rp/ids.js';
import { InProcessReaders } from '../../src/card/in-process.js';
import { runWith } from '../../src/cli/commands/terminal.js';
import type { CliIo } from '../../src/cli/io.js';
import { authenticate } from '../../src/terminal/authenticate.js';
import { checkSigningInput } from '../../src/terminal/check-signing-input.js';
import { outcomeCode } from '../../src/terminal/describe-outcome.js';
import { streamDisplay, wrap } from '../../src/terminal/display/stream-display.js';
import { parseChallenge } from '../../src/terminal/parse-challenge.js';
import { callServer } from '../../src/terminal/server/http.js';
import type { TerminalDisplay, TerminalOutcome, TransactionView } from '../../src/terminal/types.js';
import type { PinPad } from '../../src/pin-pad/types.js';
import { waitForCard } from '../../src/terminal/wait-for-card.js';
import { CITIZEN_PIN, useCardFactory, fakeServer, type CardFactory, type FakeServer } from './support.js';

const READER = 'Terminal reader 0';
const TERMINAL = 'atm-7' as TerminalId;
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest();

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _e: string, cb: () => void): void {
    this.text += chunk.toString('utf8');
    cb();
  }
}

class RecordingDisplay implements TerminalDisplay {
  readonly views: TransactionView[] = [];
  outcome: TerminalOutcome | undefined;
  status(): void {}
  showTransaction(view: TransactionView): void {
    this.views.push(view);
  }
  showOutcome(o: TerminalOutcome): void {
    this.outcome = o;
  }
}

function countingPad(pins: string[]): PinPad & { asked: number } {
  const pad = {
    asked: 0,
    async readPin() {
      pad.asked++;
      const next = pins.shift();
      return next === undefined ? null : Buffer.from(next, 'ascii');
    },
  };
  return pad;
}

type Fields = Partial<Pick<IssuedChallenge, 'consentText'>> & {
  transaction?: Record<string, string> | null;
  requestedAttributes?: string[];
};

/**
 * What a malicious server sends: a real challenge with fields replaced, its
 * signing input recomputed over them (RFC 8785 text of string-only objects
 * with sorted keys is JSON.stringify's), then through JSON as on the wire.
 */
function forge(ch: IssuedChallenge, fields: Fields): unknown {
  const transaction = fields.transaction === undefined ? ch.transaction : fields.transaction;
  const text = transaction ? JSON.stringify(Object.fromEntries(Object.entries(transaction).sort(([a], [b]) => (a < b ? -1 : 1)))) : '';
  const nonce = Buffer.from(ch.nonce, 'base64url');
  const parts = [sha256(ch.rpId), sha256(nonce), sha256(ch.terminalId), sha256(text)];
  const input = sha256(Buffer.concat([Buffer.from('cardauth/v1'), Buffer.of(0), ...parts]));
  const forged = {
    ...ch,
    ...fields,
    transaction,
    signingInput: {
      ...ch.signingInput,
      transactionCanonical: text,
      transactionSha256: parts[3]!.toString('hex'),
      input: input.toString('hex'),
    },
  };
  return JSON.parse(JSON.stringify(forged));
}

describe('terminal: text from a malicious server is refused, never shown or signed', function () {
  this.timeout(60_000);
  let cards: CardFactory;
  let server: FakeServer;
  let readers: InProcessReaders;

  useCardFactory((c) => (cards = c));
  beforeEach(async () => {
    server = fakeServer();
    readers = new InProcessReaders([READER]);
    await readers.insert(READER, (await cards.citizenCard()).card);
  });
  afterEach(async () => {
    await readers.close();
  });

  const payment = { terminalId: TERMINAL, transaction: { amount: '25000.00', currency: 'KHR', payee: 'Phnom Penh Water Supply', reference: 'INV-2026-0042' } };
  const consentRequest = { terminalId: TERMINAL, requestedAttributes: ['givenName' as const], consentText: 'Share your given name with the bank.' };

  /** One run: how it ended, whether the card was opened, the PIN asked, anything submitted. */
  async function run(unverified: unknown) {
    const challenge = parseChallenge(unverified);
    const display = new RecordingDisplay();
    const pad = countingPad([CITIZEN_PIN]);
    let cardOpened = 0;
    const outcome = await authenticate({
      challenge,
      terminalId: TERMINAL,
      card: () => {
        cardOpened++;
        return waitForCard(readers, READER, { timeoutMs: 5_000 });
      },
      display,
      pinPad: pad,
      server: { url: server.url, credential: server.credential, fetch: server.fetch },
    });
    return { outcome, display, pinAsked: pad.asked, cardOpened, submitted: server.requests.filter((r) => r.method === 'POST').length };
  }

  async function assertRefusedBeforeCard(unverified: unknown, field: string): Promise<void> {
    const r = await run(unverified);
    assert.equal(r.outcome.kind, 'challenge-refused', JSON.stringify(r.outcome));
    assert.equal(outcomeCode(r.outcome), 'challenge_not_displayable');
    assert.match((r.outcome as { detail: string }).detail, new RegExp(field.replace('.', '\\.')));
    assert.equal(r.cardOpened, 0, 'no card command');
    assert.equal(r.pinAsked, 0, 'no PIN prompt');
    assert.deepEqual(r.display.views, [], 'nothing shown');
    assert.equal(r.submitted, 0, 'nothing submitted');
    assert.equal(r.display.outcome, r.outcome, 'the refusal is shown');
  }

  it('an ANSI sequence in the payee (redrawing the Amount line) is refused before any card command or PIN prompt, though its signing input matches', async () => {
    const ch = await server.create(payment);
    const forged = forge(ch, { transaction: { ...payment.transaction, payee: 'Water\x1b[1A\x1b[2KAmount:    1.00 KHR' } });
    // The forgery is self-consistent: the signing-input check alone would let it through.
    assert.doesNotThrow(() => checkSigningInput(parseChallenge(forged), TERMINAL));
    await assertRefusedBeforeCard(forged, 'transaction.payee');
  });

  it('CR in the reference, U+202E or a zero-width space in the payee, C1 CSI in the consent are refused the same way', async () => {
    const ch = await server.create(payment);
    await assertRefusedBeforeCard(forge(ch, { transaction: { ...payment.transaction, reference: 'INV-1\rAmount:    1.00 KHR' } }), 'transaction.reference');
    await assertRefusedBeforeCard(forge(ch, { transaction: { ...payment.transaction, payee: 'Water \u202e00.000,52' } }), 'transaction.payee');
    await assertRefusedBeforeCard(forge(ch, { transaction: { ...payment.transaction, payee: 'Water\u200bSupply' } }), 'transaction.payee');
    const ekyc = await server.create(consentRequest);
    await assertRefusedBeforeCard(forge(ekyc, { consentText: 'Share your name\x9b2J' }), 'consentText');
    await assertRefusedBeforeCard(forge(ekyc, { consentText: 'Share your name\r\nwith the bank' }), 'consentText');
  });

  it('a lone surrogate in the payee is refused with its code, not a crash of the terminal', async () => {
    const ch = await server.create(payment);
    await assertRefusedBeforeCard(forge(ch, { transaction: { ...payment.transaction, payee: 'Water \ud800' } }), 'transaction.payee');
  });

  it('an amount or an attribute name carrying a control character is refused (formatAmount would show it as received)', async () => {
    const ch = await server.create(payment);
    await assertRefusedBeforeCard(forge(ch, { transaction: { ...payment.transaction, amount: '1\x1b[2K25000.00' } }), 'transaction.amount');
    const ekyc = await server.create(consentRequest);
    await assertRefusedBeforeCard(forge(ekyc, { requestedAttributes: ['givenName\x1b[2J'] }), 'requestedAttributes.0');
  });

  it('a Khmer payee and a consent with LF are shown as sent and the run completes', async () => {
    const ch = await server.create({
      terminalId: TERMINAL,
      transaction: { amount: '25000.00', currency: 'KHR', payee: 'ធនាគារ ABA', reference: 'វិក្កយបត្រ ០០៤២' },
      requestedAttributes: ['givenName'],
      consentText: 'Share your given name with the bank.\nចែករំលែកឈ្មោះរបស់អ្នកជាមួយធនាគារ។',
    });
    const r = await run(JSON.parse(JSON.stringify(ch)));
    assert.equal(r.outcome.kind, 'completed', JSON.stringify(r.outcome));
    assert.equal(r.display.views[0]?.payee, 'ធនាគារ ABA');
    assert.equal(r.display.views[0]?.consentText, 'Share your given name with the bank.\nចែករំលែកឈ្មោះរបស់អ្នកជាមួយធនាគារ។');
    const screen = new Sink();
    streamDisplay(screen).showTransaction(r.display.views[0]!);
    const lines = screen.text.split('\n');
    assert.ok(lines.includes('Payee:     ធនាគារ ABA'), screen.text);
    assert.ok(lines.includes('  Share your given name with the bank.'), screen.text);
    assert.ok(lines.includes('  ចែករំលែកឈ្មោះរបស់អ្នកជាមួយធនាគារ។'), screen.text);
  });

  it('cardauth terminal --challenge-file: a forged payee exits 1 with error: challenge_not_displayable and writes no ESC to the screen', async () => {
    const ch = await server.create(payment);
    const file = join(cards.dir, 'forged-challenge.json');
    writeFileSync(file, JSON.stringify(forge(ch, { transaction: { ...payment.transaction, payee: 'Water\x1b[1A\x1b[2KAmount:    1.00 KHR' } })));
    const stdin = new PassThrough();
    stdin.end(`${CITIZEN_PIN}\n`);
    const out = new Sink();
    const err = new Sink();
    const io: CliIo = { stdin, stdout: out, stderr: err, env: { CARDAUTH_RP_KEY: server.credential } };
    const code = await runWith(['--reader', READER, '--server', server.url, '--challenge-file', file, '--terminal-id', TERMINAL], io, {
      openReaders: async () => readers,
      fetch: server.fetch,
    });
    assert.equal(code, 1);
    assert.match(err.text, /^error: challenge_not_displayable$/m);
    assert.ok(!/[\x1b\x9b]/.test(out.text + err.text), 'no escape reaches the screen');
    assert.ok(!/Enter your PIN/.test(out.text + err.text), 'no PIN prompt');
    assert.equal(server.requests.length, 0, 'nothing sent to the server');
  });
});

describe('terminal: the stream display keeps the relying party\'s text off the left margin', () => {
  it('wraps a long payee under its value column and indents consent lines, so no text reads as an "Amount:" line', () => {
    const screen = new Sink();
    const payee = `Water Supply${' '.repeat(50)}Amount:    1.00 KHR and more words to wrap`;
    streamDisplay(screen).showTransaction({
      amount: '25,000.00 KHR',
      payee,
      reference: 'R'.repeat(140),
      requestedAttributes: ['givenName'],
      consentText: 'Amount:    1.00 KHR\n\nSecond paragraph.',
    });
    const lines = screen.text.split('\n');
    assert.deepEqual(lines.filter((l) => l.startsWith('Amount:')), ['Amount:    25,000.00 KHR'], screen.text);
    for (const l of lines) assert.ok([...l].length <= 72, `at most 72 columns: ${l}`);
    assert.ok(lines.includes('  Amount:    1.00 KHR'));
    assert.ok(lines.includes('  Second paragraph.'));
    // Nothing is dropped by the wrapping: the value columns put back together are the payee.
    const start = lines.findIndex((l) => l.startsWith('Payee:'));
    const end = lines.findIndex((l) => l.startsWith('Reference:'));
    assert.equal(lines.slice(start, end).map((l) => l.slice(11)).join(''), payee);
  });

  it('wraps by grapheme, never between a Khmer consonant and its marks', () => {
    const text = 'ស្ត្រី'.repeat(30);
    const lines = wrap(text, 20);
    assert.equal(lines.join(''), text);
    for (const l of lines) assert.ok(!/^\p{M}/u.test(l), 'no line starts with a combining mark');
  });
});

describe('terminal: a refusal title from the server', () => {
  it('is shown only when it is displayable text; otherwise the code is shown', async () => {
    const answer = (title: string) =>
      (async () => new Response(JSON.stringify({ code: 'card_revoked', title, status: 401 }), { status: 401, headers: { 'content-type': 'application/problem+json' } })) as unknown as typeof fetch;
    const config = (title: string) => ({ url: 'http://cardauth.test', credential: 'x', fetch: answer(title) });
    const plain = await callServer(config('The card is revoked'), 'GET', '/v1/x');
    assert.deepEqual(plain, { kind: 'refused', status: 401, code: 'card_revoked', title: 'The card is revoked' });
    for (const bad of ['Authenticated\x1b[2K', 'ok\rAuthenticated', '\u202eok', 'x'.repeat(201)]) {
      const r = await callServer(config(bad), 'GET', '/v1/x');
      assert.equal(r.kind === 'refused' && r.title, 'card_revoked', JSON.stringify(bad));
    }
  });
});
