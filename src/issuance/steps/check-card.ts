// Flow 1 step 2: "selects PIV, reads serial/version, checks the card is blank
// and in stock". The serial (GET SERIAL, F8) was read by the engine to find
// the job and its stock row; here we check the card is in its factory state:
// no key in any slot we would use or a previous issuer could have used, no
// certificate or CHUID, default PIN/PUK/management key (and the default key
// really works), and the F9 attestation certificate recorded at stock intake.
// A card failing this may be somebody's issued card: it is never wiped here.
import { getData } from '../../card/piv/get-data.js';
import { pivKeySlots, pivObjects, pivReferences } from '../../card/piv/constants.js';
import { issuanceError } from '../codes.js';
import type { IssuanceStep, StepContext } from '../engine/context.js';
import { FACTORY_MANAGEMENT_KEY_TDES } from '../lib/factory-defaults.js';
import { sameBytes } from '../lib/b64.js';
import { readAttestationIssuer } from '../lib/read-attestation-issuer.js';

const KEY_SLOTS = [pivKeySlots.AUTHENTICATION, pivKeySlots.SIGNATURE, pivKeySlots.KEY_MANAGEMENT, pivKeySlots.CARD_AUTHENTICATION] as const;
const OBJECTS = [
  pivObjects.CHUID,
  pivObjects.AUTHENTICATION_CERT,
  pivObjects.SIGNATURE_CERT,
  pivObjects.KEY_MANAGEMENT_CERT,
  pivObjects.CARD_AUTHENTICATION_CERT,
] as const;

function notBlank(why: string): Error {
  return issuanceError('card_not_blank', `The card is not blank: ${why}`, { detail: { why } });
}

async function checkBlank(ctx: StepContext): Promise<void> {
  const { piv } = ctx;
  for (const slot of KEY_SLOTS) {
    const m = await piv.getMetadata(slot);
    if (m.ok) throw notBlank(`slot ${slot.toString(16)} holds a key`);
    if (m.reason === 'not-supported') throw notBlank('the card does not report slot metadata (not a supported card)');
  }
  for (const tag of OBJECTS) {
    const d = await getData(piv.channel, tag);
    if (d.ok) throw notBlank(`data object ${tag.toString(16)} is present`);
  }
  for (const ref of [pivReferences.PIN, pivReferences.PUK, pivReferences.MANAGEMENT_KEY] as const) {
    const m = await piv.getMetadata(ref);
    if (!m.ok || m.metadata.isDefault !== true) throw notBlank(`reference ${ref.toString(16)} is not at its factory value`);
  }
  const r = await piv.getRetries();
  if (!r.ok || r.pin.remaining === 0 || r.puk.remaining === 0) throw notBlank('PIN or PUK is blocked');
  const auth = await piv.authenticateManagementKey(FACTORY_MANAGEMENT_KEY_TDES, 'TDES');
  if (!auth.ok) throw notBlank(`the factory management key does not work (${auth.reason})`);
  const f9 = await readAttestationIssuer(piv);
  if (f9 === undefined) throw notBlank('there is no factory attestation certificate (F9)');
  if (ctx.stock.attestationCertDer !== undefined && !sameBytes(f9, ctx.stock.attestationCertDer)) {
    throw notBlank('the attestation certificate differs from the one recorded at stock intake');
  }
}

export const checkCard: IssuanceStep = {
  name: 'check-card',
  title: 'Check the card is blank and in stock',
  async run(ctx) {
    await checkBlank(ctx);
  },
};
