// Object identifiers used by the CA, each with the document that assigns it.
export const oid = {
  // RFC 5480 §2.1.1 / SEC 2
  ecPublicKey: '1.2.840.10045.2.1',
  p256: '1.2.840.10045.3.1.7',
  p384: '1.3.132.0.34',
  // RFC 5758 §3.2
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  // RFC 4055 / RFC 8017 (manufacturer attestation roots may be RSA)
  sha256WithRsa: '1.2.840.113549.1.1.11',
  // Hashes (RFC 6960 CertID may use either)
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  // RFC 5652 §4, §5.1, §11 (CMS content types and signed attributes)
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  // RFC 3161 §2.4.2, Appendix A (TSTInfo; the signature time-stamp attribute)
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  signatureTimeStampToken: '1.2.840.113549.1.9.16.2.14',
  // RFC 5035 §3 (ESS signing-certificate-v2)
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  // RFC 2634 §2.7, §2.9 (ESS content identifier, content hints)
  contentIdentifier: '1.2.840.113549.1.9.16.2.7',
  contentHints: '1.2.840.113549.1.9.16.2.4',
  // RFC 5280 §4.2.1 certificate extensions
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  crlNumber: '2.5.29.20',
  crlReason: '2.5.29.21',
  cRLDistributionPoints: '2.5.29.31',
  certificatePolicies: '2.5.29.32',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  // RFC 5280 §4.2.1.12
  kpClientAuth: '1.3.6.1.5.5.7.3.2',
  kpOcspSigning: '1.3.6.1.5.5.7.3.9',
  // RFC 3161 §2.3
  kpTimeStamping: '1.3.6.1.5.5.7.3.8',
  // RFC 5280 §4.2.2.1
  adOcsp: '1.3.6.1.5.5.7.48.1',
  adCaIssuers: '1.3.6.1.5.5.7.48.2',
  // RFC 6960 §4.2.1, §4.4.1, §4.2.2.2.1
  ocspBasic: '1.3.6.1.5.5.7.48.1.1',
  ocspNonce: '1.3.6.1.5.5.7.48.1.2',
  ocspNoCheck: '1.3.6.1.5.5.7.48.1.5',
  // X.520 attribute types
  countryName: '2.5.4.6',
  organizationName: '2.5.4.10',
  commonName: '2.5.4.3',
  surname: '2.5.4.4',
  givenName: '2.5.4.42',
  serialNumber: '2.5.4.5',
  // Yubico PIV attestation extensions (developers.yubico.com/PIV/Introduction/PIV_attestation.html)
  yubicoFirmware: '1.3.6.1.4.1.41482.3.3',
  yubicoSerial: '1.3.6.1.4.1.41482.3.7',
  yubicoPolicy: '1.3.6.1.4.1.41482.3.8',
  yubicoFormFactor: '1.3.6.1.4.1.41482.3.9',
} as const;

/**
 * Certificate policy "key generated on the card, PIN verified by the card for
 * every signature" (docs/architecture.md, "Card certificate profile"). An arc under 2.25
 * (ITU-T X.667: OID from a UUID, here 37506ede-da8a-4cdb-8fd2-3a33dfc29378)
 * so no one's enterprise number is used.
 */
export const POLICY_KEY_ON_CARD_PIN_ALWAYS = '2.25.73525172238196565924634511716699509624';

/**
 * Certificate policy "test certificate: the key is not attested, no assurance;
 * not for relying parties" (the `test-unattested` profile of `cardauth ca
 * issue`). Arc under 2.25 from UUID e867fc58-7ecd-4474-ac9c-deee7cdc77d6.
 */
export const POLICY_TEST_UNATTESTED = '2.25.308920819777071255539322108759229888470';

/**
 * The timestamping authority's policy (RFC 3161 §2.4.2 TSTInfo.policy): "time
 * from this service's clock, whole seconds, accuracy one second". An arc
 * under 2.25 (UUID 9b1f4c5e-2d7a-4f0e-8c61-5a3e7d90b2c4).
 */
export const POLICY_TSA = '2.25.206192849473928381551650035562215158468';
