// Card lifecycle after personalisation (docs/architecture.md, flow 1): hand-
// over activation, suspend/resume, revoke with reasons and four-eyes for key
// compromise, PIN unblock with the PUK, staff-assisted reset, replacement,
// expiry. Card operations run against a real firmware-sim card.
import assert from 'node:assert/strict';
import { PivClient } from '../../src/card/piv/index.js';
import type { CardChannel } from '../../src/card/channel.js';
import { enrolCitizen } from '../../src/issuance/enrol-citizen.js';
import { createIssuanceEngine, type IssuanceEngine } from '../../src/issuance/engine/run-job.js';
import { activateCard } from '../../src/issuance/lifecycle/activate.js';
import { resumeCard, revokeCard, suspendCard } from '../../src/issuance/lifecycle/change-status.js';
import { expireCards } from '../../src/issuance/lifecycle/expire.js';
import { replaceCard } from '../../src/issuance/lifecycle/replace.js';
import { staffAssistedReset } from '../../src/issuance/lifecycle/staff-assisted-reset.js';
import { unblockPinWithPuk } from '../../src/issuance/lifecycle/unblock-pin.js';
import { MemoryIssuanceRegistry } from '../../src/issuance/store/memory-registry.js';
import type { CardSerial } from '../../src/issuance/types.js';
import { FixedClock } from '../../src/util/clock.js';
import {
  TestApprovals,
  attestationCertOf,
  blankCard,
  capturingPukDisplay,
  makeFixture,
  officer,
  openCard,
  scriptedPinPad,
  supervisor,
  type IssuanceFixture,
} from './support/fixture.js';
import { localCardholder } from '../../src/issuance/cardholder/local.js';

const code = (c: string) => (e: unknown) => {
  assert.equal((e as { code?: string }).code, c);
  return true;
};

describe('issuance: card lifecycle', function () {
  this.timeout(60_000);
  let f: IssuanceFixture;
  let registry: MemoryIssuanceRegistry;
  let engine: IssuanceEngine;
  let approvals: TestApprovals;
  let n = 0;
  const deps = () => ({ registry, clock: f.deps.clock, approvals, managementKeys: f.deps.managementKeys });

  async function issued(options: { onHold?: boolean } = {}): Promise<{ serial: CardSerial; channel: CardChannel; puk: string; nationalId: string }> {
    n++;
    const nationalId = `LC${String(n).padStart(6, '0')}`;
    await enrolCitizen(f.deps, { nationalId, surname: 'Weber', givenName: 'Luc', birthDate: '1975-07-14' }, officer);
    const c = await blankCard(f);
    const { channel } = await openCard(c.file);
    registry.addStock(c.serial, await attestationCertOf(channel));
    const puk = capturingPukDisplay();
    await engine.personalise({ channel, nationalId, options, actor: officer, cardholder: localCardholder(channel, scriptedPinPad('250871'), puk) });
    return { serial: c.serial, channel, puk: puk.shown[0]!, nationalId };
  }

  before(async () => {
    registry = new MemoryIssuanceRegistry();
    f = await makeFixture({ registry });
    engine = createIssuanceEngine(f.deps);
    approvals = new TestApprovals();
  });
  after(async () => f.cleanup());

  it('issued on hold: certificates on hold until the citizen proves the PIN on the card', async () => {
    const c = await issued({ onHold: true });
    assert.equal((await registry.getCard(c.serial))?.status, 'pending_activation');
    assert.deepEqual((await registry.certificatesOf(c.serial)).map((x) => x.status), ['hold']);
    await assert.rejects(activateCard(deps(), c.channel, localCardholder(c.channel, scriptedPinPad('999999'), capturingPukDisplay()), officer), code('lifecycle_wrong_pin'));
    assert.equal((await registry.getCard(c.serial))?.status, 'pending_activation');
    await activateCard(deps(), c.channel, localCardholder(c.channel, scriptedPinPad('250871'), capturingPukDisplay()), officer);
    assert.equal((await registry.getCard(c.serial))?.status, 'active');
    assert.deepEqual((await registry.certificatesOf(c.serial)).map((x) => x.status), ['good']);
    assert.ok(registry.audit.some((a) => a.action === 'card.activate' && a.subject === String(c.serial)));
  });

  it('suspend and resume flip certificateHold; only supervisors may', async () => {
    const c = await issued();
    await assert.rejects(suspendCard(deps(), c.serial, officer), code('issuance_forbidden'));
    await suspendCard(deps(), c.serial, supervisor, 'reported lost');
    assert.equal((await registry.getCard(c.serial))?.status, 'hold');
    assert.deepEqual((await registry.certificatesOf(c.serial)).map((x) => x.status), ['hold']);
    await assert.rejects(suspendCard(deps(), c.serial, supervisor), code('card_state_invalid'));
    await resumeCard(deps(), c.serial, supervisor, 'found');
    assert.deepEqual((await registry.certificatesOf(c.serial)).map((x) => x.status), ['good']);
  });

  it('revoke: reasons checked; a revoked card never comes back', async () => {
    const c = await issued();
    await assert.rejects(revokeCard(deps(), c.serial, 'certificateHold', supervisor), code('lifecycle_reason_invalid'));
    await assert.rejects(revokeCard(deps(), c.serial, 'bogus', supervisor), code('lifecycle_reason_invalid'));
    await revokeCard(deps(), c.serial, 'affiliationChanged', supervisor);
    const certs = await registry.certificatesOf(c.serial);
    assert.deepEqual(certs.map((x) => [x.status, x.revocationReason]), [['revoked', 'affiliationChanged']]);
    await assert.rejects(resumeCard(deps(), c.serial, supervisor), code('card_state_invalid'));
    await assert.rejects(revokeCard(deps(), c.serial, 'unspecified', supervisor), code('card_state_invalid'));
  });

  it('revocation for key compromise needs another staff member’s approval, used once', async () => {
    const c = await issued();
    await assert.rejects(revokeCard(deps(), c.serial, 'keyCompromise', supervisor), code('lifecycle_approval_required'));
    approvals.grant('self', { action: 'card.revoke.keyCompromise', subject: String(c.serial), requester: 'supervisor-1', approver: 'supervisor-1' });
    await assert.rejects(revokeCard(deps(), c.serial, 'keyCompromise', supervisor, { approvalId: 'self' }), code('lifecycle_approval_required'));
    approvals.grant('ok', { action: 'card.revoke.keyCompromise', subject: String(c.serial), requester: 'supervisor-1', approver: 'supervisor-2' });
    await revokeCard(deps(), c.serial, 'keyCompromise', supervisor, { approvalId: 'ok' });
    assert.deepEqual((await registry.certificatesOf(c.serial)).map((x) => x.revocationReason), ['keyCompromise']);
    assert.ok(registry.audit.some((a) => a.action === 'card.revoke' && a.detail.approvedBy === 'supervisor-2'));
  });

  it('PIN unblock with the PUK at a reader', async () => {
    const c = await issued();
    const piv = new PivClient(c.channel);
    await piv.select();
    for (let i = 0; i < 3; i++) await piv.verifyPin('000000');
    assert.equal((await piv.pinStatus()).state, 'blocked');
    await assert.rejects(unblockPinWithPuk(deps(), c.channel, localCardholder(c.channel, scriptedPinPad('87654321', '314159'), capturingPukDisplay()), officer), code('lifecycle_wrong_puk'));
    await unblockPinWithPuk(deps(), c.channel, localCardholder(c.channel, scriptedPinPad(c.puk, '314159'), capturingPukDisplay()), officer);
    assert.equal((await piv.verifyPin('314159')).ok, true);
  });

  it('staff-assisted reset: approval, PIN proven on card, new PIN and PUK, keys kept', async () => {
    const c = await issued();
    const piv = new PivClient(c.channel);
    await piv.select();
    const keyBefore = await piv.getMetadata(0x9a);
    await assert.rejects(
      staffAssistedReset(deps(), c.channel, localCardholder(c.channel, scriptedPinPad('250871'), capturingPukDisplay()), officer, 'none'),
      code('lifecycle_approval_required'),
    );
    approvals.grant('r1', { action: 'card.staff-reset', subject: String(c.serial), requester: 'officer-1', approver: 'supervisor-1' });
    const puk = capturingPukDisplay();
    // Pad: current PIN, then the new PIN.
    await staffAssistedReset(deps(), c.channel, localCardholder(c.channel, scriptedPinPad('250871', '482910'), puk), officer, 'r1');
    assert.match(puk.shown[0]!, /^\d{8}$/);
    assert.notEqual(puk.shown[0], c.puk);
    assert.equal((await piv.verifyPin('482910')).ok, true);
    const keyAfter = await piv.getMetadata(0x9a);
    assert.ok(keyBefore.ok && keyAfter.ok);
    assert.ok(keyBefore.metadata.publicKey!.equals(keyAfter.metadata.publicKey!));
    // The new PUK works.
    for (let i = 0; i < 3; i++) await piv.verifyPin('000000');
    assert.equal((await piv.unblockPin(puk.shown[0]!, '250871')).ok, true);
  });

  it('replace: the new card is issued and the old one superseded in the same transaction', async () => {
    const old = await issued();
    await assert.rejects(
      (async () => {
        const c = await blankCard(f);
        const { channel } = await openCard(c.file);
        registry.addStock(c.serial, await attestationCertOf(channel));
        await engine.personalise({ channel, nationalId: old.nationalId, actor: officer, cardholder: localCardholder(channel, scriptedPinPad('250871'), capturingPukDisplay()) });
      })(),
      code('citizen_has_active_card'),
    );
    const c = await blankCard(f);
    const { channel } = await openCard(c.file);
    registry.addStock(c.serial, await attestationCertOf(channel));
    const r = await replaceCard({ registry, engine }, old.serial, { channel, actor: officer, cardholder: localCardholder(channel, scriptedPinPad('250871'), capturingPukDisplay()) });
    assert.equal((await registry.getCard(r.cardSerial))?.replacesSerial, old.serial);
    assert.equal((await registry.getCard(old.serial))?.status, 'superseded');
    assert.deepEqual((await registry.certificatesOf(old.serial)).map((x) => [x.status, x.revocationReason]), [['revoked', 'superseded']]);
    assert.deepEqual((await registry.certificatesOf(r.cardSerial)).map((x) => x.status), ['good']);
  });

  it('expiry marks cards past their date as expired, audited', async () => {
    const c = await issued();
    const card = (await registry.getCard(c.serial))!;
    const clock = new FixedClock(new Date(card.expiresAt.getTime() + 1000));
    const done = await expireCards({ registry, clock }, supervisor);
    assert.ok(done.includes(c.serial));
    assert.equal((await registry.getCard(c.serial))?.status, 'expired');
    assert.equal(await registry.activeCardOf(card.citizenId), undefined);
  });
});
