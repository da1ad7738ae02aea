// The personalisation engine end to end in-process: a firmware-sim blank card,
// the real CA and attestation verifier, the memory registry. Checks what the
// card holds afterwards by reading it back (PIV client and the card file).
import assert from 'node:assert/strict';
import { X509Certificate, createHash, verify as cryptoVerify } from 'node:crypto';
import { PivClient } from '../../src/card/piv/index.js';
import { createIssuanceEngine } from '../../src/issuance/engine/run-job.js';
import { MemoryIssuanceRegistry } from '../../src/issuance/store/memory-registry.js';
import { validateCitizen } from '../../src/issuance/validate/citizen.js';
import { systemClock } from '../../src/util/clock.js';
import {
  COUNTRY,
  attestationCertOf,
  blankCard,
  capturingPukDisplay,
  describe as describeCardFile,
  makeFixture,
  officer,
  openCard,
  scriptedPinPad,
  type IssuanceFixture,
} from './support/fixture.js';
import { localCardholder } from '../../src/issuance/cardholder/local.js';

describe('issuance engine (in-process card)', function () {
  this.timeout(60_000);
  let f: IssuanceFixture;
  let registry: MemoryIssuanceRegistry;

  before(async () => {
    registry = new MemoryIssuanceRegistry();
    f = await makeFixture({ registry });
    await registry.createCitizen({ ...validateCitizen({ nationalId: 'AB123456', surname: 'Müller', givenName: 'Anne-Marie', birthDate: '1990-01-01' }, systemClock), country: COUNTRY }, officer, new Date());
  });
  after(async () => f.cleanup());

  it('personalises a blank card: keys with PIN ALWAYS, attested, certificates, CHUID, citizen PIN, PUK, one commit', async () => {
    const { file, serial } = await blankCard(f);
    const { channel } = await openCard(file);
    registry.addStock(serial, await attestationCertOf(channel));
    const engine = createIssuanceEngine(f.deps);
    const events: string[] = [];
    const puk = capturingPukDisplay();
    const r = await engine.personalise({
      channel,
      nationalId: 'AB123456',
      options: { signatureKey: true },
      actor: officer,
      cardholder: localCardholder(channel, scriptedPinPad('250871'), puk),
      progress: (e) => events.push(e.kind === 'step-done' ? `done:${e.step}` : e.kind),
    });
    assert.equal(r.status, 'active');
    assert.equal(r.cardSerial, serial);
    assert.equal(r.certificates.length, 2);
    assert.deepEqual(events.filter((e) => e.startsWith('done:')).map((e) => e.slice(5)), [
      'check-card', 'diversify-management-key', 'generate-keys', 'verify-attestation', 'issue-certificates',
      'write-card-objects', 'set-retry-limits', 'citizen-sets-pin', 'set-puk', 'record',
    ]);
    assert.equal(puk.shown.length, 1);
    assert.match(puk.shown[0]!, /^\d{8}$/);

    // The card: keys generated on card with PIN ALWAYS; no default secrets left.
    const d = await describeCardFile(file);
    assert.equal(d.keys['9a']?.pinPolicy, 'always');
    assert.equal(d.keys['9a']?.origin, 'generated');
    assert.equal(d.keys['9c']?.pinPolicy, 'always');
    assert.equal(d.pin.isDefault, false);
    assert.equal(d.puk.isDefault, false);
    assert.equal(d.managementKey.isDefault, false);
    assert.equal(d.managementKey.algorithm, 'AES256');

    // The registry: card, two good certificates, stock issued, job completed, audited.
    const card = await registry.getCard(serial);
    assert.equal(card?.status, 'active');
    const certs = await registry.certificatesOf(serial);
    assert.deepEqual(certs.map((c) => c.status).sort(), ['good', 'good']);
    assert.equal((await registry.getStock(serial))?.status, 'issued');
    assert.equal((await registry.getJob(r.jobId))?.status, 'completed');
    assert.ok(registry.audit.some((a) => a.action === 'card.issue' && a.subject === String(serial)));

    // The 9A certificate on the card names the citizen, chains to the issuing CA,
    // and certifies the key the card holds; the citizen's PIN makes the card sign.
    const piv = new PivClient(channel);
    await piv.select();
    const c9a = await piv.readCertificate(0x9a);
    assert.ok(c9a.ok);
    const x = new X509Certificate(c9a.der);
    assert.ok(x.verify(f.ca.issuing.x509.publicKey));
    assert.match(x.subject, /serialNumber=PNOLU-AB123456/);
    assert.ok(certs.some((c) => c.serialHex === x.serialNumber.toLowerCase().replace(/^0+/, '') || c.serialHex === x.serialNumber.toLowerCase()));
    const digest = createHash('sha256').update('hello').digest();
    const wrongFirst = await piv.signDigest(0x9a, 'ECCP256', digest);
    assert.equal(wrongFirst.ok, false, 'PIN policy ALWAYS: no signature without VERIFY');
    const sig = await piv.verifyPinAndSign('250871', 0x9a, 'ECCP256', digest);
    assert.ok(sig.ok);
    assert.ok(sig.ok && 'signature' in sig);
    assert.ok(cryptoVerify('sha256', Buffer.from('hello'), x.publicKey, Buffer.from(sig.signature)));
    await channel.close();
  });
});
