// What a profile works on: the fields of a certificate before encoding, in
// terms the validators can re-check (step-ca's pipeline: modifiers set fields,
// validators check the result, then the certificate is signed).
import type { KeyObject } from 'node:crypto';
import type { KeyUsageName } from '../lib/extensions.js';
import type { NameAttribute } from '../lib/names.js';
import type { CurveName, PublicKeyInput } from '../types.js';

/** The citizen as the certificate names them (docs/architecture.md, "Card certificate profile"). */
export interface CardSubject {
  /** ISO 3166-1 alpha-2, must be the CA's country. */
  readonly country: string;
  readonly surname: string;
  readonly givenName: string;
  /**
   * The same name in Latin letters, for a name written in another script
   * (Khmer): the CN carries it, so devices that cannot show that script can
   * still show the holder; surname and givenName keep the national script.
   */
  readonly latin?: { readonly surname: string; readonly givenName: string } | undefined;
  /** National identity number: A-Z and 0-9. */
  readonly nationalId: string;
}

/** The card profiles: they carry the "key on card, PIN always" policy. */
export type CardProfileName = 'card-auth' | 'card-sign';
/**
 * `test-unattested`: the card subject and revocation pointers, digitalSignature
 * only, no EKU, the test policy instead of the card policy, at most 30 days.
 */
export type ProfileName = CardProfileName | 'test-unattested';

export interface IssueRequest {
  readonly publicKey: PublicKeyInput;
  readonly profile: ProfileName;
  readonly subject: CardSubject;
  /** The card's expiry: the certificate never outlives it. */
  readonly notAfter: Date;
}

/** Facts about the issuing CA and the moment of issuance that profiles read. */
export interface ProfileContext {
  readonly now: Date;
  readonly country: string;
  readonly baseUrl: string;
  readonly issuerKeyId: Buffer;
  readonly issuerNotAfter: Date;
  readonly maxValidityDays: number;
  readonly allowedCurves: readonly CurveName[];
}

export interface CertificateDraft {
  serial: Buffer;
  subject: NameAttribute[];
  notBefore: Date;
  notAfter: Date;
  publicKey: KeyObject;
  keyUsage: KeyUsageName[];
  extKeyUsage: string[];
  policies: string[];
  isCa: boolean;
  ocspUrl: string | undefined;
  caIssuersUrl: string | undefined;
  crlUrl: string | undefined;
  subjectKeyId: Buffer;
  authorityKeyId: Buffer;
}

export type Modifier = (draft: CertificateDraft, request: IssueRequest, ctx: ProfileContext) => void;
export type Validator = (draft: CertificateDraft, request: IssueRequest, ctx: ProfileContext) => void;

export interface Profile {
  readonly name: ProfileName;
  readonly modifiers: readonly Modifier[];
  readonly validators: readonly Validator[];
}
