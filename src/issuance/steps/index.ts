// The personalisation, in the order of flow 1 of docs/architecture.md (steps
// 2–8; step 1, enrolment, comes before) — one visible list.
// Each entry is one file in this folder; the engine (../engine/run-job.ts)
// runs them in turn and records each completion in the issuance job before
// the next starts.
//
// Order constraints worth knowing:
// - set-retry-limits before citizen-sets-pin: SET PIN RETRIES resets the PIN
//   and PUK to the factory values.
// - set-puk after the PIN and before record, record last: record is the one
//   registry transaction that makes the card and its certificates exist.
import type { IssuanceStep } from '../engine/context.js';
import { stepNames } from '../engine/job.js';
import { checkCard } from './check-card.js';
import { citizenSetsPin } from './citizen-sets-pin.js';
import { diversifyManagementKey } from './diversify-management-key.js';
import { generateKeys } from './generate-keys.js';
import { issueCertificates } from './issue-certificates.js';
import { record } from './record.js';
import { setPuk } from './set-puk.js';
import { setRetryLimits } from './set-retry-limits.js';
import { verifyAttestation } from './verify-attestation.js';
import { writeCardObjects } from './write-card-objects.js';

export const issuanceSteps: readonly IssuanceStep[] = [
  checkCard, //                step 2: blank and in stock (serial via F8)
  diversifyManagementKey, //   step 3: factory 9B key → per-card key
  generateKeys, //             step 4: 9A (and 9C) P-256, PIN policy ALWAYS
  verifyAttestation, //        step 5: F9 attestation: root, serial, key, policy
  issueCertificates, //        step 6a: CA issues the certificates
  writeCardObjects, //         step 6b: certificates, CHUID, CCC on the card
  setRetryLimits, //           step 7a: PIN/PUK retry counters
  citizenSetsPin, //           step 7b: the citizen's PIN, pad → card
  setPuk, //                   step 7c: random PUK, shown once
  record, //                   step 8: one registry transaction
];

// The persisted step names and this list must agree (a job names its steps).
if (issuanceSteps.map((s) => s.name).join() !== stepNames.join()) {
  throw new Error('issuance step list and stepNames disagree');
}
