// What a relying party puts in a challenge is shown to the citizen before the
// PIN and signed by the card (src/auth/display-text.ts): POST
// /v1/auth/challenges refuses text that cannot be shown as it is with 400
// invalid_request and stores nothing, accepts real-world scripts (Khmer) and
// line-broken consent, and the terminal can show what it accepted. Real CA,
// PostgreSQL and the in-process store, through supertest; the schema itself
// under fast-check.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import fc from 'fast-check';
import request from 'supertest';
import { canonicalJson } from '../../src/auth/canonical-json.js';
import { createChallenge } from '../../src/auth/create-challenge.js';
import type { AuthDeps } from '../../src/auth/deps.js';
import type { RpId, TerminalId } from '../../src/rp/ids.js';
import { amountProblem } from '../../src/auth/amount.js';
import { currencyMinorUnits, isCurrencyCode } from '../../src/auth/currencies.js';
import { authRoutes } from '../../src/http/routes/auth.js';
import { MemoryStore } from '../../src/store/memory.js';
import { checkSigningInput } from '../../src/terminal/check-signing-input.js';
import { checkDisplayable } from '../../src/terminal/check-displayable.js';
import { streamDisplay } from '../../src/terminal/display/stream-display.js';
import { parseChallenge } from '../../src/terminal/parse-challenge.js';
import { transactionView } from '../../src/terminal/show-transaction.js';
import { FixedClock } from '../../src/util/clock.js';
import { addRp, buildApp, makeCa, openRegistry, type Registry, type TestApp, type TestCa } from './support/fixture.js';

const txn = { amount: '25000.00', currency: 'KHR', payee: 'ACLEDA Bank Plc.', reference: 'INV-2026-0042' };
const KHMER_PAYEE = 'ធនាគារ ABA';

/** The in-process store, remembering every key written. */
class RecordingStore extends MemoryStore {
  readonly written: string[] = [];
  override async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.written.push(key);
    return super.set(key, value, ttlMs);
  }
  override async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    this.written.push(key);
    return super.setIfAbsent(key, value, ttlMs);
  }
  challengeKeys(): string[] {
    return this.written.filter((k) => k.startsWith('auth:'));
  }
}

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _e: string, cb: () => void): void {
    this.text += chunk.toString('utf8');
    cb();
  }
}

describe('challenge text: what the citizen is shown (HTTP, real CA, PostgreSQL)', function () {
  this.timeout(60_000);
  let ca: TestCa;
  let reg: Registry;
  let store: RecordingStore;
  let t: TestApp;
  let rp: Awaited<ReturnType<typeof addRp>>;
  let bank: Awaited<ReturnType<typeof addRp>>;

  before(async () => {
    [ca, reg] = await Promise.all([makeCa(), openRegistry()]);
  });
  after(async () => {
    await reg?.close();
    await ca?.cleanup();
  });
  beforeEach(async () => {
    const clock = new FixedClock(new Date());
    store = new RecordingStore(clock);
    t = await buildApp({ ca: ca.ca, db: reg.db, store, clock });
    rp = await addRp(reg.db);
    bank = await addRp(reg.db, { scopes: ['auth', 'ekyc'], ekycAttributes: ['givenName', 'surname', 'birthDate'] });
  });

  const post = (body: Record<string, unknown>, bearer = rp.bearer) => request(t.app).post('/v1/auth/challenges').set('Authorization', bearer).send(body);

  /** Refused with 400 invalid_request, naming the field, and no challenge written to the store. */
  async function assertRefused(body: Record<string, unknown>, field: string, bearer = rp.bearer): Promise<void> {
    const r = await post(body, bearer);
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.equal(r.body.code, 'invalid_request');
    const paths = ((r.body.issues ?? []) as Array<{ path: string }>).map((i) => i.path);
    assert.ok(paths.includes(field), `names ${field}: ${JSON.stringify(r.body)}`);
    assert.deepEqual(store.challengeKeys(), [], 'nothing stored');
  }

  it('a lone surrogate in payee, reference or consent text is 400 invalid_request (not a 500) and no challenge is stored', async () => {
    // supertest sends JSON.stringify's "\ud800" escape; JSON.parse on the server makes it a lone surrogate again.
    await assertRefused({ terminalId: 'atm-1', transaction: { ...txn, payee: 'ABA \ud800 Bank' } }, 'transaction.payee');
    await assertRefused({ terminalId: 'atm-1', transaction: { ...txn, reference: 'INV-\udc00' } }, 'transaction.reference');
    await assertRefused({ terminalId: 'atm-1', requestedAttributes: ['givenName'], consentText: 'Share your name \ud83d' }, 'consentText', bank.bearer);
    // The same bytes written by hand, without a JSON library in between.
    const raw = await request(t.app)
      .post('/v1/auth/challenges')
      .set('Authorization', rp.bearer)
      .set('content-type', 'application/json')
      .send('{"terminalId":"atm-1","transaction":{"amount":"1.00","currency":"USD","payee":"\\udfff"}}');
    assert.equal(raw.status, 400);
    assert.equal(raw.body.code, 'invalid_request');
    assert.deepEqual(store.challengeKeys(), []);
    assert.ok(!t.log.records().some((l) => l['code'] === 'internal_error'), 'no internal error logged');
  });

  it('ESC (an ANSI sequence that would redraw the Amount line) in the payee is 400 invalid_request', async () => {
    await assertRefused({ terminalId: 'atm-1', transaction: { ...txn, payee: 'ABA\x1b[1A\x1b[2KAmount:    1.00 KHR' } }, 'transaction.payee');
    await assertRefused({ terminalId: 'atm-1', transaction: { ...txn, reference: '\x1b]0;x\x07' } }, 'transaction.reference');
  });

  it('U+202E (right-to-left override) in the payee is 400 invalid_request; so are the other bidi controls', async () => {
    await assertRefused({ terminalId: 'atm-1', transaction: { ...txn, payee: 'ABA \u202e00.000,1' } }, 'transaction.payee');
    for (const c of ['\u202a', '\u202b', '\u202c', '\u202d', '\u2066', '\u2067', '\u2068', '\u2069', '\u200e', '\u200f', '\u061c']) {
      assert.equal((await post({ terminalId: 'atm-1', transaction: { ...txn, payee: `ABA${c}` } })).body.code, 'invalid_request', `U+${c.codePointAt(0)!.toString(16)}`);
    }
    assert.deepEqual(store.challengeKeys(), []);
  });

  it('CR, LF, TAB, DEL, C1 controls, zero-width characters, U+2028, private use, noncharacters and decomposed (NFD) text are refused in payee and reference', async () => {
    const bad = ['A\rB', 'A\nB', 'A\tB', 'A\x7fB', 'A\x85B', 'A\x9b2J', 'A\u200bB', 'A\u200dB', 'A\u2060B', '\ufeffA', 'A\u00adB', 'A\u2028B', 'A\ue000', 'A\ufffe', 'A\u{10ffff}', 'Cafe\u0301'];
    for (const s of bad) {
      for (const field of ['payee', 'reference'] as const) {
        const r = await post({ terminalId: 'atm-1', transaction: { ...txn, [field]: s } });
        assert.equal(r.status, 400, `${field} ${JSON.stringify(s)}`);
        assert.equal(r.body.code, 'invalid_request');
      }
    }
    // Spaces only, a leading combining mark, stacked marks ("Zalgo") that paint over the neighbouring lines.
    for (const s of ['   ', '\u0301A', `A${'\u0336'.repeat(5)}`]) assert.equal((await post({ terminalId: 'atm-1', transaction: { ...txn, payee: s } })).body.code, 'invalid_request', JSON.stringify(s));
    assert.deepEqual(store.challengeKeys(), []);
  });

  it('accepts a Khmer payee ("ធនាគារ ABA"), and the terminal shows it as sent and signs over it', async () => {
    const r = await post({ terminalId: 'atm-1', transaction: { ...txn, payee: KHMER_PAYEE, reference: 'វិក្កយបត្រ ០០៤២' } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.transaction.payee, KHMER_PAYEE);
    const ch = parseChallenge(JSON.parse(JSON.stringify(r.body)));
    assert.equal(Buffer.from(checkSigningInput(ch, 'atm-1')).toString('hex'), r.body.signingInput.input);
    const view = transactionView(ch);
    assert.equal(view.payee, KHMER_PAYEE);
    assert.equal(view.amount, '25,000.00 KHR');
    const screen = new Sink();
    streamDisplay(screen).showTransaction(view);
    assert.ok(screen.text.split('\n').includes(`Payee:     ${KHMER_PAYEE}`), screen.text);
    assert.ok(screen.text.includes('Reference: វិក្កយបត្រ ០០៤២'));
    assert.equal(store.challengeKeys().length, 3, "the challenge, its marker and its terminal's pointer");
    // Vietnamese in NFC, a non-breaking space, an apostrophe and an ampersand are ordinary text.
    assert.equal((await post({ terminalId: 'atm-1', transaction: { amount: '150000', currency: 'VND', payee: 'Công ty Điện lực\u00a0Hà Nội & Co\'s' } })).status, 201);
  });

  it('consent text: LF separates lines (shown as separate lines); CR, other controls and misplaced empty lines are refused', async () => {
    const consent = 'Share your name and date of birth with the bank.\n\nចែករំលែកឈ្មោះ និងថ្ងៃខែឆ្នាំកំណើតរបស់អ្នកជាមួយធនាគារ។';
    const r = await post({ terminalId: 'atm-1', requestedAttributes: ['givenName', 'birthDate'], consentText: consent }, bank.bearer);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.consentText, consent);
    const screen = new Sink();
    streamDisplay(screen).showTransaction(transactionView(parseChallenge(JSON.parse(JSON.stringify(r.body)))));
    const lines = screen.text.split('\n');
    assert.ok(lines.includes('  Share your name and date of birth with the bank.'), screen.text);
    assert.ok(lines.includes('  ចែករំលែកឈ្មោះ និងថ្ងៃខែឆ្នាំកំណើតរបស់អ្នកជាមួយធនាគារ។'), screen.text);
    const before = store.challengeKeys().length;
    for (const bad of ['Share\r\nyour name', 'Share\ryour name', '\nShare', 'Share\n', 'Share\n\n\nyour name', 'Share\x1b[2J', 'Share\u202e', `${'line\n'.repeat(20)}line`, ' \n ']) {
      const refused = await post({ terminalId: 'atm-1', requestedAttributes: ['givenName'], consentText: bad }, bank.bearer);
      assert.equal(refused.status, 400, JSON.stringify(bad));
      assert.equal(refused.body.code, 'invalid_request');
    }
    assert.equal(store.challengeKeys().length, before, 'nothing more stored');
  });

  it('ISO 4217: XCG (Caribbean guilder) accepted with 2 minor units; withdrawn ANG, ZWL, SLL, BGN and unknown codes refused', async () => {
    assert.equal((await post({ terminalId: 'atm-1', transaction: { amount: '10.50', currency: 'XCG', payee: 'Curaçao Utilities' } })).status, 201);
    assert.equal((await post({ terminalId: 'atm-1', transaction: { amount: '10.505', currency: 'XCG', payee: 'x' } })).body.code, 'amount_format');
    for (const currency of ['ANG', 'ZWL', 'SLL', 'BGN', 'HRK', 'XYZ', 'khr', 'XAU']) {
      assert.equal((await post({ terminalId: 'atm-1', transaction: { amount: '1', currency, payee: 'x' } })).body.code, 'invalid_request', currency);
    }
  });

  it('states the text rule in /openapi.json', async () => {
    const doc = (await request(t.app).get('/openapi.json')).text;
    assert.match(doc, /U\+202E/);
    assert.match(doc, /LF \(U\+000A\) as the only control/);
  });
});

describe('createChallenge applies the same rule to callers that do not come through HTTP', () => {
  const caller = { rpId: 'rp_texttest' as RpId, ekycAttributes: ['givenName' as const], hasEkycScope: true };
  const depsWith = (store: RecordingStore) => ({ store, clock: new FixedClock(new Date()), challengeTtlSeconds: 120 }) as unknown as AuthDeps;

  it('refuses ESC, U+202E, a lone surrogate and CR with invalid_request naming the field and the reason; stores nothing', async () => {
    const store = new RecordingStore();
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ transaction: { ...txn, payee: 'A\x1b[2J' } }, 'transaction.payee', 'control_character'],
      [{ transaction: { ...txn, payee: 'A\u202e' } }, 'transaction.payee', 'format_character'],
      [{ transaction: { ...txn, reference: '\ud800' } }, 'transaction.reference', 'lone_surrogate'],
      [{ requestedAttributes: ['givenName'], consentText: 'Share\r\nname' }, 'consentText', 'control_character'],
    ];
    for (const [fields, field, reason] of cases) {
      await assert.rejects(
        createChallenge(depsWith(store), caller, { terminalId: 'atm-1' as TerminalId, ...fields }),
        (e: { code?: string; status?: number; detail?: Record<string, unknown> }) =>
          e.code === 'invalid_request' && e.status === 400 && e.detail?.['field'] === field && e.detail?.['reason'] === reason,
        field,
      );
    }
    assert.deepEqual(store.challengeKeys(), []);
  });
});

describe('ISO 4217 table (src/auth/currencies.ts)', () => {
  it('has the minor units of named entries: KHR 2, JPY 0, BHD 3, XCG 2, VED 2, KWD 3, CLP 0', () => {
    const expected = { KHR: 2, JPY: 0, BHD: 3, XCG: 2, VED: 2, VES: 2, ZWG: 2, SLE: 2, KWD: 3, CLP: 0, EUR: 2, USD: 2 } as const;
    for (const [code, minor] of Object.entries(expected)) {
      assert.ok(isCurrencyCode(code), code);
      assert.equal(currencyMinorUnits[code], minor, code);
    }
  });

  it('refuses withdrawn and invalid codes', () => {
    for (const code of ['ANG', 'ZWL', 'SLL', 'BGN', 'HRK', 'CUC', 'VEF', 'XYZ', 'usd', '', 'constructor', 'toString']) assert.equal(isCurrencyCode(code), false, code);
  });

  it('checks amounts against the minor units: KHR 2, JPY 0, BHD 3, exactly', () => {
    assert.equal(amountProblem('25000.00', 'KHR'), undefined);
    assert.equal(amountProblem('25000.001', 'KHR')?.code, 'amount_format');
    assert.equal(amountProblem('25000', 'KHR')?.code, 'amount_format');
    assert.equal(amountProblem('25000.0', 'KHR')?.code, 'amount_format');
    assert.equal(amountProblem('100', 'JPY'), undefined);
    assert.equal(amountProblem('100.5', 'JPY')?.code, 'amount_format');
    assert.equal(amountProblem('100.00', 'JPY')?.code, 'amount_format');
    assert.equal(amountProblem('12.345', 'BHD'), undefined);
    assert.equal(amountProblem('12.3456', 'BHD')?.code, 'amount_format');
    assert.equal(amountProblem('12.34', 'BHD')?.code, 'amount_format');
    assert.equal(amountProblem('1.99', 'XCG'), undefined);
  });
});

describe('challenge text rule under fast-check (the route schema itself)', () => {
  const route = authRoutes({} as never).find((r) => r.operationId === 'createChallenge');
  const schema = route!.body as { safeParse(v: unknown): { success: boolean; data?: unknown } };

  // Strings made of the troublesome and the ordinary: lone surrogates, C0/C1, bidi, zero-width,
  // combining marks, Khmer, Latin, whatever code point.
  // Mostly ordinary, so that a fair share of bodies passes and gets checked further.
  const unit = fc.oneof(
    { weight: 1, arbitrary: fc.constantFrom('\ud800', '\udfff', '\x1b', '\r', '\n', '\t', '\x00', '\x7f', '\x85', '\x9b', '\u202e', '\u2066', '\u200b', '\u200d', '\ufeff', '\u2028', '\ue000', '\ufffe') },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
    { weight: 2, arbitrary: fc.constantFrom('\u0301', '\u0336', '\u17b6', '\u17d2', '\u17c6', '\n') },
    { weight: 30, arbitrary: fc.constantFrom(' ', '\u00a0', 'A', 'z', '0', '"', '\\', 'é', 'ធ', 'ន', 'គ', 'រ', '។', '😀', 'ក្រ', 'ស្ត្រី') },
    { weight: 5, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) },
  );
  const text = (maxLength: number) => fc.array(unit, { minLength: 0, maxLength }).map((a) => a.join(''));

  it('every body the schema accepts canonicalises (RFC 8785) and the terminal can show it', () => {
    let accepted = 0;
    fc.assert(
      fc.property(text(40), fc.option(text(20), { nil: undefined }), fc.option(text(60), { nil: undefined }), (payee, reference, consentText) => {
        const body = {
          terminalId: 'atm-1',
          transaction: { amount: '1.00', currency: 'KHR', payee, ...(reference === undefined ? {} : { reference }) },
          ...(consentText === undefined ? {} : { requestedAttributes: ['givenName'], consentText }),
        };
        const r = schema.safeParse(body);
        if (!r.success) return;
        accepted++;
        const tx = (r.data as { transaction: Record<string, string> }).transaction;
        canonicalJson(tx);
        checkDisplayable({
          transaction: { amount: tx['amount']!, currency: tx['currency']!, payee: tx['payee']!, ...(tx['reference'] === undefined ? {} : { reference: tx['reference'] }) },
          requestedAttributes: consentText === undefined ? [] : ['givenName'],
          consentText: consentText ?? null,
        } as never);
        const screen = new Sink();
        streamDisplay(screen).showTransaction({ amount: '1.00 KHR', payee: tx['payee']!, reference: tx['reference'] ?? null, requestedAttributes: ['givenName'], consentText: consentText ?? null });
        // Nothing but the display's own line breaks reaches the screen as a control.
        assert.ok(!/[^\P{Cc}\n]|\p{Cf}|\p{Surrogate}/u.test(screen.text), JSON.stringify(screen.text));
      }),
      { numRuns: 2000 },
    );
    assert.ok(accepted > 50, `the generator reaches accepted bodies (${accepted})`);
  });

  it('a body with a lone surrogate, a control other than LF in consent, or a bidi / zero-width character is never accepted', () => {
    fc.assert(
      fc.property(text(20), fc.constantFrom('\ud800', '\udc00', '\x1b', '\r', '\x9b', '\u202e', '\u200b', '\ufeff'), text(20), (a, bad, b) => {
        // Spaces around the bad unit: a lone half must not pair up with a neighbour into a valid code point.
        const s = `${a} ${bad} ${b}`;
        assert.equal(schema.safeParse({ terminalId: 'atm-1', transaction: { amount: '1.00', currency: 'KHR', payee: s } }).success, false);
        assert.equal(schema.safeParse({ terminalId: 'atm-1', transaction: { amount: '1.00', currency: 'KHR', payee: 'x', reference: s } }).success, false);
        assert.equal(schema.safeParse({ terminalId: 'atm-1', requestedAttributes: ['givenName'], consentText: s }).success, false);
      }),
      { numRuns: 1000 },
    );
  });
});
