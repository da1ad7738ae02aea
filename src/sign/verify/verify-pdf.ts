// Validates the signature of a signed PDF (PAdES): the last signature's CMS
// over the bytes its ByteRange covers (./verify-signature.ts), and the
// ByteRange must reach the end of the file — bytes appended after the
// signature are not covered by it, so a PDF changed that way is refused as
// changed after signing (signature_document_mismatch).
import { signError } from '../codes.js';
import { readPdfSignature } from '../pdf/read-pdf-signature.js';
import { verifySignature, type SignatureTrust, type SignatureValidation } from './verify-signature.js';

export async function verifyPdf(unverifiedPdf: Buffer, trust: SignatureTrust): Promise<SignatureValidation & { readonly byteRange: readonly number[] }> {
  const sig = readPdfSignature(unverifiedPdf);
  const v = await verifySignature(sig.cms, { data: sig.signedContent }, trust);
  if (!sig.coversWholeFile) {
    throw signError('signature_document_mismatch', 'The PDF was changed after it was signed: bytes after the signature are not covered by it.');
  }
  return { ...v, byteRange: sig.byteRange };
}
