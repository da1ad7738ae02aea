// Result-signing key rotation (pki/ca/rotate-result-key.ts, result-key-state.ts,
// open-result-key-set.ts): a CA from before rotation keeps working, a rotation
// makes a new key current and keeps the previous one published for the
// overlap (clock frozen at the boundaries), and every refusal leaves the key
// store and result-keys.json as they were.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { calculateJwkThumbprint, compactVerify, importJWK } from 'jose';
import {
  isPkiError,
  keyNames,
  openResultKeySet,
  pkiDir,
  readResultKeyState,
  resultKeyStatePath,
  rotateResultKey,
  type KeyStore,
  type PkiErrorCode,
} from '../../pki/index.js';
import { makeTestCa, type TestCa } from './helpers.js';

const DAY = 86_400_000;
const T0 = new Date('2026-03-01T08:00:00Z');

function snapshot(t: TestCa): { state: string | undefined; keys: string[] } {
  const file = resultKeyStatePath(t.dir);
  return {
    state: existsSync(file) ? readFileSync(file, 'utf8') : undefined,
    keys: readdirSync(join(t.dir, 'keys')).sort(),
  };
}

function leftovers(t: TestCa): string[] {
  return readdirSync(pkiDir(t.dir)).filter((f) => f.startsWith('result-keys.json.'));
}

async function es256(signer: { sign(d: Uint8Array, e: 'ieee-p1363'): Promise<Buffer> }, kid: string): Promise<string> {
  const head = Buffer.from(JSON.stringify({ alg: 'ES256', kid })).toString('base64url');
  const body = Buffer.from('{"sub":"x"}').toString('base64url');
  return `${head}.${body}.${(await signer.sign(Buffer.from(`${head}.${body}`), 'ieee-p1363')).toString('base64url')}`;
}

describe('pki result-signing key rotation', () => {
  let t: TestCa;
  beforeEach(async () => {
    t = await makeTestCa();
  });
  afterEach(async () => t.cleanup());

  it('a CA from before rotation (no result-keys.json) signs with result-signing and publishes only it', async () => {
    assert.equal(existsSync(resultKeyStatePath(t.dir)), false);
    const set = await openResultKeySet({ dataDir: t.dir, keyStore: t.keyStore });
    assert.equal(set.current.name, keyNames.resultSigning);
    assert.equal(set.currentJwk.kid, await calculateJwkThumbprint(set.currentJwk));
    assert.deepEqual(set.published(T0), [set.currentJwk]);
    assert.equal((await t.ca.resultSigner()).name, keyNames.resultSigning);
    assert.deepEqual(await t.ca.resultSigningJwk(), set.currentJwk);
    assert.equal(await set.changed(), false);
  });

  it('rotates: a new versioned key is current, the previous one is published until now + overlap', async () => {
    const before = await openResultKeySet({ dataDir: t.dir, keyStore: t.keyStore });
    const r = await rotateResultKey({ dataDir: t.dir, keyStore: t.keyStore, overlapDays: 7, now: T0 });
    assert.equal(r.name, 'result-signing-2');
    assert.equal(r.kid, await calculateJwkThumbprint(r.jwk));
    assert.notEqual(r.kid, before.currentJwk.kid);
    assert.deepEqual(r.previous, { name: keyNames.resultSigning, kid: before.currentJwk.kid, publishUntil: new Date(T0.getTime() + 7 * DAY) });
    assert.equal(await before.changed(), true, 'a reader of the old set sees that it changed');

    const file = JSON.parse(readFileSync(resultKeyStatePath(t.dir), 'utf8'));
    assert.deepEqual(file, {
      version: 1,
      current: { name: 'result-signing-2', kid: r.kid, since: T0.toISOString() },
      retired: [{ name: 'result-signing', jwk: before.currentJwk, retiredAt: T0.toISOString(), publishUntil: '2026-03-08T08:00:00.000Z' }],
    });
    assert.equal(statSync(resultKeyStatePath(t.dir)).mode & 0o777, 0o644);
    assert.deepEqual(leftovers(t), [], 'no temporary or lock file left');

    const after = await openResultKeySet({ dataDir: t.dir, keyStore: t.keyStore });
    assert.equal(after.current.name, 'result-signing-2');
    assert.equal((await t.ca.resultSigner()).name, 'result-signing-2', 'the CA signs with the new key');
    // What the new key signs verifies with its JWK (jose, not our code).
    const jws = await es256(after.current, r.kid);
    await compactVerify(jws, await importJWK(after.currentJwk, 'ES256'));
    // The old key's results verify with the retired JWK the set still publishes.
    const old = await es256(before.current, before.currentJwk.kid);
    await compactVerify(old, await importJWK(after.published(T0)[1]!, 'ES256'));
  });

  it('publishes a retired key while the clock is before publishUntil, not at or after it', async () => {
    const r = await rotateResultKey({ dataDir: t.dir, keyStore: t.keyStore, overlapDays: 1, now: T0 });
    const set = await openResultKeySet({ dataDir: t.dir, keyStore: t.keyStore });
    const until = r.previous.publishUntil.getTime();
    const kids = (at: number) => set.published(new Date(at)).map((k) => k.kid);
    assert.deepEqual(kids(T0.getTime()), [r.kid, r.previous.kid]);
    assert.deepEqual(kids(until - 1), [r.kid, r.previous.kid]);
    assert.deepEqual(kids(until), [r.kid]);
    assert.deepEqual(kids(until + DAY), [r.kid]);
  });

  it('a second rotation retires the second key too, most recent first, each with its own window', async () => {
    const first = await rotateResultKey({ dataDir: t.dir, keyStore: t.keyStore, overlapDays: 30, now: T0 });
    const t1 = new Date(T0.getTime() + 10 * DAY);
    const second = await rotateResultKey({ dataDir: t.dir, keyStore: t.keyStore, overlapDays: 5, now: t1 });
    assert.equal(second.name, 'result-signing-3');
    assert.equal(second.previous.kid, first.kid);
    const { state } = await readResultKeyState(t.dir);
    assert.deepEqual(state.retired.map((k) => [k.name, k.publishUntil.toISOString()]), [
      ['result-signing-2', '2026-03-16T08:00:00.000Z'],
      ['result-signing', '2026-03-31T08:00:00.000Z'],
    ]);
    const set = await openResultKeySet({ dataDir: t.dir, keyStore: t.keyStore });
    const kids = (at: Date) => set.published(at).map((k) => k.kid);
    assert.deepEqual(kids(t1), [second.kid, first.kid, first.previous.kid]);
    assert.deepEqual(kids(new Date('2026-03-20T00:00:00Z')), [second.kid, first.previous.kid]);
    assert.deepEqual(kids(new Date('2026-04-01T00:00:00Z')), [second.kid]);
  });

  const badOverlaps: Array<[string, number]> = [
    ['0 days', 0],
    ['366 days (max + 1)', 366],
    ['negative', -1],
    ['a fraction', 1.5],
    ['NaN', Number.NaN],
  ];
  for (const [what, overlapDays] of badOverlaps) {
    it(`refuses an overlap of ${what} with result_key_overlap_invalid, changing nothing`, async () => {
      const was = snapshot(t);
      await assert.rejects(rotateResultKey({ dataDir: t.dir, keyStore: t.keyStore, overlapDays }), (e) => isPkiError(e, 'result_key_overlap_invalid'));
      assert.deepEqual(snapshot(t), was);
    });
  }

  it('accepts the bounds: 1 and 365 days', async () => {
    const a = await rotateResultKey({ dataDir: t.dir, keyStore: t.keyStore, overlapDays: 1, now: T0 });
    assert.equal(a.previous.publishUntil.getTime(), T0.getTime() + DAY);
    const b = await rotateResultKey({ dataDir: t.dir, keyStore: t.keyStore, overlapDays: 365, now: T0 });
    assert.equal(b.previous.publishUntil.getTime(), T0.getTime() + 365 * DAY);
  });

  it('defaults to 30 days of overlap', async () => {
    const r = await rotateResultKey({ dataDir: t.dir, keyStore: t.keyStore, now: T0 });
    assert.equal(r.previous.publishUntil.getTime(), T0.getTime() + 30 * DAY);
  });

  it('removes the new key and keeps the old state when writing result-keys.json fails', async () => {
    await rotateResultKey({ dataDir: t.dir, keyStore: t.keyStore, now: T0 });
    const was = snapshot(t);
    // A directory where the temporary file goes: the write fails for real.
    mkdirSync(`${resultKeyStatePath(t.dir)}.tmp`);
    await assert.rejects(rotateResultKey({ dataDir: t.dir, keyStore: t.keyStore, now: T0 }), (e) => isPkiError(e, 'ca_state_corrupt'));
    assert.equal(await t.keyStore.has('result-signing-3'), false, 'the key generated for the failed rotation is gone');
    assert.deepEqual(snapshot(t), was);
    assert.equal(existsSync(`${resultKeyStatePath(t.dir)}.lock`), false, 'the lock is released');
    rmSync(`${resultKeyStatePath(t.dir)}.tmp`, { recursive: true });
    assert.equal((await rotateResultKey({ dataDir: t.dir, keyStore: t.keyStore, now: T0 })).name, 'result-signing-3');
  });

  it('changes nothing when the key store cannot generate the key', async () => {
    const was = snapshot(t);
    const failing: KeyStore = {
      ...t.keyStore,
      kind: t.keyStore.kind,
      has: (n) => t.keyStore.has(n),
      getSigner: (n) => t.keyStore.getSigner(n),
      remove: (n) => t.keyStore.remove(n),
      close: async () => undefined,
      generate: async () => {
        throw Object.assign(new Error('token full'), { code: 'CKR_DEVICE_MEMORY' });
      },
    };
    await assert.rejects(rotateResultKey({ dataDir: t.dir, keyStore: failing }), /token full/);
    assert.deepEqual(snapshot(t), was);
    assert.deepEqual(leftovers(t), []);
  });

  it('refuses while another rotation holds the lock (ca_busy) and leaves its lock alone', async () => {
    const lock = `${resultKeyStatePath(t.dir)}.lock`;
    writeFileSync(lock, '4242 2026-03-01T08:00:00.000Z\n');
    const was = snapshot(t);
    await assert.rejects(rotateResultKey({ dataDir: t.dir, keyStore: t.keyStore }), (e) => isPkiError(e, 'ca_busy'));
    assert.deepEqual(snapshot(t), was);
    assert.equal(readFileSync(lock, 'utf8'), '4242 2026-03-01T08:00:00.000Z\n');
  });

  it('two rotations at once: one succeeds, the other is refused with ca_busy', async () => {
    const results = await Promise.allSettled([
      rotateResultKey({ dataDir: t.dir, keyStore: t.keyStore }),
      rotateResultKey({ dataDir: t.dir, keyStore: t.keyStore }),
    ]);
    const codes = results.map((r) => (r.status === 'fulfilled' ? 'ok' : (r.reason as { code: PkiErrorCode }).code)).sort();
    assert.deepEqual(codes, ['ca_busy', 'ok']);
    const { state } = await readResultKeyState(t.dir);
    assert.equal(state.current.name, 'result-signing-2');
    assert.equal(state.retired.length, 1);
  });

  it('skips a versioned name already taken in the key store (left by a failed clean-up)', async () => {
    await t.keyStore.generate('result-signing-2', 'P-256');
    const r = await rotateResultKey({ dataDir: t.dir, keyStore: t.keyStore, now: T0 });
    assert.equal(r.name, 'result-signing-3');
  });

  const corruptions: Array<[string, (s: any) => unknown, PkiErrorCode]> = [
    ['not JSON', () => '{"version": 1,', 'ca_state_corrupt'],
    ['an unknown version', (s) => ({ ...s, version: 2 }), 'ca_state_corrupt'],
    ['a retired kid that is not the thumbprint', (s) => ({ ...s, retired: [{ ...s.retired[0], jwk: { ...s.retired[0].jwk, kid: 'A'.repeat(43) } }] }), 'ca_state_corrupt'],
    ['a bad publishUntil', (s) => ({ ...s, retired: [{ ...s.retired[0], publishUntil: 'next month' }] }), 'ca_state_corrupt'],
    ['a current kid that is not the key store key', (s) => ({ ...s, current: { ...s.current, kid: s.retired[0].jwk.kid } }), 'ca_state_corrupt'],
    ['a current key missing from the key store', (s) => ({ ...s, current: { ...s.current, name: 'result-signing-9' } }), 'key_not_found'],
  ];
  for (const [what, change, code] of corruptions) {
    it(`refuses a result-keys.json with ${what} (${code}) when opening and when rotating`, async () => {
      await rotateResultKey({ dataDir: t.dir, keyStore: t.keyStore, now: T0 });
      const file = resultKeyStatePath(t.dir);
      const changed = change(JSON.parse(readFileSync(file, 'utf8')));
      writeFileSync(file, typeof changed === 'string' ? changed : JSON.stringify(changed));
      const was = snapshot(t);
      await assert.rejects(openResultKeySet({ dataDir: t.dir, keyStore: t.keyStore }), (e) => isPkiError(e, code));
      await assert.rejects(rotateResultKey({ dataDir: t.dir, keyStore: t.keyStore }), (e) => isPkiError(e, code));
      assert.deepEqual(snapshot(t), was);
      assert.deepEqual(leftovers(t), []);
    });
  }

  it('refuses a data directory without a CA (ca_not_initialised)', async () => {
    const empty = join(t.dir, 'nothing-here');
    mkdirSync(empty);
    await assert.rejects(rotateResultKey({ dataDir: empty, keyStore: t.keyStore }), (e) => isPkiError(e, 'ca_not_initialised'));
    assert.equal(await t.keyStore.has('result-signing-2'), false);
  });

  it('readers never see half a file while rotations replace it', async () => {
    let reads = 0;
    let stop = false;
    const reader = (async () => {
      while (!stop) {
        const { state } = await readResultKeyState(t.dir); // throws on a torn file
        assert.ok(state.current.name.startsWith(keyNames.resultSigning));
        reads++;
        await new Promise((r) => setImmediate(r));
      }
    })();
    for (let i = 0; i < 5; i++) await rotateResultKey({ dataDir: t.dir, keyStore: t.keyStore });
    stop = true;
    await reader;
    assert.ok(reads > 0);
    assert.equal((await readResultKeyState(t.dir)).state.retired.length, 5);
  });
});
