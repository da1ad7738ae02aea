// Issuance (flow 1 of docs/architecture.md): the public surface for the
// composition root, the HTTP routes and the CLI. The step list is in
// ./steps/index.ts, the engine in ./engine/run-job.ts.
export { issuanceCodes, issuanceError, isIssuanceError, type IssuanceErrorCode } from './codes.js';
export * from './types.js';
export { validateCitizen, citizenInputSchema, type CitizenInput, type ValidCitizen } from './validate/citizen.js';
export { enrolCitizen } from './enrol-citizen.js';

// Engine
export {
  createIssuanceEngine,
  type IssuanceEngine,
  type PersonaliseRequest,
  type PersonaliseResult,
  type CancelRequest,
} from './engine/run-job.js';
export type { EngineDeps, Timing } from './engine/context.js';
export { stepNames, type StepName, type JobOptions, type JobData } from './engine/job.js';
export { issuanceSteps } from './steps/index.js';

// Ports
export type * from './ports/registry.js';
export type * from './ports/ca.js';
export type { ApprovalGate, ApprovalUse } from './ports/approvals.js';
export type { ManagementKeySource } from './ports/management-key.js';
export type { PinPad, PukDisplay, Progress, ProgressEvent } from './ports/station.js';

// Adapters
export { sqlIssuanceRegistry } from './store/sql-registry.js';
export { MemoryIssuanceRegistry } from './store/memory-registry.js';
export { pkiCertificateIssuer, pkiAttestationVerifier } from './adapters/pki.js';
export { registryStatusLookup, registryRevokedList } from './adapters/cert-status.js';
export { openMasterSecretFile } from './adapters/master-secret-file.js';
export { managementKeySource, memoryMasterHmac, deriveManagementKey, type MasterHmac } from './lib/diversify-management-key.js';
export { stationPinPadFor, stationStreamPinPad, stationTtyPinPad } from './pin-pad/station-pin-pad.js';

// Lifecycle
export { suspendCard, resumeCard, revokeCard, type LifecycleDeps, type StatusPublication } from './lifecycle/change-status.js';
export { activateCard } from './lifecycle/activate.js';
export { unblockPinWithPuk } from './lifecycle/unblock-pin.js';
export { staffAssistedReset, type StaffResetDeps } from './lifecycle/staff-assisted-reset.js';
export { replaceCard } from './lifecycle/replace.js';
export { expireCards } from './lifecycle/expire.js';
