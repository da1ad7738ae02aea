// Puts the CMS into a prepared PDF (./prepare-pdf.ts): @signpdf/signpdf fills
// the ByteRange and writes the CMS, hex, into the reserved /Contents. The
// bytes the ByteRange covers are hashed again and must be the digest the
// card's signature is over — a prepared PDF that changed in between is
// refused, never signed over something else.
import { signError } from '../codes.js';
import { PDF_SIGNATURE_BYTES } from './limits.js';
import { fillByteRange } from './prepare-pdf.js';

export async function embedSignature(prepared: Buffer, cms: Buffer, expectedDigest: Uint8Array): Promise<Buffer> {
  if (cms.length > PDF_SIGNATURE_BYTES) throw new Error(`the CMS (${cms.length} bytes) does not fit the ${PDF_SIGNATURE_BYTES} bytes reserved in the PDF`);
  const { pdf, digest } = await fillByteRange(prepared, cms);
  if (!digest.equals(Buffer.from(expectedDigest))) {
    throw signError('signature_document_mismatch', 'The prepared PDF does not match the digest that was signed.');
  }
  return pdf;
}
