// The terminal client end to end in one process: a personalised simulated card
// in in-process readers (src/card/in-process.ts), a real CA, and the in-memory
// authentication server of ./support.ts. Outcome mapping, the signing-input
// rebuild and refusal, PIN tries and blocking, card removal, and that the PIN
// shows up nowhere but on the way to the card.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import type { ChallengeRequest } from '../../src/auth/create-challenge.js';
import type { TerminalId } from '../../src/rp/ids.js';
import { InProcessReaders, openInProcessChannel } from '../../src/card/in-process.js';
import { authenticate, type AuthenticateOptions } from '../../src/terminal/authenticate.js';
import { describeOutcome, outcomeCode } from '../../src/terminal/describe-outcome.js';
import { parseChallenge } from '../../src/terminal/parse-challenge.js';
import type { TerminalDisplay, TerminalOutcome, TransactionView } from '../../src/terminal/types.js';
import type { PinPad } from '../../src/pin-pad/types.js';
import type { IssuedChallenge } from '../../src/auth/wire.js';
import { openCardSession, waitForCard } from '../../src/terminal/wait-for-card.js';
import { createLogger } from '../../src/util/log.js';
import { CITIZEN_PIN, useCardFactory, fakeServer, type CardFactory, type CitizenCard, type FakeServer } from './support.js';

const READER = 'Terminal reader 0';
const TERMINAL = 'atm-7' as TerminalId;
const PAYMENT: ChallengeRequest = {
  terminalId: TERMINAL,
  transaction: { amount: '25000.00', currency: 'KHR', payee: 'Phnom Penh Water Supply', reference: 'INV-2026-0042' },
};

class RecordingDisplay implements TerminalDisplay {
  readonly lines: string[] = [];
  views: TransactionView[] = [];
  outcome: TerminalOutcome | undefined;
  status(text: string): void {
    this.lines.push(text);
  }
  showTransaction(view: TransactionView): void {
    this.views.push(view);
    this.lines.push(JSON.stringify(view));
  }
  showOutcome(o: TerminalOutcome, message: string): void {
    this.outcome = o;
    this.lines.push(message);
  }
}

/** A PIN pad that types the given PINs in turn, then reports no more input. */
function scriptedPad(pins: string[]): PinPad & { asked: Array<number | undefined>; given: Uint8Array[] } {
  const asked: Array<number | undefined> = [];
  const given: Uint8Array[] = [];
  return {
    asked,
    given,
    async readPin({ triesLeft }) {
      asked.push(triesLeft);
      const next = pins.shift();
      if (next === undefined) return null;
      const b = Buffer.from(next, 'ascii');
      given.push(b);
      return b;
    },
  };
}

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _e: string, cb: () => void): void {
    this.text += chunk.toString('utf8');
    cb();
  }
}

describe('terminal client (in-process card, in-memory server)', function () {
  this.timeout(60_000);
  let cards: CardFactory;
  let server: FakeServer;
  let readers: InProcessReaders;

  useCardFactory((c) => (cards = c));
  beforeEach(() => {
    server = fakeServer();
    readers = new InProcessReaders([READER]);
  });
  afterEach(async () => {
    await readers.close();
  });

  async function insertCitizen(): Promise<CitizenCard> {
    const c = await cards.citizenCard();
    await readers.insert(READER, c.card);
    return c;
  }

  function options(challenge: IssuedChallenge, pad: PinPad, display: TerminalDisplay, over: Partial<AuthenticateOptions> = {}): AuthenticateOptions {
    return {
      challenge,
      terminalId: TERMINAL,
      card: () => waitForCard(readers, READER, { timeoutMs: 5_000 }),
      display,
      pinPad: pad,
      server: { url: server.url, credential: server.credential, fetch: server.fetch },
      retryDelaysMs: [0, 0],
      ...over,
    };
  }

  it('completes a payment challenge: shows 25,000.00 KHR and the payee, signs what it showed, submits certificate + signature', async () => {
    const citizen = await insertCitizen();
    const ch = parseChallenge(await server.create(PAYMENT));
    const display = new RecordingDisplay();
    const pad = scriptedPad([CITIZEN_PIN]);
    const o = await authenticate(options(ch, pad, display));
    assert.equal(o.kind, 'completed', JSON.stringify(o));
    assert.equal(outcomeCode(o), undefined);
    assert.deepEqual(display.views, [
      { amount: '25,000.00 KHR', payee: 'Phnom Penh Water Supply', reference: 'INV-2026-0042', requestedAttributes: [], consentText: null },
    ]);
    const sent = server.accepted.get(ch.id);
    assert.ok(sent, 'the server accepted the response');
    assert.deepEqual(new Uint8Array(sent.certificate), citizen.certificateDer);
    assert.equal(sent.triesLeft, 3);
    assert.equal(pad.asked[0], 3);
    // The PIN buffer was zeroed once the card had it.
    assert.ok(pad.given.every((b) => b.every((x) => x === 0)));
    assert.equal(display.outcome?.kind, 'completed');
    assert.match(display.lines.at(-1)!, /Authenticated/);
  });

  it('shows requested attributes and the consent text of an eKYC challenge', async () => {
    await insertCitizen();
    const ch = parseChallenge(
      await server.create({ terminalId: TERMINAL, requestedAttributes: ['givenName', 'surname'], consentText: 'ACLEDA Bank receives your name to open an account.' }),
    );
    const display = new RecordingDisplay();
    const o = await authenticate(options(ch, scriptedPad([CITIZEN_PIN]), display));
    assert.equal(o.kind, 'completed');
    assert.deepEqual(display.views[0], {
      amount: null,
      payee: null,
      reference: null,
      requestedAttributes: ['givenName', 'surname'],
      consentText: 'ACLEDA Bank receives your name to open an account.',
    });
  });

  it('a wrong PIN shows the tries left and asks again; the right PIN then completes', async () => {
    await insertCitizen();
    const ch = parseChallenge(await server.create(PAYMENT));
    const display = new RecordingDisplay();
    const pad = scriptedPad(['111111', CITIZEN_PIN]);
    const o = await authenticate(options(ch, pad, display));
    assert.equal(o.kind, 'completed');
    assert.deepEqual(pad.asked, [3, 2]);
    assert.ok(display.lines.includes('Wrong PIN. 2 tries left.'));
    assert.equal(server.accepted.get(ch.id)?.triesLeft, 2);
  });

  it('a wrong PIN with no further input ends as wrong-pin with the tries left, and nothing is sent', async () => {
    await insertCitizen();
    const ch = parseChallenge(await server.create(PAYMENT));
    const display = new RecordingDisplay();
    const o = await authenticate(options(ch, scriptedPad(['000000']), display));
    assert.deepEqual(o, { kind: 'wrong-pin', triesLeft: 2 });
    // Said once, when the card refused it; the outcome concludes without repeating it.
    assert.equal(display.lines.filter((l) => l.includes('Wrong PIN. 2 tries left.')).length, 1, display.lines.join('\n'));
    assert.match(display.lines.at(-1)!, /^Not authenticated: PIN entry ended after a wrong PIN \(2 tries left on the card\)\. Nothing was signed\.$/);
    assert.equal(outcomeCode(o), 'pin_wrong');
    assert.equal(server.requests.length, 0);
  });

  it('three wrong PINs block the card: pin-blocked, told to unblock with the PUK at an issuance office; the next run does not ask for a PIN', async () => {
    await insertCitizen();
    const display = new RecordingDisplay();
    const pad = scriptedPad(['111111', '222222', '333333']);
    const o = await authenticate(options(parseChallenge(await server.create(PAYMENT)), pad, display));
    assert.deepEqual(o, { kind: 'pin-blocked' });
    assert.deepEqual(pad.asked, [3, 2, 1]);
    assert.equal(outcomeCode(o), 'pin_blocked');
    assert.match(display.lines.at(-1)!, /blocked/);
    assert.match(display.lines.at(-1)!, /PUK/);
    assert.match(display.lines.at(-1)!, /issuance office/);

    const pad2 = scriptedPad([CITIZEN_PIN]);
    const o2 = await authenticate(options(parseChallenge(await server.create(PAYMENT)), pad2, new RecordingDisplay()));
    assert.deepEqual(o2, { kind: 'pin-blocked' });
    assert.deepEqual(pad2.asked, [], 'a blocked card is reported before a PIN is asked');
    assert.equal(server.requests.length, 0);
  });

  describe('refuses a challenge whose signing input differs from what it shows (before any PIN, before the card)', () => {
    const tamper: Array<[string, (c: IssuedChallenge) => IssuedChallenge]> = [
      ['amount changed after the input was computed', (c) => ({ ...c, transaction: { ...c.transaction!, amount: '250.00' } })],
      ['payee changed', (c) => ({ ...c, transaction: { ...c.transaction!, payee: 'Someone Else Co.' } })],
      ['reference dropped', (c) => ({ ...c, transaction: { amount: c.transaction!.amount, currency: c.transaction!.currency, payee: c.transaction!.payee } })],
      ['transaction hidden from the screen', (c) => ({ ...c, transaction: null })],
      ['input of another transaction', (c) => ({ ...c, signingInput: { ...c.signingInput, input: 'ab'.repeat(32) } })],
      ['another rp id', (c) => ({ ...c, rpId: 'rp_otherbank' })],
      ['another nonce', (c) => ({ ...c, nonce: Buffer.alloc(32, 7).toString('base64url') })],
      ['another domain', (c) => ({ ...c, signingInput: { ...c.signingInput, domain: 'cardauth/v2' } })],
    ];
    for (const [name, change] of tamper) {
      it(name, async () => {
        const ch = change(parseChallenge(await server.create(PAYMENT)));
        let asked = false;
        const display = new RecordingDisplay();
        const o = await authenticate(
          options(ch, scriptedPad([CITIZEN_PIN]), display, {
            card: async () => {
              asked = true;
              throw new Error('the card must not be touched');
            },
          }),
        );
        assert.equal(o.kind, 'challenge-refused');
        assert.equal(outcomeCode(o), 'signing_input_mismatch');
        assert.equal(asked, false);
        assert.deepEqual(display.views, [], 'nothing shown for signing');
        assert.equal(server.requests.length, 0);
      });
    }
    it('a challenge for another terminal', async () => {
      const ch = parseChallenge(await server.create({ ...PAYMENT, terminalId: 'atm-8' as TerminalId }));
      const o = await authenticate(options(ch, scriptedPad([CITIZEN_PIN]), new RecordingDisplay()));
      assert.equal(outcomeCode(o), 'signing_input_mismatch');
    });
  });

  it('card removed while the PIN is being typed: card-removed with a clear message, nothing sent', async () => {
    await insertCitizen();
    const ch = parseChallenge(await server.create(PAYMENT));
    const display = new RecordingDisplay();
    const pad: PinPad = {
      async readPin() {
        await readers.remove(READER);
        return Buffer.from(CITIZEN_PIN);
      },
    };
    const o = await authenticate(options(ch, pad, display));
    assert.deepEqual(o, { kind: 'card-removed' });
    assert.equal(outcomeCode(o), 'card_removed');
    assert.match(display.lines.at(-1)!, /card was removed/);
    assert.equal(server.requests.length, 0);
  });

  it('card pulled out while the citizen is at the PIN prompt: the entry ends at once with card-removed', async () => {
    await insertCitizen();
    const ch = parseChallenge(await server.create(PAYMENT));
    let sawAbort = false;
    const pad: PinPad = {
      readPin: ({ signal }) =>
        new Promise((resolve) => {
          signal?.addEventListener('abort', () => {
            sawAbort = true;
            resolve(null);
          });
          setImmediate(() => void readers.remove(READER));
        }),
    };
    const display = new RecordingDisplay();
    const o = await authenticate(options(ch, pad, display));
    assert.deepEqual(o, { kind: 'card-removed' });
    assert.ok(sawAbort);
    assert.match(display.lines.at(-1)!, /card was removed/);
    assert.equal(server.requests.length, 0);
  });

  it('drives a card on a direct in-process channel (the embedded default, no reader set)', async () => {
    const citizen = await cards.citizenCard();
    const channel = await openInProcessChannel(citizen.card);
    const ch = parseChallenge(await server.create(PAYMENT));
    const o = await authenticate(options(ch, scriptedPad([CITIZEN_PIN]), new RecordingDisplay(), { card: () => openCardSession(channel) }));
    assert.equal(o.kind, 'completed');
    assert.equal(channel.isOpen, false, 'the run releases the card');
  });

  it('no card in time: no-card card_wait_timeout', async () => {
    const ch = parseChallenge(await server.create(PAYMENT));
    const o = await authenticate(options(ch, scriptedPad([CITIZEN_PIN]), new RecordingDisplay(), { card: () => waitForCard(readers, READER, { timeoutMs: 50 }) }));
    assert.deepEqual(o, { kind: 'no-card', code: 'card_wait_timeout' });
  });

  it('a blank card (no 9A certificate) is not supported, and no PIN is asked', async () => {
    await readers.insert(READER, await cards.blankCard());
    const pad = scriptedPad([CITIZEN_PIN]);
    const o = await authenticate(options(parseChallenge(await server.create(PAYMENT)), pad, new RecordingDisplay()));
    assert.equal(o.kind, 'card-not-supported');
    assert.equal(outcomeCode(o), 'card_not_supported');
    assert.deepEqual(pad.asked, []);
  });

  it('server refusals keep the server\'s code (card_revoked); 503 and network failures are server-unavailable', async () => {
    const cases: Array<[FakeServer['mode'], string]> = [
      [{ kind: 'refuse', status: 401, code: 'card_revoked' }, 'card_revoked'],
      [{ kind: 'refuse', status: 410, code: 'challenge_expired' }, 'challenge_expired'],
      [{ kind: 'down' }, 'server_unavailable'],
      [{ kind: 'network' }, 'server_unavailable'],
    ];
    await insertCitizen();
    for (const [mode, code] of cases) {
      server.mode = mode;
      const ch = parseChallenge(await server.create(PAYMENT));
      const display = new RecordingDisplay();
      const o = await authenticate(options(ch, scriptedPad([CITIZEN_PIN]), display));
      assert.equal(outcomeCode(o), code, JSON.stringify(o));
      assert.equal(o.kind, mode.kind === 'refuse' ? 'server-refused' : 'server-unavailable');
      assert.equal(display.lines.at(-1), describeOutcome(o));
    }
  });

  it('the service unavailable for a moment: the same signed response is sent again, no second PIN, and the payment completes', async () => {
    await insertCitizen();
    const ch = parseChallenge(await server.create(PAYMENT));
    let posts = 0;
    const flaky = (async (resource: string | URL | Request, init?: RequestInit) => {
      if (init?.method === 'POST' && ++posts === 1) {
        return new Response(JSON.stringify({ status: 503, code: 'unavailable', title: 'unavailable' }), { status: 503, headers: { 'content-type': 'application/problem+json' } });
      }
      return server.fetch(resource, init);
    }) as typeof fetch;
    const pad = scriptedPad([CITIZEN_PIN]);
    const display = new RecordingDisplay();
    const o = await authenticate(options(ch, pad, display, { server: { url: server.url, credential: server.credential, fetch: flaky } }));
    assert.equal(o.kind, 'completed', JSON.stringify(o));
    assert.equal(pad.asked.length, 1, 'one PIN entry');
    const sent = server.requests.filter((r) => r.method === 'POST' && r.url.endsWith('/response'));
    assert.equal(sent.length, 1, 'the fake saw the second send (the first was answered 503 before it)');
    assert.equal(posts, 2);
    assert.ok(display.lines.some((l) => /trying again/.test(l)));
  });

  it('an answer lost after the service accepted: the resend is challenge_used and the terminal shows the completed result from the challenge state', async () => {
    await insertCitizen();
    const ch = parseChallenge(await server.create(PAYMENT));
    let posts = 0;
    const lossy = (async (resource: string | URL | Request, init?: RequestInit) => {
      const answer = await server.fetch(resource, init);
      if (init?.method === 'POST' && ++posts === 1) throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });
      return answer;
    }) as typeof fetch;
    const o = await authenticate(options(ch, scriptedPad([CITIZEN_PIN]), new RecordingDisplay(), { server: { url: server.url, credential: server.credential, fetch: lossy } }));
    assert.equal(o.kind, 'completed', JSON.stringify(o));
    assert.equal(server.accepted.size, 1);
    assert.deepEqual(
      server.requests.map((r) => `${r.method} ${r.url.endsWith('/response') ? 'response' : 'state'}`),
      ['POST response', 'POST response', 'GET state'],
    );
  });

  it('a refusal is final: not sent again', async () => {
    await insertCitizen();
    server.mode = { kind: 'refuse', status: 401, code: 'card_revoked' };
    const o = await authenticate(options(parseChallenge(await server.create(PAYMENT)), scriptedPad([CITIZEN_PIN]), new RecordingDisplay()));
    assert.equal(outcomeCode(o), 'card_revoked');
    assert.equal(server.requests.filter((r) => r.method === 'POST').length, 1);
  });

  it('the PIN appears in no display line, log line or request to the server, in any encoding', async () => {
    await insertCitizen();
    const sink = new Sink();
    const log = createLogger({ sink, level: 'debug' });
    const display = new RecordingDisplay();
    const runs = [['123123', CITIZEN_PIN], [CITIZEN_PIN]];
    for (const pins of runs) {
      await authenticate(options(parseChallenge(await server.create(PAYMENT)), scriptedPad(pins), display, { log }));
    }
    server.mode = { kind: 'refuse', status: 401, code: 'card_revoked' };
    await authenticate(options(parseChallenge(await server.create(PAYMENT)), scriptedPad([CITIZEN_PIN]), display, { log }));
    const everything = [display.lines.join('\n'), sink.text, JSON.stringify(server.requests)].join('\n');
    assert.ok(sink.text.length > 0 && server.requests.length === 3);
    for (const pin of [CITIZEN_PIN, '123123']) {
      const forms = [pin, Buffer.from(pin).toString('hex'), Buffer.from(pin).toString('base64'), Buffer.from(pin + '\xff\xff', 'latin1').toString('hex')];
      for (const f of forms) assert.ok(!everything.includes(f), `found a form of the PIN: ${f}`);
    }
  });
});
