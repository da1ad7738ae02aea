// Relying parties on a real PostgreSQL registry: registration with its audit
// entry in the same transaction, nothing half-written on bad input, secrets
// stored only as keyed hashes, rotation overlap, disable, and the CLI
// (`cardauth rp add|rotate|disable|list`) printing the secret exactly once.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { runWith, type RpAdmin } from '../../src/cli/commands/rp.js';
import type { CliIo } from '../../src/cli/io.js';
import { readAuditLog, verifyAuditChain } from '../../src/registry/index.js';
import { createRpAuthenticator } from '../../src/rp/authenticate.js';
import { hashSecret, parseBearer, secretMatches } from '../../src/rp/credentials.js';
import { findCredential } from '../../src/rp/repo/find-credential.js';
import { registerRp } from '../../src/rp/repo/register-rp.js';
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
  const admin = (): RpAdmin => ({ sql: reg.db, apiPepper: peppers.apiSecret, actor: 'cli:test', now: () => new Date(), close: async () => undefined });

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
    const actions = (await auditOf(`rp:${rpId}`)).map((e) => e.action);
    assert.deepEqual(actions, ['rp.register', 'rp.credential.rotate', 'rp.disable']);
    await assert.rejects(runWith(['disable', 'rp_nosuchrp'], io(), async () => admin()), (e: { code?: string }) => e.code === 'rp_not_found');
    await assert.rejects(runWith(['add', '--name', 'No Terminal'], io(), async () => admin()), (e: { code?: string }) => e.code === 'rp_invalid');
  });
});
