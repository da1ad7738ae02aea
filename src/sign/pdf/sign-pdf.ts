// A PAdES-B signature (B-T with a timestamping authority) in one call:
// prepare the PDF (./prepare-pdf.ts), build the signed attributes over the
// ByteRange's digest — without signing-time, which the PDF's /M carries
// (ETSI EN 319 142-1 §5.4.3) — have the card sign, date the signature, put
// the CMS into the PDF. The sign-request flow does the same steps apart in
// time (prepared when the request is made, embedded when the card answers).
import { signError } from '../codes.js';
import { assembleSignedData } from '../cades/assemble-signed-data.js';
import { buildSignedAttributes } from '../cades/signed-attributes.js';
import { signatureMatchesCertificate, timestampSignature } from '../cades/sign-detached.js';
import type { DigestSigner, Timestamper } from '../ports.js';
import { embedSignature } from './embed-signature.js';
import { preparePdf } from './prepare-pdf.js';

export interface SignPdfInput {
  readonly pdf: Buffer;
  readonly title: string;
  readonly signingTime: Date;
  readonly signerCertificate: Uint8Array;
  readonly chain: readonly Uint8Array[];
  readonly signer: DigestSigner;
  readonly timestamper?: Timestamper | undefined;
  readonly contentIdentifier?: Uint8Array | undefined;
}

export async function signPdf(input: SignPdfInput): Promise<{ readonly pdf: Buffer; readonly cms: Buffer; readonly timestampedAt?: Date }> {
  const prepared = await preparePdf(input.pdf, { signingTime: input.signingTime, title: input.title });
  const signedAttributes = buildSignedAttributes({
    documentDigest: prepared.byteRangeDigest,
    signerCertificate: input.signerCertificate,
    contentIdentifier: input.contentIdentifier,
  });
  const signature = Buffer.from(await input.signer.signDigest(signedAttributes.digest));
  if (!signatureMatchesCertificate(signedAttributes.der, signature, input.signerCertificate)) {
    throw signError('signature_invalid', 'The card\'s signature does not verify with its certificate.');
  }
  const stamped = input.timestamper === undefined ? undefined : await timestampSignature(input.timestamper, signature);
  const cms = assembleSignedData({ signedAttributes, signature, signerCertificate: input.signerCertificate, chain: input.chain, timestampToken: stamped?.token });
  const pdf = await embedSignature(prepared.pdf, cms, prepared.byteRangeDigest);
  return { pdf, cms, ...(stamped ? { timestampedAt: stamped.genTime } : {}) };
}
