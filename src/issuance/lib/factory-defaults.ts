// The values a blank PIV card ships with (the YubiKey PIV factory state,
// which firmware-sim copies). Public knowledge: that is why personalisation replaces
// every one of them.
export const FACTORY_PIN = '123456';
export const FACTORY_PUK = '12345678';
export const FACTORY_MANAGEMENT_KEY_TDES = Uint8Array.from(
  Buffer.from('010203040506070801020304050607080102030405060708', 'hex'),
);
