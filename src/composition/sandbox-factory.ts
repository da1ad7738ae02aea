// The sandbox's card factory: blank firmware-sim cards (serial, factory PIN,
// F9 attestation key and certificate) made into card files, and the
// simulated manufacturer's attestation root the issuance engine checks them
// against. The composition root is where the sandbox picks the simulated card
// as its card; everything after manufacture speaks APDUs to the card file.
import { factoryRootPem, manufactureCard } from '../../firmware-sim/index.js';

export function manufactureBlankCard(opts: { readonly serial: number; readonly out: string; readonly factoryDir: string }): Promise<void> {
  return manufactureCard(opts);
}

export function simulatedManufacturerRoot(factoryDir: string): Promise<string> {
  return factoryRootPem(factoryDir);
}
