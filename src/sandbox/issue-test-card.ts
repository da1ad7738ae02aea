// One test citizen's card, made the way a real one is: a blank card from the
// (simulated) manufacturer, taken into stock from what it says itself (serial,
// F9 attestation certificate), the citizen enrolled, and the card
// personalised by the real issuance engine (keys generated on the card,
// attestation checked, certificates from the sandbox CA, the citizen's PIN
// set, a PUK) — over APDUs to the card file in this process.
import { localCardholder } from '../issuance/cardholder/local.js';
import { openCardFileChannel } from '../card/in-process-card-file.js';
import { PivClient } from '../card/piv/client.js';
import { readCertificate } from '../card/piv/read-certificate.js';
import { manufactureBlankCard } from '../composition/sandbox-factory.js';
import { enrolCitizen } from '../issuance/enrol-citizen.js';
import type { EngineDeps } from '../issuance/engine/context.js';
import { createIssuanceEngine } from '../issuance/engine/run-job.js';
import type { Actor } from '../issuance/ports/registry.js';
import type { PinPad } from '../issuance/ports/station.js';
import { cardSerial, type CardSerial } from '../card/piv/constants.js';
import type { TestCitizen } from './test-citizens.js';

export interface IssuedTestCard {
  readonly serial: CardSerial;
  readonly puk: string;
}

/** The station's PIN pad, with the citizen's chosen PIN typed in (twice, as the engine asks). */
function typedPin(pin: string): PinPad {
  const bytes = (): Uint8Array => Uint8Array.from(Buffer.from(pin, 'ascii'));
  return { readNewPin: async () => bytes(), readPin: async () => bytes() };
}

export async function issueTestCard(
  deps: EngineDeps,
  citizen: TestCitizen,
  card: { readonly file: string; readonly serial: number; readonly factoryDir: string },
  officer: Actor,
): Promise<IssuedTestCard> {
  await manufactureBlankCard({ serial: card.serial, out: card.file, factoryDir: card.factoryDir });
  const channel = await openCardFileChannel(card.file);
  try {
    // Stock intake: serial and F9 attestation certificate as the card tells them.
    const piv = await PivClient.open(channel);
    if (!piv.ok) throw new Error('the blank card has no PIV application');
    const f9 = await readCertificate(channel, 0xf9);
    await deps.registry.receiveStock(
      { serial: cardSerial(card.serial), manufacturer: 'firmware-sim (sandbox)', attestationCertDer: f9.ok ? f9.der : undefined },
      officer,
      deps.clock.now(),
    );
    await enrolCitizen(deps, { nationalId: citizen.nationalId, surname: citizen.surname, givenName: citizen.givenName, birthDate: citizen.birthDate }, officer);
    let puk = '';
    const r = await createIssuanceEngine(deps).personalise({
      channel,
      nationalId: citizen.nationalId,
      options: {},
      actor: officer,
      cardholder: localCardholder(channel, typedPin(citizen.pin), {
        async show(p: string) {
          puk = p;
        },
      }),
    });
    return { serial: r.cardSerial, puk };
  } finally {
    // Reset: nothing verified outlives the personalisation; the card file is released.
    await channel.close({ disposition: 'reset' });
  }
}
