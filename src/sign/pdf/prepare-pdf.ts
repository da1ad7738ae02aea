// Prepares a PDF for a PAdES-B signature (ETSI EN 319 142-1; ISO 32000-1
// §12.8): an incremental update adding the signature dictionary (/Filter
// /Adobe.PPKLite, /SubFilter /ETSI.CAdES.detached, /ByteRange, /Contents
// reserved for the CMS, /M the signing time, /Reason the title shown), its
// widget on the first page and the form. The update is written by
// @signpdf/placeholder-plain and the ByteRange by @signpdf/signpdf
// (maintained npm libraries; both take an external signer, which is what a
// card needs), and the SHA-256 of the bytes the ByteRange covers is what the
// CMS's message-digest will hold.
//
// The library reads the PDF with string searches and handles a classic
// cross-reference table only, so the input is checked first, in order: size,
// header and end-of-file marker, the last cross-reference section being a
// table (not a stream, PDF 1.5 §7.5.8, nor a hybrid /XRefStm), no /Encrypt,
// no existing form (/AcroForm: a form or an earlier signature, whose fields
// the library would overwrite). Anything else is pdf_malformed or
// pdf_unsupported, never a half-written document.
import { createHash } from 'node:crypto';
import { plainAddPlaceholder } from '@signpdf/placeholder-plain';
import { SignPdf } from '@signpdf/signpdf';
import { Signer, SUBFILTER_ETSI_CADES_DETACHED } from '@signpdf/utils';
import { signError } from '../codes.js';
import { MAX_PDF_BYTES, PDF_SIGNATURE_BYTES } from './limits.js';

export interface PreparedPdf {
  /** The PDF with the signature dictionary and its placeholder (ByteRange not yet filled in). */
  readonly pdf: Buffer;
  /** SHA-256 of the bytes the ByteRange will cover: the CMS message-digest. */
  readonly byteRangeDigest: Buffer;
}

const latin1 = (b: Buffer, from: number, to: number): string => b.toString('latin1', Math.max(0, from), Math.min(b.length, to));

/** The byte offset startxref names, checked to be inside the file. */
function lastXrefOffset(pdf: Buffer): number {
  const tail = latin1(pdf, pdf.length - 1024, pdf.length);
  if (!/%%EOF\s*$/.test(tail)) throw signError('pdf_malformed', 'The PDF does not end with %%EOF.');
  const m = /startxref\s+(\d{1,10})\s+%%EOF\s*$/.exec(tail);
  if (!m) throw signError('pdf_malformed', 'The PDF has no startxref before its %%EOF.');
  const at = Number(m[1]);
  if (at >= pdf.length) throw signError('pdf_malformed', 'The PDF\'s startxref points past its end.');
  return at;
}

/** Checks what the placeholder library can handle; throws pdf_malformed / pdf_unsupported. */
export function checkPdfForSigning(pdf: Buffer): void {
  if (pdf.length > MAX_PDF_BYTES) throw signError('pdf_too_large', `A PDF to sign may have at most ${MAX_PDF_BYTES} bytes.`, { detail: { maxBytes: MAX_PDF_BYTES } });
  if (!/%PDF-[12]\.\d/.test(latin1(pdf, 0, 1024))) throw signError('pdf_malformed', 'The document is not a PDF (no %PDF- header).');
  const at = lastXrefOffset(pdf);
  // Some writers (the placeholder library among them) point one whitespace early.
  const section = latin1(pdf, at, at + 64).replace(/^[\r\n\t ]{1,2}/, '');
  if (/^\d+\s+\d+\s+obj\b/.test(section)) {
    throw signError('pdf_unsupported', 'The PDF uses a cross-reference stream (PDF 1.5 compressed); only PDFs with a cross-reference table can be signed here.');
  }
  if (!section.startsWith('xref')) throw signError('pdf_malformed', 'The PDF\'s startxref does not point at a cross-reference section.');
  const trailerAt = pdf.indexOf('trailer', at, 'latin1');
  if (trailerAt === -1) throw signError('pdf_malformed', 'The PDF\'s last cross-reference table has no trailer.');
  const trailer = latin1(pdf, trailerAt, pdf.length);
  if (/\/Encrypt\b/.test(trailer)) throw signError('pdf_unsupported', 'The PDF is encrypted.');
  if (/\/XRefStm\b/.test(trailer)) throw signError('pdf_unsupported', 'The PDF also uses a cross-reference stream (hybrid file).');
  if (!/\/Root\s+\d+\s+\d+\s+R/.test(trailer)) throw signError('pdf_malformed', 'The PDF\'s trailer names no document catalog (/Root).');
  if (pdf.indexOf('/AcroForm', 0, 'latin1') !== -1) {
    throw signError('pdf_unsupported', 'The PDF has a form or an earlier signature (/AcroForm); only PDFs without one can be signed here.');
  }
  if (pdf.indexOf('/ByteRange', 0, 'latin1') !== -1) throw signError('pdf_unsupported', 'The PDF already holds a signature.');
}

/** A Signer that only hands back what it is given: to compute the ByteRange's digest, or to embed a CMS already made. */
class FixedSigner extends Signer {
  digest: Buffer | undefined;
  constructor(private readonly cms: Buffer | undefined) {
    super();
  }
  override async sign(pdfBuffer: Buffer): Promise<Buffer> {
    this.digest = createHash('sha256').update(pdfBuffer).digest();
    return this.cms ?? Buffer.alloc(0);
  }
}

/** Runs @signpdf/signpdf over a prepared PDF: fills the ByteRange, hands the covered bytes to `signer`, embeds what it returns. */
export async function fillByteRange(prepared: Buffer, cms: Buffer | undefined): Promise<{ pdf: Buffer; digest: Buffer }> {
  const signer = new FixedSigner(cms);
  const pdf = await new SignPdf().sign(prepared, signer);
  if (signer.digest === undefined) throw new Error('the PDF library did not hand over the signed bytes');
  return { pdf, digest: signer.digest };
}

export async function preparePdf(unverifiedPdf: Buffer, opts: { readonly signingTime: Date; readonly title: string; readonly appName?: string }): Promise<PreparedPdf> {
  checkPdfForSigning(unverifiedPdf);
  let pdf: Buffer;
  try {
    pdf = plainAddPlaceholder({
      pdfBuffer: unverifiedPdf,
      reason: opts.title,
      contactInfo: '',
      name: '',
      location: '',
      signingTime: new Date(Math.floor(opts.signingTime.getTime() / 1000) * 1000),
      signatureLength: PDF_SIGNATURE_BYTES,
      subFilter: SUBFILTER_ETSI_CADES_DETACHED,
      appName: opts.appName ?? 'cardauth',
    });
  } catch (err) {
    throw signError('pdf_malformed', 'The PDF\'s structure could not be read to add a signature.', { cause: err });
  }
  const { digest } = await fillByteRange(pdf, undefined);
  return { pdf, byteRangeDigest: digest };
}
