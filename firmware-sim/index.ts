// firmware-sim: a PIV card (NIST SP 800-73-4 with the YubiKey extensions) in
// TypeScript. This is the public API; nothing else in the folder is meant to be
// imported from outside it. The card imports nothing from src/ or pki/.

import { openFactory } from './factory/root.js';

export { VirtualCard, CardPowerError } from './card/virtual-card.js';
export type { VirtualCardOptions } from './card/virtual-card.js';
export { manufactureCard, ManufactureError } from './factory/manufacture.js';
export { describeCard } from './card/describe.js';
export type { CardDescription } from './card/describe.js';
export { CardFileError } from './card/codec.js';
export { CardInUseError, lockCardFile } from './card/lock.js';
export { runOnVpcd } from './transport/vpcd.js';
export type { VpcdLink, VpcdOptions } from './transport/vpcd.js';
export { InProcessReader, NoCardError } from './transport/in-process.js';
export type { SlotEvent } from './transport/in-process.js';
export { resolveFactoryDir } from './factory/root.js';
export { encodeCommandApdu } from './apdu/command.js';
export { SW } from './apdu/sw.js';

/** The manufacturer root certificate (PEM) that the card's F9 certificate chains to. */
export async function factoryRootPem(factoryDir?: string): Promise<string> {
  return (await openFactory(factoryDir)).certPem;
}

/** Facts about the emulated device that hosts and tests may rely on. */
export const DEVICE = {
  atrHex: '3BFD1300008131FE158073C021C057597562694B657940',
  firmwareVersion: '5.4.3',
  defaultPin: '123456',
  defaultPuk: '12345678',
  defaultManagementKeyHex: '010203040506070801020304050607080102030405060708',
  /** OIDs of the Yubico attestation extensions in attestation certificates. */
  attestationOids: {
    firmware: '1.3.6.1.4.1.41482.3.3',
    serial: '1.3.6.1.4.1.41482.3.7',
    policy: '1.3.6.1.4.1.41482.3.8',
    formFactor: '1.3.6.1.4.1.41482.3.9',
  },
} as const;
