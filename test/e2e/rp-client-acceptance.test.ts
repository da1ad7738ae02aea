// Acceptance of the relying-party features, end to end on the production
// stack: `cardauth serve` as a child process on PostgreSQL and Redis; a
// citizen card issued by the station commands on a firmware-sim card file;
// the RP registered by admin staff with the CLI (API key and webhook
// endpoint). The RP itself uses only the client library (@cardauth/client,
// imported by its package name) and a webhook receiver on loopback built with
// it:
//   - a challenge for 1,250,000.00 KHR with evidence and an Idempotency-Key
//     (a retry answers the same challenge); the terminal (`cardauth terminal
//     --sim-card`, PIN on stdin) completes it; the RP long-polls the outcome,
//     verifies the JWS against the JWKS and the evidence against the issuing
//     CA certificate;
//   - the webhook arrives once, signed; a redelivery the RP asks for is
//     refused by the receiver's check as a replay;
//   - the receiver is made unavailable, a second authentication completes,
//     the service is killed with SIGKILL before the webhook could be
//     delivered, then the service and the receiver are started again: the
//     webhook still arrives, once.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CardauthClient, MemoryReplayGuard, webhookListener, type WebhookEvent, type WebhookVerificationError } from 'cardauth/client';
import { waitFor } from '../support/pcsc.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { CARDAUTH_BIN as CARDAUTH, FIRMWARE_SIM_BIN as FIRMWARE_SIM, runBin as run, startService, type Ran, type RunningService } from '../support/run-bin.js';

const ADMIN_PASSWORD = 'acceptance first pass phrase 1';
const OFFICER_PASSWORD = 'acceptance officer pass phrase 2';
const CITIZEN_PIN = '590314';
const TXN = { amount: '1250000.00', currency: 'KHR', payee: 'Chip Mong Land Co., Ltd.', reference: 'DEED-2026-0118' } as const;

async function freePort(): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1');
  await new Promise<void>((r) => s.once('listening', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('e2e acceptance (RP features): client library, long-poll, evidence, webhooks across a SIGKILL', function () {
  this.timeout(300_000);
  let dir: string;
  let pg: TestPostgres;
  let redis: TestRedis;
  let service: RunningService | undefined;
  let receiverServer: Server | undefined;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cardauth-rp-acceptance-'));
    [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
  });
  after(async () => {
    if (service && service.child.exitCode === null && service.child.signalCode === null) await service.stop();
    receiverServer?.closeAllConnections();
    receiverServer?.close();
    await redis?.stop();
    await pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('an RP with only the client library and a webhook receiver authenticates a citizen; the webhook survives a SIGKILL of the service', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = {
      CARDAUTH_DATA_DIR: join(dir, 'data'),
      CARDAUTH_HOST: '127.0.0.1',
      CARDAUTH_PORT: String(port),
      CARDAUTH_LOG_LEVEL: 'info',
      DATABASE_URL: pg.url,
      REDIS_URL: redis.url,
      CARDAUTH_KEY_PASSPHRASE: 'acceptance key passphrase, long enough',
      CARDAUTH_KEY_PASSPHRASE_FILE: '',
      CARDAUTH_WORKERS: '',
      CARDAUTH_WEBHOOK_RETRY_SECONDS: '2,2,2,2,2,2,2,2',
      CARDAUTH_STAFF_TOKEN: '',
      CARDAUTH_STAFF_USER: '',
      CARDAUTH_STAFF_PASSWORD_FILE: '',
      CARDAUTH_RP_KEY: '',
    };
    const ok = (what: string, r: Ran) => assert.equal(r.code, 0, `${what}: ${r.stdout}${r.stderr}`);

    // Operator and issuance office: the service (initialises the data directory), staff, a card.
    service = await startService(env);
    ok('staff add admin', await run(CARDAUTH, ['staff', 'add', '--username', 'admin', '--role', 'admin', '--display-name', 'First Admin'], env, `${ADMIN_PASSWORD}\n`));
    const adminToken = (await run(CARDAUTH, ['staff', 'login', '--username', 'admin'], env, `${ADMIN_PASSWORD}\n`)).stdout.trim();
    const admin = { ...env, CARDAUTH_STAFF_TOKEN: adminToken };
    ok('staff add officer', await run(CARDAUTH, ['staff', 'add', '--username', 'olivia', '--role', 'officer', '--display-name', 'Olivia Officer'], admin, `${OFFICER_PASSWORD}\n`));
    const cardFile = join(dir, 'card.json');
    const serial = 63_000_000 + Math.floor(Math.random() * 1_000_000);
    ok('manufacture', await run(FIRMWARE_SIM, ['manufacture', '--serial', String(serial), '--out', cardFile, '--factory-dir', join(dir, 'factory')], env));
    const root = await run(FIRMWARE_SIM, ['factory-root', '--factory-dir', join(dir, 'factory')], env);
    writeFileSync(join(dir, 'factory-root.pem'), root.stdout);
    writeFileSync(join(dir, 'olivia.pw'), `${OFFICER_PASSWORD}\n`, { mode: 0o600 });
    const officer = { ...env, CARDAUTH_STAFF_USER: 'olivia', CARDAUTH_STAFF_PASSWORD_FILE: join(dir, 'olivia.pw'), CARDAUTH_MANUFACTURER_ROOTS: join(dir, 'factory-root.pem') };
    ok('stock receive', await run(CARDAUTH, ['stock', 'receive', '--sim-card', cardFile], officer));
    ok('enrol', await run(CARDAUTH, ['enrol', '--national-id', 'ACC000001', '--surname', 'Chan', '--given-name', 'Sreymom', '--birth-date', '1993-06-15'], officer));
    ok('issue', await run(CARDAUTH, ['issue', '--sim-card', cardFile, '--national-id', 'ACC000001'], officer, `${CITIZEN_PIN}\n`));

    // The RP's webhook receiver, on a port that stays the same across its restart.
    const receiverPort = await freePort();
    const events: Array<{ id: string; event: WebhookEvent }> = [];
    const refused: WebhookVerificationError[] = [];
    const replay = new MemoryReplayGuard();

    // Admin staff register the RP and its endpoint; the signing secret is shown once.
    const rp = await run(CARDAUTH, ['rp', 'add', '--name', 'Acceptance Bank', '--terminal', 'branch-7'], admin);
    ok('rp add', rp);
    const apiKey = /Authorization: Bearer (\S+)$/m.exec(rp.stdout)![1]!;
    const rpId = /^rp (rp_\S+)/m.exec(rp.stdout)![1]!;
    const hook = await run(CARDAUTH, ['rp', 'webhook', 'add', rpId, '--url', `http://127.0.0.1:${receiverPort}/cardauth/events`], admin);
    ok('rp webhook add', hook);
    const secret = /^secret:\s+(whsec_\S+)$/m.exec(hook.stdout)![1]!;

    const startReceiver = async (): Promise<Server> => {
      const s = createServer(webhookListener({ secret, replay, onEvent: (event, id) => void events.push({ id, event }), onRefused: (e) => void refused.push(e) }));
      s.listen(receiverPort, '127.0.0.1');
      await new Promise<void>((r) => s.once('listening', () => r()));
      return s;
    };
    receiverServer = await startReceiver();

    // ---- The RP, with the client library only. ----
    const client = new CardauthClient({ baseUrl: base, credential: { apiKey } });
    const config = await client.configuration();
    assert.equal(config.issuer, base);
    assert.equal(config.evidence_supported, true);
    const issuingCa = Buffer.from(await (await fetch(`${base}/pki/issuing.crt`)).arrayBuffer());

    const authenticate = async (idempotencyKey: string) => {
      const ch = await client.createChallenge({ terminalId: 'branch-7', transaction: TXN, evidence: true }, { idempotencyKey });
      const retried = await client.createChallenge({ terminalId: 'branch-7', transaction: TXN, evidence: true }, { idempotencyKey });
      assert.equal(retried.id, ch.id, 'a retry with the same Idempotency-Key is the same challenge');
      assert.deepEqual([ch.replayed, retried.replayed], [false, true]);
      // The RP waits by long-poll while its terminal does the card part.
      const outcome = client.waitForOutcome(ch.id, { timeoutMs: 120_000 });
      const term = await run(CARDAUTH, ['terminal', '--sim-card', cardFile, '--server', base, '--challenge', ch.id, '--terminal-id', 'branch-7'], { ...env, CARDAUTH_RP_KEY: apiKey }, `${CITIZEN_PIN}\n`);
      ok('terminal', term);
      assert.match(term.stdout, /1,250,000\.00 KHR/);
      return { ch, state: await outcome, term };
    };

    const first = await authenticate('order-2026-0001');
    assert.equal(first.state.status, 'completed');
    if (first.state.status !== 'completed') return;
    const { claims, evidence } = await client.verifyResult(first.state.result, { challengeId: first.ch.id, issuingCa });
    assert.equal(claims.aud, rpId);
    assert.equal(claims.card_serial, String(serial));
    assert.equal(claims.pinVerified, 'on-card');
    assert.deepEqual(claims.txn, TXN);
    assert.equal(evidence!.input, first.ch.signingInput.input, 'the card signed this transaction, as the evidence proves');

    // The webhook: once, with the same result.
    await waitFor(() => events.length >= 1 || undefined, { what: 'the completed webhook', timeoutMs: 30_000 });
    assert.equal(events.length, 1);
    const ev = events[0]!.event;
    assert.equal(ev.type, 'auth.challenge.completed');
    if (ev.type !== 'auth.challenge.completed') return;
    assert.equal(ev.data.challengeId, first.ch.id);
    assert.equal(ev.data.result, first.state.result);
    // A redelivery, asked for by the RP: the receiver's check refuses it as a replay.
    const [delivered] = await client.listDeliveries({ status: 'delivered' });
    assert.equal(delivered!.id, events[0]!.id);
    await client.redeliver(delivered!.id);
    await waitFor(() => refused.length >= 1 || undefined, { what: 'the redelivery to be refused', timeoutMs: 30_000 });
    assert.deepEqual(refused.map((e) => e.reason), ['replayed']);
    assert.equal(events.length, 1, 'the redelivered message was not processed again');

    // The receiver goes away; the next authentication's webhook cannot be delivered;
    // the service is killed before it could be; then both come back.
    await new Promise<void>((r) => {
      receiverServer!.closeAllConnections();
      receiverServer!.close(() => r());
    });
    receiverServer = undefined;
    const second = await authenticate('order-2026-0002');
    assert.equal(second.state.status, 'completed');
    service.child.kill('SIGKILL');
    await new Promise<void>((r) => (service!.child.exitCode !== null || service!.child.signalCode !== null ? r() : service!.child.once('exit', () => r())));
    assert.equal(service.child.signalCode, 'SIGKILL');
    assert.equal(events.length, 1, 'nothing could arrive while the receiver was down');
    service = await startService(env);
    receiverServer = await startReceiver();
    await waitFor(() => events.length >= 2 || undefined, { what: 'the webhook after the restart', timeoutMs: 60_000 });
    const late = events[1]!.event;
    assert.equal(late.type, 'auth.challenge.completed');
    if (late.type === 'auth.challenge.completed' && second.state.status === 'completed') {
      assert.equal(late.data.challengeId, second.ch.id);
      assert.equal(late.data.result, second.state.result);
      await client.verifyResult(late.data.result, { challengeId: second.ch.id, issuingCa });
    }
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(events.length, 2, 'each webhook processed once');
    assert.ok(!service.stderr().includes(CITIZEN_PIN), 'the PIN is in no service log');
    assert.ok(!service.stderr().includes(secret.slice(6)), 'the webhook secret is in no service log');
    assert.equal(await service.stop(), 0);
    service = undefined;
  });
});
