// The terminal's side of the HTTP API: problem+json refusals keep their code,
// 503 / network / timeouts / junk are "unavailable", and reading a challenge
// by id maps the non-pending states to the codes an operator can act on.
import assert from 'node:assert/strict';
import type { TerminalId } from '../../src/rp/ids.js';
import { callServer } from '../../src/terminal/server/http.js';
import { fetchChallenge } from '../../src/terminal/server/fetch-challenge.js';
import { fakeServer } from './support.js';

const answering = (status: number, body: string, type = 'application/json') =>
  (async () => new Response(body, { status, headers: { 'content-type': type } })) as unknown as typeof fetch;

describe('terminal server client', () => {
  const base = { url: 'http://cardauth.test', credential: 'k' };

  it('maps answers: JSON ok, problem+json refusal with its code, 503 and malformed answers unavailable', async () => {
    assert.deepEqual(await callServer({ ...base, fetch: answering(200, '{"a":1}') }, 'GET', '/x'), { kind: 'ok', status: 200, body: { a: 1 } });
    assert.deepEqual(
      await callServer({ ...base, fetch: answering(401, '{"title":"The card is revoked","code":"card_revoked"}', 'application/problem+json') }, 'GET', '/x'),
      { kind: 'refused', status: 401, code: 'card_revoked', title: 'The card is revoked' },
    );
    const unavailable = [
      answering(503, '{"code":"unavailable"}'),
      answering(502, '<html>bad gateway</html>', 'text/html'),
      answering(200, 'not json'),
      answering(400, '{"code":"Not A Code!"}'),
      answering(200, JSON.stringify({ pad: 'x'.repeat(70_000) })),
      (async () => {
        throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
      }) as unknown as typeof fetch,
    ];
    for (const f of unavailable) assert.equal((await callServer({ ...base, fetch: f }, 'GET', '/x')).kind, 'unavailable');
  });

  it('gives up after its deadline', async () => {
    const hanging = ((_u: unknown, init?: RequestInit) =>
      new Promise((_r, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)))) as unknown as typeof fetch;
    assert.deepEqual(await callServer({ ...base, fetch: hanging, timeoutMs: 30 }, 'GET', '/x'), { kind: 'unavailable', detail: 'no answer in time' });
  });

  it('sends the RP credential as a bearer token and nothing else of the terminal', async () => {
    const server = fakeServer();
    const ch = await server.create({ terminalId: 'atm-1' as TerminalId });
    const r = await fetchChallenge({ url: server.url, credential: server.credential, fetch: server.fetch }, ch.id);
    assert.equal(r.ok, true);
    assert.equal(server.requests[0]!.headers.authorization, `Bearer ${server.credential}`);
    const wrong = await fetchChallenge({ url: server.url, credential: 'nope', fetch: server.fetch }, ch.id);
    assert.deepEqual(wrong, { ok: false, kind: 'refused', status: 401, code: 'unauthorized', title: 'unauthorized' });
  });

  it('reads a challenge by id: pending → the challenge; completed / expired / failed → their codes; unknown → challenge_not_found', async () => {
    const states: Array<[object, string]> = [
      [{ status: 'completed', result: 'x', claims: {} }, 'challenge_used'],
      [{ status: 'expired' }, 'challenge_expired'],
      [{ status: 'failed', code: 'card_revoked' }, 'card_revoked'],
    ];
    for (const [body, code] of states) {
      const r = await fetchChallenge({ ...base, fetch: answering(200, JSON.stringify(body)) }, 'ch_AAAAAAAAAAAAAAAAAAAAAA');
      assert.equal(!r.ok && r.kind === 'refused' && r.code, code);
    }
    const server = fakeServer();
    const r = await fetchChallenge({ url: server.url, credential: server.credential, fetch: server.fetch }, 'ch_BBBBBBBBBBBBBBBBBBBBBB');
    assert.equal(!r.ok && r.kind === 'refused' && r.code, 'challenge_not_found');
  });

  it('a pending state without the challenge details, or with another challenge, is challenge_invalid', async () => {
    const server = fakeServer();
    const other = await server.create({ terminalId: 'atm-1' as TerminalId });
    const cases = [{ status: 'pending', expiresAt: '2026-01-01T00:00:00Z' }, { status: 'pending', challenge: other }, { status: 'weird' }];
    for (const body of cases) {
      await assert.rejects(
        fetchChallenge({ ...base, fetch: answering(200, JSON.stringify(body)) }, 'ch_AAAAAAAAAAAAAAAAAAAAAA'),
        (e: { code?: string }) => e.code === 'challenge_invalid',
      );
    }
  });
});
