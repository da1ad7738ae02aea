// Relying parties on a real PostgreSQL registry: registration with its audit
// entry in the same transaction, nothing half-written on bad input, secrets
// stored only as keyed hashes, rotation overlap, disable, and the CLI
// (`cardauth rp add|rotate|update|disable|enable|list`) printing the secret
// exactly once; updates checked whole, audited field by field.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { runWith, type RpAdmin } from '../../src/cli/commands/rp.js';
import type { CliIo } from '../../src/cli/io.js';
import { readAuditLog, verifyAuditChain } from '../../src/registry/index.js';
import { createRpAuthenticator } from '../../src/rp/authenticate.js';
import { hashSecret, parseBearer, secretMatches } from '../../src/rp/credentials.js';
import { findCredential } from '../../src/rp/repo/find-credential.js';
import { issueTerminalCredential } from '../../src/rp/repo/issue-terminal-credential.js';
import { registerRp } from '../../src/rp/repo/register-rp.js';
import { revokeCredential } from '../../src/rp/repo/revoke-credential.js';
import { rotateCredential } from '../../src/rp/repo/rotate-credential.js';
import { setRpStatus } from '../../src/rp/repo/set-rp-status.js';
import { updateRp } from '../../src/rp/repo/update-rp.js';
import { FixedClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/log.js';
import { openRegistry, peppers, type Registry } from '../auth/support/fixture.js';

function io(): CliIo & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let o = '';
  let e = '';
  stdout.on('data', (d) => (o += d));
  stderr.on('data', (d) => (e += d));
  return { stdin: new PassThrough(), stdout, stderr, env: {}, out: () => o, err: () => e };
}

describe('relying parties (PostgreSQL)', function () {
  this.timeout(60_000);
  let reg: Registry;
  before(async () => {
    reg = await openRegistry();
  });
  after(async () => reg?.close());

  const auditOf = async (subject: string) => (await readAuditLog(reg.db, { subject, limit: 100 })).sort((a, b) => a.seq - b.seq);
  const admin = (): RpAdmin => ({ sql: reg.db, apiPepper: peppers.apiSecret, webhookSeal: peppers.webhookSeal, actor: 'cli:test', now: () => new Date(), close: async () => undefined });

  it('registers with an audit entry; stores only HMAC(pepper, secret)', async () => {
    const { rp, credential } = await registerRp(reg.db, { name: 'ACLEDA Bank', scopes: ['auth', 'ekyc'], ekycAttributes: ['givenName'], terminals: ['atm-7', 'branch-1:desk-2'] }, peppers.apiSecret, 'staff:1', new Date());
    assert.match(rp.id, /^rp_/);
    assert.deepEqual(rp.terminals, ['atm-7', 'branch-1:desk-2']);
    const rows = await reg.db.query<{ secret_hash: Uint8Array }>('SELECT secret_hash FROM rp_credentials WHERE rp_id = $1', [rp.id]);
    assert.equal(rows.length, 1);
    assert.deepEqual(Buffer.from(rows[0]!.secret_hash), hashSecret(peppers.apiSecret, credential.secret));
    const dump = JSON.stringify(await reg.db.query('SELECT * FROM rp_credentials')) + JSON.stringify(await readAuditLog(reg.db, { limit: 1000 }));
    assert.ok(!dump.includes(credential.secret), 'the secret is nowhere in the registry');
    const audit = await auditOf(`rp:${rp.id}`);
    assert.deepEqual(audit.map((e) => e.action), ['rp.register']);
    assert.equal((await verifyAuditChain(reg.db)).ok, true);
    assert.equal(secretMatches(peppers.apiSecret, credential.secret, (await findCredential(reg.db, credential.keyId))!.secretHash), true);
    assert.equal(secretMatches(peppers.apiSecret, credential.secret.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')), (await findCredential(reg.db, credential.keyId))!.secretHash), false);
  });

  it('refuses bad registrations and leaves nothing behind', async () => {
    const before = (await reg.db.query<{ n: string }>('SELECT count(*)::text AS n FROM relying_parties'))[0]!.n;
    for (const bad of [
      { name: 'x', scopes: ['auth'] as const, terminals: ['bad terminal id'] },
      { name: 'x', scopes: ['auth'] as const, terminals: [] },
      { name: 'x', scopes: ['auth'] as const, ekycAttributes: ['givenName'] as const, terminals: ['t1'] },
      { name: '', scopes: ['auth'] as const, terminals: ['t1'] },
    ]) {
      await assert.rejects(registerRp(reg.db, bad, peppers.apiSecret, 'staff:1', new Date()), (e: { code?: string }) => e.code === 'rp_invalid');
    }
    await registerRp(reg.db, { name: 'Twice Bank', scopes: ['auth'], terminals: ['t1'] }, peppers.apiSecret, 'staff:1', new Date());
    await assert.rejects(registerRp(reg.db, { name: 'twice bank', scopes: ['auth'], terminals: ['t1'] }, peppers.apiSecret, 'staff:1', new Date()));
    const after = (await reg.db.query<{ n: string }>('SELECT count(*)::text AS n FROM relying_parties'))[0]!.n;
    assert.equal(Number(after), Number(before) + 1);
  });

  it('parses only well-formed bearer credentials', () => {
    assert.equal(parseBearer(undefined), undefined);
    assert.equal(parseBearer('Basic abc'), undefined);
    assert.equal(parseBearer(`Bearer rpk_${'a'.repeat(22)}.${'b'.repeat(42)}`), undefined);
    assert.deepEqual(parseBearer(`Bearer rpk_${'a'.repeat(22)}.${'b'.repeat(43)}`), { keyId: `rpk_${'a'.repeat(22)}`, secret: 'b'.repeat(43) });
  });

  it('the authenticator caches credentials only for its TTL', async () => {
    const clock = new FixedClock(new Date());
    const { rp, credential } = await registerRp(reg.db, { name: 'Cache Bank', scopes: ['auth'], terminals: ['t1'] }, peppers.apiSecret, 'staff:1', clock.now());
    const a = createRpAuthenticator({ sql: reg.db, apiPepper: peppers.apiSecret, clock, log: silentLogger, cacheTtlMs: 5000 });
    assert.equal((await a.authenticate(`Bearer ${credential.token}`)).rp.id, rp.id);
    await reg.db.query(`UPDATE relying_parties SET status = 'disabled' WHERE id = $1`, [rp.id]);
    assert.equal((await a.authenticate(`Bearer ${credential.token}`)).rp.id, rp.id, 'within the TTL');
    clock.advance(5000);
    await assert.rejects(a.authenticate(`Bearer ${credential.token}`), (e: { code?: string }) => e.code === 'rp_disabled');
  });

  it('updates terminals, scopes, attributes and limits in one audited transaction; a change of nothing writes nothing', async () => {
    const { rp } = await registerRp(reg.db, { name: 'Prasac Bank', scopes: ['auth'], terminals: ['atm-1', 'atm-2'], rateLimitPerMinute: 600 }, peppers.apiSecret, 'staff:1', new Date());
    const { rp: after, changed } = await updateRp(
      reg.db,
      rp.id,
      { addTerminals: ['atm-3', 'atm-1'], removeTerminals: ['atm-2'], scopes: ['auth', 'ekyc'], ekycAttributes: ['surname', 'givenName'], terminalRatePerMinute: 30 },
      'staff:2',
      new Date(),
    );
    assert.deepEqual(after.terminals, ['atm-1', 'atm-3']);
    assert.deepEqual([...after.scopes].sort(), ['auth', 'ekyc']);
    assert.deepEqual([...after.ekycAttributes].sort(), ['givenName', 'surname']);
    assert.equal(after.rateLimitPerMinute, 600, 'a limit not named stays');
    assert.equal(after.terminalRatePerMinute, 30);
    assert.deepEqual(changed.terminalsAdded, ['atm-3'], 'atm-1 was registered already');
    assert.deepEqual(changed.terminalsRemoved, ['atm-2']);
    assert.equal(changed.rateLimitPerMinute, undefined);
    const entries = await auditOf(`rp:${rp.id}`);
    assert.deepEqual(entries.map((e) => e.action), ['rp.register', 'rp.update']);
    const data = JSON.parse(JSON.stringify(entries[1]!.data)) as Record<string, unknown>;
    assert.deepEqual(data['terminalsAdded'], ['atm-3']);
    assert.deepEqual(data['terminalRatePerMinute'], { from: 60, to: 30 });
    assert.equal(entries[1]!.actor, 'staff:2');
    const same = await updateRp(reg.db, rp.id, { addTerminals: ['atm-3'], rateLimitPerMinute: 600 }, 'staff:2', new Date());
    assert.deepEqual(same.changed, {});
    assert.equal((await auditOf(`rp:${rp.id}`)).length, 2, 'no entry for a change of nothing');
    assert.equal((await verifyAuditChain(reg.db)).ok, true);
  });

  it('refuses an update whose result would not be a valid registration, and writes nothing', async () => {
    const { rp } = await registerRp(reg.db, { name: 'Sathapana Bank', scopes: ['auth', 'ekyc'], ekycAttributes: ['givenName'], terminals: ['pos-1'] }, peppers.apiSecret, 'staff:1', new Date());
    await registerRp(reg.db, { name: 'Hattha Bank', scopes: ['auth'], terminals: ['t1'] }, peppers.apiSecret, 'staff:1', new Date());
    const snapshot = async () =>
      JSON.stringify([await reg.db.query('SELECT * FROM relying_parties WHERE id = $1', [rp.id]), await reg.db.query('SELECT * FROM terminals WHERE rp_id = $1 ORDER BY terminal_id', [rp.id]), await auditOf(`rp:${rp.id}`)]);
    const before = await snapshot();
    for (const [changes, why] of [
      [{ removeTerminals: ['pos-1'] }, /at least one terminal/],
      [{ removeTerminals: ['pos-9'] }, /not registered/],
      [{ addTerminals: ['pos-2'], removeTerminals: ['pos-2'] }, /both added and removed/],
      [{ addTerminals: ['bad terminal'] }, /terminal id/],
      [{ scopes: ['auth'] }, /need the ekyc scope/],
      [{ scopes: [] }, /scopes must be/],
      [{ rateLimitPerMinute: 0 }, /rate limit/],
      [{ name: 'HATTHA BANK' }, /another relying party is named/],
      [{ name: '  ' }, /name/],
    ] as const) {
      await assert.rejects(updateRp(reg.db, rp.id, changes, 'staff:2', new Date()), (e: { code?: string; message?: string }) => e.code === 'rp_invalid' && why.test(e.message ?? ''), JSON.stringify(changes));
    }
    await assert.rejects(updateRp(reg.db, 'rp_nosuchrp', { rateLimitPerMinute: 5 }, 'staff:2', new Date()), (e: { code?: string }) => e.code === 'rp_not_found');
    assert.equal(await snapshot(), before, 'nothing written by a refused update');
    // Clearing the attributes with the scope is one valid change.
    const { rp: plain } = await updateRp(reg.db, rp.id, { scopes: ['auth'], ekycAttributes: [] }, 'staff:2', new Date());
    assert.deepEqual(plain.ekycAttributes, []);
  });

  it('disables and enables again, each audited once; repeating the status writes nothing', async () => {
    const { rp } = await registerRp(reg.db, { name: 'AMK Bank', scopes: ['auth'], terminals: ['t1'] }, peppers.apiSecret, 'staff:1', new Date());
    assert.equal((await setRpStatus(reg.db, rp.id, 'disabled', 'audit finding', 'staff:1', new Date())).changed, true);
    assert.equal((await setRpStatus(reg.db, rp.id, 'disabled', 'again', 'staff:1', new Date())).changed, false);
    const enabled = await setRpStatus(reg.db, rp.id, 'active', 'finding closed', 'staff:1', new Date());
    assert.equal(enabled.rp.status, 'active');
    assert.deepEqual((await auditOf(`rp:${rp.id}`)).map((e) => e.action), ['rp.register', 'rp.disable', 'rp.enable']);
  });

  it('terminal keys: bound to a registered terminal, untouched by an RP rotation, revocable one by one, removed with their terminal', async () => {
    const clock = new FixedClock(new Date());
    const { rp, credential: rpKey } = await registerRp(reg.db, { name: 'Canadia Bank', scopes: ['auth'], terminals: ['atm-1', 'atm-2'] }, peppers.apiSecret, 'staff:1', clock.now());
    const a = createRpAuthenticator({ sql: reg.db, apiPepper: peppers.apiSecret, clock, log: silentLogger, cacheTtlMs: 0 });
    await assert.rejects(issueTerminalCredential(reg.db, rp.id, 'atm-9', peppers.apiSecret, 'staff:1', clock.now()), (e: { code?: string }) => e.code === 'rp_invalid');
    await assert.rejects(issueTerminalCredential(reg.db, 'rp_nosuchrp', 'atm-1', peppers.apiSecret, 'staff:1', clock.now()), (e: { code?: string }) => e.code === 'rp_not_found');
    const one = await issueTerminalCredential(reg.db, rp.id, 'atm-1', peppers.apiSecret, 'staff:1', clock.now());
    const two = await issueTerminalCredential(reg.db, rp.id, 'atm-2', peppers.apiSecret, 'staff:1', clock.now());
    assert.equal((await a.authenticate(`Bearer ${one.credential.token}`)).terminal, 'atm-1');
    assert.equal((await a.authenticate(`Bearer ${rpKey.token}`)).terminal, undefined, 'the RP-wide key speaks for no one terminal');
    // An RP rotation closes the RP-wide keys only.
    await rotateCredential(reg.db, rp.id, 0, peppers.apiSecret, 'staff:1', clock.now());
    clock.advance(1000);
    await assert.rejects(a.authenticate(`Bearer ${rpKey.token}`), (e: { code?: string }) => e.code === 'unauthorized');
    assert.equal((await a.authenticate(`Bearer ${two.credential.token}`)).terminal, 'atm-2');
    // One key revoked; the other terminal's stays.
    assert.equal((await revokeCredential(reg.db, two.credential.keyId, 'terminal stolen', 'staff:1', clock.now())).changed, true);
    assert.equal((await revokeCredential(reg.db, two.credential.keyId, 'again', 'staff:1', clock.now())).changed, false);
    await assert.rejects(a.authenticate(`Bearer ${two.credential.token}`), (e: { code?: string }) => e.code === 'unauthorized');
    assert.equal((await a.authenticate(`Bearer ${one.credential.token}`)).terminal, 'atm-1');
    // Removing the terminal removes its key, and the audit entry names it.
    const { changed } = await updateRp(reg.db, rp.id, { removeTerminals: ['atm-1'] }, 'staff:1', clock.now());
    assert.deepEqual(changed.terminalKeysRemoved, [one.credential.keyId]);
    await assert.rejects(a.authenticate(`Bearer ${one.credential.token}`), (e: { code?: string }) => e.code === 'unauthorized');
    assert.deepEqual((await auditOf(`rp:${rp.id}`)).map((e) => e.action), ['rp.register', 'rp.credential.terminal', 'rp.credential.terminal', 'rp.credential.rotate', 'rp.credential.revoke', 'rp.update']);
    const dump = JSON.stringify(await reg.db.query('SELECT * FROM rp_credentials')) + JSON.stringify(await readAuditLog(reg.db, { limit: 1000 }));
    assert.ok(!dump.includes(one.credential.secret) && !dump.includes(two.credential.secret), 'no terminal secret in the registry');
    await assert.rejects(revokeCredential(reg.db, 'rpk_nosuchkeynosuchkeynos', '', 'staff:1', clock.now()), (e: { code?: string }) => e.code === 'rp_not_found');
  });

  it('CLI: add prints the secret once; list never shows it; rotate and disable are audited', async () => {
    const add = io();
    assert.equal(await runWith(['add', '--name', 'Wing Bank', '--terminal', 'pos-1', '--terminal', 'pos-2', '--scope', 'auth', '--scope', 'ekyc', '--attribute', 'surname', '--rate', '600'], add, async () => admin()), 0);
    const secret = /secret:\s+(\S+)/.exec(add.out())![1]!;
    const rpId = /rp (rp_\S+)/.exec(add.out())![1]!;
    assert.match(secret, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(add.out().split(secret).length - 1, 2, 'the secret appears in the secret line and the header example only');
    const list = io();
    assert.equal(await runWith(['list'], list, async () => admin()), 0);
    assert.ok(list.out().includes(rpId) && list.out().includes('pos-1,pos-2') && list.out().includes('rate=600/min'));
    assert.ok(!list.out().includes(secret));
    const rot = io();
    assert.equal(await runWith(['rotate', rpId, '--overlap', '60'], rot, async () => admin()), 0);
    assert.match(rot.out(), /previous credentials stay valid until/);
    const dis = io();
    assert.equal(await runWith(['disable', rpId, '--reason', 'contract ended'], dis, async () => admin()), 0);
    const upd = io();
    assert.equal(await runWith(['update', rpId, '--add-terminal', 'pos-3', '--remove-terminal', 'pos-1', '--no-attributes', '--scope', 'auth', '--rate', '1200'], upd, async () => admin()), 0);
    assert.match(upd.out(), /updated\n/);
    assert.match(upd.out(), /terminals added: pos-3\n/);
    assert.match(upd.out(), /terminals removed: pos-1\n/);
    assert.match(upd.out(), /attributes: surname -> -\n/);
    assert.match(upd.out(), /rate: 600\/min -> 1200\/min\n/);
    const again = io();
    assert.equal(await runWith(['update', rpId, '--add-terminal', 'pos-3'], again, async () => admin()), 0);
    assert.match(again.out(), /unchanged/);
    const tk = io();
    assert.equal(await runWith(['terminal-key', rpId, '--terminal', 'pos-3'], tk, async () => admin()), 0);
    const tkSecret = /secret:\s+(\S+)/.exec(tk.out())![1]!;
    const tkId = /key id: (\S+)/.exec(tk.out())![1]!;
    assert.equal(tk.out().split(tkSecret).length - 1, 2, 'the terminal secret appears in the secret line and the header example only');
    await assert.rejects(runWith(['terminal-key', rpId], io(), async () => admin()), (e: { code?: string }) => e.code === 'usage');
    const listed = io();
    assert.equal(await runWith(['list'], listed, async () => admin()), 0);
    assert.match(listed.out(), new RegExp(`key ${tkId}\tterminal pos-3\t`));
    assert.ok(!listed.out().includes(tkSecret));
    const rk = io();
    assert.equal(await runWith(['revoke-key', tkId, '--reason', 'terminal replaced'], rk, async () => admin()), 0);
    assert.match(rk.out(), /revoked/);
    const en = io();
    assert.equal(await runWith(['enable', rpId, '--reason', 'renewed'], en, async () => admin()), 0);
    assert.match(en.out(), /enabled/);
    const actions = (await auditOf(`rp:${rpId}`)).map((e) => e.action);
    assert.deepEqual(actions, ['rp.register', 'rp.credential.rotate', 'rp.disable', 'rp.update', 'rp.credential.terminal', 'rp.credential.revoke', 'rp.enable']);
    let opened = false;
    const opener = async () => ((opened = true), admin());
    await assert.rejects(runWith(['update', rpId], io(), opener), (e: { code?: string }) => e.code === 'usage');
    await assert.rejects(runWith(['update', rpId, '--attribute', 'surname', '--no-attributes'], io(), opener), (e: { code?: string }) => e.code === 'usage');
    assert.equal(opened, false, 'a usage error opens no registry');
    await assert.rejects(runWith(['update', rpId, '--remove-terminal', 'pos-2', '--remove-terminal', 'pos-3'], io(), async () => admin()), (e: { code?: string }) => e.code === 'rp_invalid');
    await assert.rejects(runWith(['disable', 'rp_nosuchrp'], io(), async () => admin()), (e: { code?: string }) => e.code === 'rp_not_found');
    await assert.rejects(runWith(['add', '--name', 'No Terminal'], io(), async () => admin()), (e: { code?: string }) => e.code === 'rp_invalid');
  });

  it('CLI: add-key registers a public JWK from a file and prints its kid; list shows it; remove-key removes it; a private JWK is refused', async () => {
    const add = io();
    assert.equal(await runWith(['add', '--name', 'Key Bank', '--terminal', 'pos-1'], add, async () => admin()), 0);
    const rpId = /rp (rp_\S+)/.exec(add.out())![1]!;
    const dir = mkdtempSync(join(tmpdir(), 'cardauth-rp-key-'));
    try {
      const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      writeFileSync(join(dir, 'bank.jwk'), JSON.stringify({ ...pair.publicKey.export({ format: 'jwk' }), kid: 'bank-2026-07' }));
      writeFileSync(join(dir, 'private.jwk'), JSON.stringify(pair.privateKey.export({ format: 'jwk' })));
      writeFileSync(join(dir, 'not.json'), 'BEGIN PUBLIC KEY');
      const k = io();
      assert.equal(await runWith(['add-key', rpId, '--jwk', join(dir, 'bank.jwk')], k, async () => admin()), 0);
      assert.match(k.out(), /client key bank-2026-07 added/);
      await assert.rejects(runWith(['add-key', rpId, '--jwk', join(dir, 'private.jwk')], io(), async () => admin()), (e: { code?: string; message?: string }) => e.code === 'rp_invalid' && /private member/.test(e.message ?? ''));
      let opened = false;
      await assert.rejects(runWith(['add-key', rpId, '--jwk', join(dir, 'not.json')], io(), async () => ((opened = true), admin())), (e: { code?: string }) => e.code === 'usage');
      await assert.rejects(runWith(['add-key', rpId], io(), async () => ((opened = true), admin())), (e: { code?: string }) => e.code === 'usage');
      assert.equal(opened, false);
      const list = io();
      assert.equal(await runWith(['list'], list, async () => admin()), 0);
      assert.match(list.out(), /client key bank-2026-07\tES256\tcreated \S+\tcurrent/);
      const rm = io();
      assert.equal(await runWith(['remove-key', rpId, '--kid', 'bank-2026-07'], rm, async () => admin()), 0);
      assert.match(rm.out(), /removed/);
      const again = io();
      assert.equal(await runWith(['remove-key', rpId, '--kid', 'bank-2026-07'], again, async () => admin()), 0);
      assert.match(again.out(), /already removed/);
      assert.deepEqual((await auditOf(`rp:${rpId}`)).map((e) => e.action), ['rp.register', 'rp.client_key.add', 'rp.client_key.remove']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('CLI: webhook add prints the signing secret once; list shows the endpoint without it; remove ends it; bad URLs and events are refused', async () => {
    const add = io();
    assert.equal(await runWith(['add', '--name', 'Hook Bank', '--terminal', 'pos-1'], add, async () => admin()), 0);
    const rpId = /rp (rp_\S+)/.exec(add.out())![1]!;
    const wh = io();
    assert.equal(await runWith(['webhook', 'add', rpId, '--url', 'http://127.0.0.1:9/cardauth', '--event', 'auth.challenge.completed', '--event', 'card.revoked'], wh, async () => admin()), 0);
    const secret = /secret:\s+(whsec_\S+)/.exec(wh.out())![1]!;
    const id = /webhook (wh_\S+)/.exec(wh.out())![1]!;
    assert.equal(wh.out().split(secret).length - 1, 1, 'the secret is printed once');
    assert.match(wh.out(), /events:\s+auth\.challenge\.completed,card\.revoked/);
    const list = io();
    assert.equal(await runWith(['webhook', 'list', rpId], list, async () => admin()), 0);
    assert.match(list.out(), new RegExp(`^${id}\thttp://127\\.0\\.0\\.1:9/cardauth\tevents=auth\\.challenge\\.completed,card\\.revoked\tcreated \\S+\tlive$`, 'm'));
    assert.ok(!list.out().includes(secret));
    await assert.rejects(runWith(['webhook', 'add', rpId, '--url', 'gopher://bank.example/'], io(), async () => admin()), (e: { code?: string }) => e.code === 'webhook_invalid');
    await assert.rejects(runWith(['webhook', 'add', rpId, '--url', 'https://bank.example/', '--event', 'card.exploded'], io(), async () => admin()), (e: { code?: string }) => e.code === 'webhook_invalid');
    await assert.rejects(runWith(['webhook', 'add', rpId], io(), async () => admin()), (e: { code?: string }) => e.code === 'usage');
    await assert.rejects(runWith(['webhook', 'fly', rpId], io(), async () => admin()), (e: { code?: string }) => e.code === 'usage');
    const rm = io();
    assert.equal(await runWith(['webhook', 'remove', id], rm, async () => admin()), 0);
    assert.match(rm.out(), new RegExp(`webhook ${id} of ${rpId} removed`));
    const after = io();
    assert.equal(await runWith(['webhook', 'list', rpId], after, async () => admin()), 0);
    assert.match(after.out(), /\tremoved \S+$/m);
    assert.deepEqual((await auditOf(`rp:${rpId}`)).map((e) => e.action), ['rp.register', 'rp.webhook.add', 'rp.webhook.remove']);
  });
});
