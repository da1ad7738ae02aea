// The steps that need the citizen at the station: the PIN and the PUK. They
// run where the PIN pad is, on the card in the station's reader, and the
// engine learns only their outcome (then reads back from the card what it can
// check itself, e.g. that the PIN is no longer the factory one). Locally
// (../cardholder/local.ts) they are the station's PIN pad and PUK display over
// the same card channel; at a thin station the service asks the station to
// run them (src/station: "remote steps"), so a PIN or PUK never passes
// through the service.
//
// Each method throws an AppError with an issuance code when the step fails:
// issuance_pin_entry_failed, issuance_pin_mismatch, issuance_card_refused,
// lifecycle_wrong_pin, lifecycle_pin_blocked, lifecycle_wrong_puk,
// lifecycle_puk_blocked.
export interface CardholderSteps {
  /** The citizen chooses the PIN on the pad; CHANGE REFERENCE DATA from the factory PIN. */
  choosePin(): Promise<void>;
  /** A random 8-digit PUK, CHANGE REFERENCE DATA from the factory PUK, shown once at the station. */
  setPuk(): Promise<void>;
  /** The citizen proves the PIN (VERIFY); the card stays PIN-verified afterwards until the next logout. */
  verifyPin(purpose: string): Promise<void>;
  /** The citizen types the PUK and a new PIN; RESET RETRY COUNTER. */
  unblockPin(): Promise<void>;
}

/** The names of the steps, as a station is asked to run them. */
export const cardholderStepNames = ['choose-pin', 'set-puk', 'verify-pin', 'unblock-pin'] as const;
export type CardholderStepName = (typeof cardholderStepNames)[number];

/** The codes a cardholder step may fail with (anything else from a station is a protocol violation). */
export const cardholderStepCodes = [
  'issuance_pin_entry_failed',
  'issuance_pin_mismatch',
  'issuance_card_refused',
  'lifecycle_wrong_pin',
  'lifecycle_pin_blocked',
  'lifecycle_wrong_puk',
  'lifecycle_puk_blocked',
] as const;
