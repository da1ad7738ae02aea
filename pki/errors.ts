// Errors of the certificate authority library. Each failure carries a stable
// `code` (a union a caller can switch on), a public message that names no
// secret, and an optional internal `cause`. pki/ imports nothing from src/,
// so `pkiCodes` has the same shape as src/errors' CodeTable and is merged into
// the service's registry by the composition root.

export const pkiCodes = {
  // Parsing an unverified certificate
  cert_too_large: { status: 400, title: 'The certificate is larger than allowed' },
  cert_malformed: { status: 400, title: 'The certificate is not well-formed DER' },
  cert_unsupported_algorithm: { status: 400, title: 'The certificate uses an algorithm that is not allowed' },
  cert_unknown_critical_extension: { status: 400, title: 'The certificate has a critical extension this service does not understand' },
  // Trust and validity
  cert_untrusted_issuer: { status: 401, title: 'The certificate was not issued by the national issuing CA' },
  cert_signature_invalid: { status: 401, title: 'The certificate signature does not verify' },
  cert_expired: { status: 401, title: 'The certificate has expired' },
  cert_not_yet_valid: { status: 401, title: 'The certificate is not valid yet' },
  cert_wrong_purpose: { status: 401, title: 'The certificate is not meant for this use' },
  cert_wrong_policy: { status: 401, title: 'The certificate does not carry the required policy' },
  cert_is_ca: { status: 401, title: 'A CA certificate cannot be used as a card certificate' },
  // Revocation
  cert_revoked: { status: 401, title: 'The certificate is revoked' },
  cert_on_hold: { status: 401, title: 'The certificate is suspended' },
  cert_status_unknown: { status: 401, title: 'The certificate is not known to the registry' },
  status_unavailable: { status: 503, title: 'Certificate status cannot be determined now' },
  // Issuance (profile pipeline)
  profile_unknown: { status: 400, title: 'No such certificate profile' },
  profile_subject_invalid: { status: 400, title: 'The certificate subject breaks the profile rules' },
  profile_key_not_allowed: { status: 400, title: 'The public key algorithm or curve is not allowed' },
  profile_validity_invalid: { status: 400, title: 'The requested validity is not allowed' },
  profile_violation: { status: 500, title: 'The certificate to be signed breaks its profile' },
  // CA state and keys
  ca_already_initialised: { status: 409, title: 'A CA already exists in this data directory' },
  ca_not_initialised: { status: 503, title: 'No CA in this data directory' },
  ca_state_corrupt: { status: 500, title: 'The CA files are inconsistent' },
  key_store_locked: { status: 500, title: 'The key store passphrase is missing or wrong' },
  key_not_found: { status: 500, title: 'The key is not in the key store' },
  key_exists: { status: 409, title: 'A key with this name already exists' },
  key_store_unavailable: { status: 503, title: 'The key store cannot be reached' },
  ca_busy: { status: 409, title: 'Another operation on the CA files is under way' },
  result_key_overlap_invalid: { status: 400, title: 'The overlap of a result-key rotation must be 1 to 365 whole days' },
  // OCSP
  ocsp_request_too_large: { status: 413, title: 'The OCSP request is larger than allowed' },
  ocsp_request_malformed: { status: 400, title: 'The OCSP request is not well-formed' },
  ocsp_unknown_issuer: { status: 400, title: 'The OCSP request names an issuer this responder does not serve' },
  ocsp_responder_expired: { status: 503, title: 'The OCSP responder certificate is not valid now; nothing is signed until it is renewed' },
  // Timestamping authority (RFC 3161)
  tsa_request_too_large: { status: 413, title: 'The timestamp request is larger than allowed' },
  tsa_request_malformed: { status: 400, title: 'The timestamp request is not well-formed' },
  tsa_not_configured: { status: 503, title: 'This CA has no timestamping authority' },
  // Card attestation
  attestation_malformed: { status: 400, title: 'The attestation certificates are not well-formed' },
  attestation_untrusted_root: { status: 400, title: 'The attestation does not chain to a trusted manufacturer root' },
  attestation_signature_invalid: { status: 400, title: 'An attestation signature does not verify' },
  attestation_chain_invalid: { status: 400, title: 'A certificate above the attestation is not allowed to certify (not a CA, no keyCertSign, path too long)' },
  attestation_key_mismatch: { status: 400, title: 'The attested key is not the expected key' },
  attestation_serial_mismatch: { status: 400, title: 'The attested card serial is not the expected one' },
  attestation_policy_mismatch: { status: 400, title: 'The attested PIN or touch policy is not the expected one' },
} as const satisfies Record<string, { status: number; title: string }>;

export type PkiErrorCode = keyof typeof pkiCodes;

export class PkiError extends Error {
  override readonly name = 'PkiError';
  constructor(
    readonly code: PkiErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
  }
  /** HTTP status the service should answer with when this reaches a client. */
  get status(): number {
    return pkiCodes[this.code].status;
  }
}

export function isPkiError(e: unknown, code?: PkiErrorCode): e is PkiError {
  return e instanceof PkiError && (code === undefined || e.code === code);
}
