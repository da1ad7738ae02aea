// What a PDF sent for signing may be. The whole document travels in a JSON
// body (base64) and waits in the ephemeral store until the card signs, so its
// size is bounded: 4 MiB of PDF (about 5.6 MB of base64). The signature's
// place in the PDF (/Contents) is reserved before the card signs: 8192 bytes
// of CMS, room for the signer and issuing certificates and a signature
// time-stamp with its TSA certificate (about 3.5 KB) with margin.
export const MAX_PDF_BYTES = 4 * 1024 * 1024;
export const PDF_SIGNATURE_BYTES = 8192;
