// The signing input v2 of an authentication challenge (./signing-input-v2.ts):
// the view the terminal shows for a challenge — who asks (the RP's id and
// registered name), the nonce, the terminal, the transaction, the consent
// text and the attributes to release, in the order requested — with purpose
// "authenticate" and no document. Built by the server from its challenge
// record and by the terminal from the fields it displays
// (src/terminal/check-signing-input-v2.ts).
import type { Transaction } from './wire.js';
import { signingInputV2, signingInputV2Preimage, signingInputV2Text, SIGNING_INPUT_V2_DOMAIN, type SigningInputV2View } from './signing-input-v2.js';

export interface ChallengeFields {
  readonly rpId: string;
  readonly rpName: string;
  /** base64url of the 32 random bytes. */
  readonly nonce: string;
  readonly terminalId: string;
  readonly transaction: Transaction | null;
  readonly consentText: string | null;
  readonly requestedAttributes: readonly string[];
}

export function challengeView(c: ChallengeFields): SigningInputV2View {
  return {
    purpose: 'authenticate',
    rp: { id: c.rpId, name: c.rpName },
    nonce: c.nonce,
    terminalId: c.terminalId,
    transaction: c.transaction,
    consentText: c.consentText,
    requestedAttributes: c.requestedAttributes,
    document: null,
  };
}

/** Domain, canonical text, the preimage (what node:crypto verifies over) and the 32-byte input. */
export function challengeSigningInputV2(c: ChallengeFields): { readonly domain: string; readonly canonical: string; readonly preimage: Buffer; readonly input: Buffer } {
  const view = challengeView(c);
  return { domain: SIGNING_INPUT_V2_DOMAIN, canonical: signingInputV2Text(view), preimage: signingInputV2Preimage(view), input: signingInputV2(view) };
}
