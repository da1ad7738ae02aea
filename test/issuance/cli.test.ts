// The issuance commands driven like a script: arguments, PIN on standard
// input (not a terminal), progress on stderr, PUK once on stdout, exit codes.
// The station is in-process (memory registry, in-process reader with a
// firmware-sim card); --sim-card runs a card file in the command's own process.
import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import { VirtualCard } from '../../firmware-sim/index.js';
import { InProcessReaders } from '../../src/card/in-process.js';
import { CliError, type CliIo } from '../../src/cli/io.js';
import { runWith as card } from '../../src/cli/commands/card.js';
import { runWith as enrol } from '../../src/cli/commands/enrol.js';
import { runWith as issue } from '../../src/cli/commands/issue.js';
import { runWith as stock } from '../../src/cli/commands/stock.js';
import type { IssuanceStation } from '../../src/cli/commands/issuance-station.js';
import type { Actor } from '../../src/issuance/ports/registry.js';
import { MemoryIssuanceRegistry } from '../../src/issuance/store/memory-registry.js';
import { TestApprovals, attestationCertOf, blankCard, makeFixture, officer, openCard, supervisor, type IssuanceFixture } from './support/fixture.js';

function io(stdin = ''): CliIo & { out(): string; err(): string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let o = '';
  let e = '';
  stdout.on('data', (d) => (o += d));
  stderr.on('data', (d) => (e += d));
  return { stdin: Readable.from([Buffer.from(stdin)]), stdout, stderr, env: {}, out: () => o, err: () => e };
}

describe('CLI: enrol, issue, card', function () {
  this.timeout(60_000);
  let f: IssuanceFixture;
  let registry: MemoryIssuanceRegistry;
  let readers: InProcessReaders;
  let serial: number;
  const approvals = new TestApprovals();
  const station = (actor: Actor) => async (): Promise<IssuanceStation> => ({
    registry,
    engineDeps: f.deps,
    approvals,
    actor,
    connect: (name) => readers.connect(name),
    close: async () => {},
  });

  before(async () => {
    registry = new MemoryIssuanceRegistry();
    f = await makeFixture({ registry });
    readers = new InProcessReaders(['Desk reader 0']);
    const c = await blankCard(f);
    serial = c.serial;
    const { channel } = await openCard(c.file);
    registry.addStock(c.serial, await attestationCertOf(channel));
    await channel.close();
    await readers.insert('Desk reader 0', await VirtualCard.open(c.file));
  });
  after(async () => {
    await readers.close();
    await f.cleanup();
  });

  it('enrol: prints the citizen; usage errors exit 2; validation errors carry the code', async () => {
    const a = io();
    assert.equal(await enrol(['--national-id', 'CLI000001', '--surname', 'Reuter', '--given-name', 'Lea', '--birth-date', '1995-12-24'], a, station(officer)), 0);
    assert.match(a.out(), /enrolled REUTER, Lea \(national ID CLI000001\)/);
    await assert.rejects(enrol(['--surname', 'X'], io(), station(officer)), (e: unknown) => e instanceof CliError && e.exitCode === 2);
    await assert.rejects(
      enrol(['--national-id', 'CLI000002', '--surname', 'Reuter', '--given-name', 'Lea', '--birth-date', '1995-13-01'], io(), station(officer)),
      (e: unknown) => e instanceof CliError && e.code === 'citizen_invalid' && /birthDate/.test(e.message),
    );
    await assert.rejects(
      enrol(['--national-id', 'CLI000001', '--surname', 'Reuter', '--given-name', 'Lea', '--birth-date', '1995-12-24'], io(), station(officer)),
      (e: unknown) => e instanceof CliError && e.code === 'citizen_exists',
    );
  });

  it('issue: PIN from standard input, progress step by step, PUK once; never a PIN in arguments', async () => {
    await assert.rejects(issue(['--reader', 'Desk reader 0', '--national-id', 'CLI000001', '--pin', '250871'], io(), station(officer)), (e: unknown) => e instanceof CliError && e.exitCode === 2);
    const a = io('250871\n');
    assert.equal(await issue(['--reader', 'Desk reader 0', '--national-id', 'CLI000001'], a, station(officer)), 0);
    for (let i = 1; i <= 10; i++) assert.match(a.err(), new RegExp(`\\[${i}/10\\] done`));
    assert.equal(a.out().match(/PUK for the citizen \(shown once, not stored\): \d{8}/g)?.length, 1);
    assert.match(a.out(), new RegExp(`card ${serial} active`));
    assert.doesNotMatch(a.err() + a.out(), /250871/);
  });

  it('issue on a reader that does not exist: reader_not_found', async () => {
    await assert.rejects(issue(['--reader', 'Nope', '--national-id', 'CLI000001'], io(), station(officer)), (e: unknown) => e instanceof CliError && e.code === 'reader_not_found');
  });

  it('card show / suspend / resume / revoke, with role checks', async () => {
    const s = io();
    assert.equal(await card(['show', String(serial)], s, station(officer)), 0);
    assert.match(s.out(), new RegExp(`card ${serial} active`));
    await assert.rejects(card(['suspend', String(serial)], io(), station(officer)), (e: unknown) => e instanceof CliError && e.code === 'issuance_forbidden');
    const sus = io();
    assert.equal(await card(['suspend', String(serial), '--note', 'lost'], sus, station(supervisor)), 0);
    assert.match(sus.out(), / hold/);
    assert.equal(await card(['resume', String(serial)], io(), station(supervisor)), 0);
    await assert.rejects(card(['revoke', String(serial), '--reason', 'keyCompromise'], io(), station(supervisor)), (e: unknown) => e instanceof CliError && e.code === 'lifecycle_approval_required');
    const rev = io();
    assert.equal(await card(['revoke', String(serial), '--reason', 'privilegeWithdrawn'], rev, station(supervisor)), 0);
    assert.match(rev.out(), /revoked \(privilegeWithdrawn\)/);
  });

  it('--sim-card, no reader at all: stock receive reads serial and F9 certificate from the card, issue personalises it, card activate/unblock-pin work on it', async () => {
    const c = await blankCard(f);
    const auditor: Actor = { staffId: 'auditor-1', role: 'auditor' };
    await assert.rejects(stock(['receive', '--sim-card', c.file], io(), station(auditor)), (e: unknown) => e instanceof CliError && e.code === 'issuance_forbidden');
    await assert.rejects(stock(['receive'], io(), station(officer)), (e: unknown) => e instanceof CliError && e.exitCode === 2);
    await assert.rejects(stock(['receive', '--sim-card', c.file, '--reader', 'Desk reader 0'], io(), station(officer)), (e: unknown) => e instanceof CliError && e.exitCode === 2);
    const r = io();
    assert.equal(await stock(['receive', '--sim-card', c.file], r, station(officer)), 0);
    assert.match(r.out(), new RegExp(`card ${c.serial} received into stock \\(manufacturer .+; F9 attestation certificate recorded\\)`));
    const received = await registry.getStock(c.serial);
    assert.equal(received?.status, 'available');
    assert.ok(received?.attestationCertDer && received.attestationCertDer.length > 100);
    assert.ok(registry.audit.some((e) => e.action === 'stock.receive' && e.subject === `card:${c.serial}` && e.actor === 'officer-1'));
    await assert.rejects(stock(['receive', '--sim-card', c.file], io(), station(officer)), (e: unknown) => e instanceof CliError && e.code === 'card_stock_exists');
    await assert.rejects(stock(['receive', '--sim-card', `${c.file}.missing`], io(), station(officer)), (e: unknown) => e instanceof CliError && e.code === 'card_file_unreadable');

    await enrol(['--national-id', 'CLI000004', '--surname', 'Kieffer', '--given-name', 'Anne', '--birth-date', '1979-07-07'], io(), station(officer));
    const a = io('250871\n');
    assert.equal(await issue(['--sim-card', c.file, '--national-id', 'CLI000004', '--on-hold'], a, station(officer)), 0);
    assert.match(a.out(), new RegExp(`card ${c.serial} issued on hold`));
    const puk = a.out().match(/: (\d{8})/)![1]!;
    // The card file holds the personalised card: the hand-over, then a blocked PIN unblocked, all in-process.
    const act = io('250871\n');
    assert.equal(await card(['activate', '--sim-card', c.file], act, station(officer)), 0);
    assert.match(act.out(), new RegExp(`card ${c.serial} active`));
    const { card: simCard, channel } = await openCard(c.file);
    const { PivClient } = await import('../../src/card/piv/index.js');
    const piv = new PivClient(channel);
    await piv.select();
    for (let i = 0; i < 3; i++) await piv.verifyPin('000000');
    await channel.close();
    await simCard.idle();
    const u = io(`${puk}\n314159\n`);
    assert.equal(await card(['unblock-pin', '--sim-card', c.file], u, station(officer)), 0);
    assert.match(u.out(), /unblocked/);
  });

  it('card unblock-pin reads PUK and new PIN from standard input', async () => {
    // A second card for a second citizen, its PIN then blocked.
    const c = await blankCard(f);
    const { channel } = await openCard(c.file);
    registry.addStock(c.serial, await attestationCertOf(channel));
    await channel.close();
    await readers.remove('Desk reader 0');
    await readers.insert('Desk reader 0', await VirtualCard.open(c.file));
    await enrol(['--national-id', 'CLI000003', '--surname', 'Thill', '--given-name', 'Max', '--birth-date', '1960-01-01'], io(), station(officer));
    const a = io('250871\n');
    await issue(['--reader', 'Desk reader 0', '--national-id', 'CLI000003'], a, station(officer));
    const puk = a.out().match(/: (\d{8})/)![1]!;
    const ch = await readers.connect('Desk reader 0');
    const { PivClient } = await import('../../src/card/piv/index.js');
    const piv = new PivClient(ch);
    await piv.select();
    for (let i = 0; i < 3; i++) await piv.verifyPin('000000');
    await ch.close();
    const u = io(`${puk}\n314159\n`);
    assert.equal(await card(['unblock-pin', '--reader', 'Desk reader 0'], u, station(officer)), 0);
    assert.match(u.out(), /unblocked/);
  });
});
