// Value types of the sign-request flow (a relying party asks, the citizen
// signs at a terminal with the card's signature key). Identifiers are branded
// like the authentication ones (src/auth/types.ts).
import type { RpId, TerminalId } from '../../rp/ids.js';

export type SignRequestId = string & { readonly __brand: 'SignRequestId' };
export const SIGN_REQUEST_ID = /^sr_[A-Za-z0-9_-]{22}$/;
export const isSignRequestId = (s: string): s is SignRequestId => SIGN_REQUEST_ID.test(s);

/** What is signed: a digest the RP computed (detached CAdES), or a PDF the service prepared (PAdES). */
export type SignContainer = 'cades' | 'pades';

/** The server's own record of a sign request (ephemeral store value, JSON). */
export interface SignRequestRecord {
  readonly v: 1;
  readonly id: SignRequestId;
  readonly rpId: RpId;
  /** The relying party's name as registered: shown to the citizen and signed (signing input v2). */
  readonly rpName: string;
  readonly terminalId: TerminalId;
  /** base64url of 32 random bytes. */
  readonly nonce: string;
  readonly title: string;
  readonly summary: string;
  readonly container: SignContainer;
  /** hex SHA-256 that the CMS message-digest holds: the RP's document digest, or the prepared PDF's ByteRange digest. */
  readonly documentSha256: string;
  /** hex SHA-256 of the PDF as the RP sent it (pades only). */
  readonly pdfSha256?: string;
  /** ms since epoch, whole seconds: the signing-time attribute (cades) or the PDF's /M (pades). */
  readonly signingTime: number;
  readonly createdAt: number;
  readonly expiresAt: number;
}

/** The request as a terminal (and the RP) is given it. */
export interface PresentedSignRequest {
  readonly id: SignRequestId;
  readonly nonce: string;
  readonly expiresAt: string;
  readonly rpId: RpId;
  readonly rpName: string;
  readonly terminalId: TerminalId;
  readonly title: string;
  readonly summary: string;
  readonly container: SignContainer;
  readonly document: { readonly sha256: string; readonly pdfSha256?: string };
  readonly signingTime: string;
  readonly signingInput: {
    readonly domain: string;
    /** RFC 8785 text of the view hashed after the domain. */
    readonly canonical: string;
    /** hex of the 32 bytes the signature binds to (the CMS content-identifier). */
    readonly input: string;
  };
}

/** What a completed request holds. */
export interface SignResult {
  /** base64 DER ContentInfo (detached CAdES, or the PDF's CMS). */
  readonly cms: string;
  /** base64 of the signed PDF (pades). */
  readonly pdf?: string;
  readonly level: 'B-B' | 'B-T';
  readonly timestampedAt?: string;
  readonly documentSha256: string;
  readonly signer: {
    readonly subject: string;
    readonly serialNumber: string | null;
    readonly certSerial: string;
    readonly certSha256: string;
    readonly cardSerial: string;
  };
}

export type SignRequestState =
  | { readonly status: 'pending'; readonly expiresAt: string; readonly request?: PresentedSignRequest }
  | ({ readonly status: 'completed' } & SignResult)
  | { readonly status: 'failed'; readonly code: string }
  | { readonly status: 'expired' };
