// Flow 1 step 7 (last part), at the station: "sets a random PUK given to the
// citizen once". Eight CSPRNG digits (../lib/puk.ts), CHANGE REFERENCE DATA of
// the PUK from its factory value, then shown on the PukDisplay exactly once.
// Never stored, never sent to the service.
import type { PivClient } from '../../card/piv/index.js';
import { cardRefused } from '../lib/card-refused.js';
import { FACTORY_PUK } from '../lib/factory-defaults.js';
import { generatePuk } from '../lib/puk.js';
import type { PukDisplay } from '../ports/station.js';

export async function setPuk(piv: PivClient, pukDisplay: PukDisplay): Promise<void> {
  const puk = generatePuk();
  const r = await piv.changePuk(FACTORY_PUK, puk);
  if (!r.ok) throw cardRefused('CHANGE REFERENCE DATA (PUK)', r.reason);
  await pukDisplay.show(puk);
}
