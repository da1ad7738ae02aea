// Public API of the certificate authority library. Nothing else in pki/ is
// meant to be imported from outside it. pki/ imports nothing from src/
// (docs/architecture.md, "Import rules").

// Errors
export { PkiError, isPkiError, pkiCodes } from './errors.js';
export type { PkiErrorCode } from './errors.js';

// Value types and ports
export { revocationReasons } from './types.js';
export type {
  CertSerialHex,
  CertStatus,
  CertStatusLookup,
  CurveName,
  PublicKeyInput,
  RevocationReason,
  RevokedEntry,
  RevokedListSource,
} from './types.js';
export { POLICY_KEY_ON_CARD_PIN_ALWAYS, POLICY_TEST_UNATTESTED, POLICY_TSA, oid } from './lib/oids.js';
export { serialHex } from './lib/serial.js';
export { derToPem, pemToDer, pemBundleToDer } from './lib/pem.js';
export { derToP1363, p1363ToDer } from './lib/ecdsa.js';

// Key stores
export { keyNames } from './keystore/key-store.js';
export type { KeyStore, Signer, SignatureEncoding } from './keystore/key-store.js';
export { FileKeyStore } from './keystore/file-key-store.js';
export { Pkcs11KeyStore } from './keystore/pkcs11-key-store.js';
export type { Pkcs11Options } from './keystore/pkcs11-key-store.js';
export { openKeyStore } from './keystore/open-key-store.js';
export { readPassphrase, MIN_PASSPHRASE_LENGTH } from './keystore/passphrase.js';

// The CA
export { initCa } from './ca/init-ca.js';
export type { InitCaOptions, InitCaResult } from './ca/init-ca.js';
export { openCa } from './ca/open-ca.js';
export { renewOcspResponder } from './ca/renew-ocsp-responder.js';
export type { CertificateAuthority, CrlOptions, OcspMaintenanceOptions, OcspOptions, OpenCaOptions } from './ca/open-ca.js';
export type { OcspMaintenance, OcspRenewalAudit, OcspRenewalEvent, OcspRenewalTrigger } from './ca/maintain-ocsp-responder.js';
export { OCSP_READY_MARGIN_DAYS, OCSP_RENEW_BEFORE_DAYS, ocspResponderStateAt } from './ca/ocsp-responder-lifetime.js';
export type { OcspResponderState } from './ca/ocsp-responder-lifetime.js';
export type { CaHealth } from './ca/ca-health.js';
export { publicJwk, jwkThumbprint } from './lib/jwk.js';
export type { PublicJwk } from './lib/jwk.js';
export {
  checkOverlapDays,
  DEFAULT_RESULT_KEY_OVERLAP_DAYS,
  MAX_RESULT_KEY_OVERLAP_DAYS,
  MIN_RESULT_KEY_OVERLAP_DAYS,
  rotateResultKey,
} from './ca/rotate-result-key.js';
export type { RotatedResultKey, RotateResultKeyOptions } from './ca/rotate-result-key.js';
export { openResultKeySet } from './ca/open-result-key-set.js';
export type { ResultKeySet } from './ca/open-result-key-set.js';
export { readResultKeyState, resultKeyStatePath } from './ca/result-key-state.js';
export type { ResultKeyState, RetiredResultKey } from './ca/result-key-state.js';
export type { CaConfig } from './ca/config.js';
export { defaultCaConfig } from './ca/config.js';
export { loadCaCertificate } from './ca/ca-certificate.js';
export type { CaCertificate } from './ca/ca-certificate.js';
export { pkiDir, pkiFiles } from './ca/files.js';
export type { CardProfileName, CardSubject, IssueRequest, ProfileName } from './profiles/draft.js';
export { cardProfileNames, TEST_PROFILE_MAX_DAYS } from './profiles/card-profiles.js';
export type { IssuedCertificate } from './issue/issue-card-certificate.js';
export { publicationUrls } from './profiles/publication-urls.js';

// Revocation publication
export { FileCrlNumber } from './crl/crl-number.js';
export { createCrlPublisher } from './crl/crl-publisher.js';
export type { CrlPublisher, CrlPublisherOptions } from './crl/crl-publisher.js';
export { buildErrorResponse as ocspErrorResponse } from './ocsp/build-response.js';
export type { CrlNumberSource } from './crl/crl-number.js';
export { createOcspResponder, decodeOcspGetPath } from './ocsp/responder.js';
export { buildOcspRequest } from './ocsp/build-request.js';
export type { OcspAnswer, OcspResponder, OcspResponderOptions } from './ocsp/responder.js';
export { MAX_OCSP_REQUEST_BYTES } from './ocsp/parse-request.js';

// Verification (authentication hot path)
export { createCardCertificateVerifier, MAX_CERT_BYTES } from './verify/card-certificate-verifier.js';
export type {
  CardCertificateVerifier,
  CardCertificateVerifierOptions,
  CardSubjectFields,
  VerifiedCardCertificate,
} from './verify/card-certificate-verifier.js';

// Timestamping authority (RFC 3161)
export { addTsa } from './tsa/add-tsa.js';
export { createTimestampAuthority } from './tsa/timestamp-authority.js';
export type { TimestampAnswer, TimestampAuthority, TimestampAuthorityOptions } from './tsa/timestamp-authority.js';
export { imprintAlgorithms, MAX_TSA_REQUEST_BYTES } from './tsa/parse-timestamp-request.js';
export { issuerAndSerialParts } from './tsa/signed-data.js';
export type { MessageImprint } from './tsa/parse-timestamp-request.js';

// Card attestation
export { manufacturerRoots, verifyAttestation, MAX_ATTESTATION_CERT_BYTES } from './attestation/verify-attestation.js';
export type { AttestationInput, ManufacturerRoots, VerifiedAttestation } from './attestation/verify-attestation.js';
export type { PinPolicy, TouchPolicy } from './attestation/read-yubico-extensions.js';
export {
  YUBICO_ATTESTATION_ROOT_1_PEM,
  YUBICO_ATTESTATION_ROOT_1_SHA256,
  YUBICO_PIV_ATTESTATION_ROOTS_PEM,
  YUBICO_PIV_ROOT_CA_SERIAL_263751_PEM,
  YUBICO_PIV_ROOT_CA_SERIAL_263751_SHA256,
} from './attestation/yubico-roots.js';
export { Lru } from './lib/lru.js';
