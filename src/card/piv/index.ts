// The typed PIV client (NIST SP 800-73-4 with the Yubico extensions; the wire
// facts are in docs/piv-wire.md). The public API is this folder: one
// operation per file, gathered here and in PivClient.
export { PivClient, type VerifyAndSignResult } from './client.js';
export * from './constants.js';
export type { Ok, Fail } from './lib/result.js';
export type { SecretInput } from './lib/secret.js';
export { encodeSecret } from './lib/secret.js';
export { select, type SelectResult } from './select.js';
export { verifyPin, type VerifyPinResult } from './verify-pin.js';
export { pinStatus, type PinStatus } from './pin-status.js';
export { logout } from './logout.js';
export { changePin, changePuk, type ChangePinResult, type ChangePukResult } from './change-pin.js';
export { unblockPin, type UnblockPinResult } from './unblock-pin.js';
export { getData, type GetDataResult } from './get-data.js';
export { putData, type PutDataResult } from './put-data.js';
export { readCertificate, type ReadCertificateResult } from './read-certificate.js';
export { writeCertificate, deleteCertificate } from './write-certificate.js';
export { signDigest, type SignDigestResult } from './sign-digest.js';
export { keyAgreement, type KeyAgreementResult } from './key-agreement.js';
export { authenticateManagementKey, type AuthenticateManagementKeyResult } from './authenticate-management-key.js';
export { setManagementKey, type SetManagementKeyResult } from './set-management-key.js';
export { generateKey, type GenerateKeyOptions, type GenerateKeyResult } from './generate-key.js';
export { attest, type AttestResult } from './attest.js';
export { getSerial, type GetSerialResult } from './get-serial.js';
export { getVersion, type GetVersionResult, type FirmwareVersion } from './get-version.js';
export { getMetadata, type GetMetadataResult, type MetadataSlot, type SlotMetadata } from './get-metadata.js';
export { getRetries, type GetRetriesResult, type RetryCounter } from './get-retries.js';
export { setPinRetries, type SetPinRetriesResult } from './set-pin-retries.js';
export { resetCard, type ResetResult } from './reset.js';
export { factoryReset, type FactoryResetResult } from './factory-reset.js';
export { encodeChuid, parseChuid, NON_FEDERAL_FASCN, type Chuid } from './chuid.js';
export { encodeCcc } from './ccc.js';
