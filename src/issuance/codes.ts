// Stable error codes of issuance (personalisation engine, enrolment, card
// lifecycle). The coordinator merges this table into src/composition/error-registry.ts.
// Messages built with these codes never carry a PIN, PUK or key.
import { codedErrors, defineCodes } from '../errors/app-error.js';

export const issuanceCodes = defineCodes({
  citizen_invalid: { status: 400, title: 'The citizen record is not valid' },
  citizen_exists: { status: 409, title: 'A citizen with this national ID is already enrolled' },
  citizen_not_found: { status: 404, title: 'No citizen with this national ID' },
  citizen_has_active_card: { status: 409, title: 'The citizen already holds an active card (replace it instead)' },
  card_not_in_stock: { status: 409, title: 'The card is not in the blank card stock' },
  card_not_blank: { status: 409, title: 'The card is not blank' },
  card_serial_mismatch: { status: 409, title: 'The card in the reader is not the card of this job' },
  card_not_found: { status: 404, title: 'No issued card with this serial' },
  card_state_invalid: { status: 409, title: 'The card is not in a state that allows this action' },
  attestation_invalid: { status: 422, title: 'The card key attestation did not verify' },
  issuance_in_progress: { status: 409, title: 'Another personalisation of this card is running' },
  issuance_job_not_found: { status: 404, title: 'No such issuance job' },
  issuance_job_conflict: { status: 409, title: 'The issuance job was taken over by another process' },
  issuance_job_finished: { status: 409, title: 'The issuance job has already finished' },
  issuance_card_refused: { status: 502, title: 'The card refused a personalisation command' },
  issuance_pin_entry_failed: { status: 400, title: 'The PIN could not be set' },
  issuance_pin_mismatch: { status: 400, title: 'The two PIN entries differ' },
  issuance_wipe_failed: { status: 502, title: 'The card could not be wiped' },
  issuance_master_secret_unavailable: { status: 503, title: 'The management-key master secret is not available' },
  lifecycle_reason_invalid: { status: 400, title: 'This revocation reason is not allowed here' },
  lifecycle_approval_required: { status: 403, title: 'This action needs a second staff member’s approval' },
  lifecycle_wrong_puk: { status: 403, title: 'The PUK is wrong' },
  lifecycle_puk_blocked: { status: 409, title: 'The PUK is blocked' },
  lifecycle_wrong_pin: { status: 403, title: 'The PIN is wrong' },
  lifecycle_pin_blocked: { status: 409, title: 'The PIN is blocked' },
  issuance_forbidden: { status: 403, title: 'This staff role may not do this' },
});

export type IssuanceErrorCode = keyof typeof issuanceCodes;

/** Build an AppError with one of these codes (status from the table), and recognise one. */
export const [issuanceError, isIssuanceError] = codedErrors(issuanceCodes);
