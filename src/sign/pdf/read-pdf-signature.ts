// Reads the last signature of a signed PDF for validation (ISO 32000-1
// §12.8.1): its /ByteRange [a b c d], the CMS in /Contents between the two
// ranges (hex, zero-padded to the reserved size: the CMS's own DER length
// says where it ends), and the bytes the ranges cover. The ranges must start
// at 0, be in order, enclose exactly the <…> of /Contents, and end at the
// end of the file: bytes appended after the signature (a later incremental
// update) are reported, since they are not covered by it.
import { signError } from '../codes.js';

export interface PdfSignature {
  readonly byteRange: readonly [number, number, number, number];
  readonly cms: Buffer;
  /** The bytes the ByteRange covers (what message-digest is over). */
  readonly signedContent: Buffer;
  /** True when the signature covers the file up to its last byte. */
  readonly coversWholeFile: boolean;
}

/** Length of one DER TLV at the start of `b` (definite lengths only). */
function derLength(b: Buffer): number {
  if (b.length < 2 || b[0] !== 0x30) throw new Error('not a DER SEQUENCE');
  const first = b[1]!;
  if (first < 0x80) return 2 + first;
  const n = first & 0x7f;
  if (n === 0 || n > 3) throw new Error('unsupported DER length');
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + b[2 + i]!;
  return 2 + n + len;
}

export function readPdfSignature(pdf: Buffer): PdfSignature {
  const malformed = (why: string, cause?: unknown) => signError('signature_container_malformed', `The PDF's signature cannot be read: ${why}.`, { cause });
  const at = pdf.lastIndexOf('/ByteRange', undefined, 'latin1');
  if (at === -1) throw malformed('it holds no signature (/ByteRange)');
  const m = /^\/ByteRange\s*\[\s*(\d{1,10})\s+(\d{1,10})\s+(\d{1,10})\s+(\d{1,10})\s*\]/.exec(pdf.toString('latin1', at, at + 80));
  if (!m) throw malformed('its /ByteRange is not four numbers');
  const [a, b, c, d] = m.slice(1).map(Number) as [number, number, number, number];
  if (a !== 0 || b <= 0 || c <= b + 2 || d < 0 || c + d > pdf.length) throw malformed('its /ByteRange does not fit the file');
  if (pdf[b] !== 0x3c || pdf[c - 1] !== 0x3e) throw malformed('its /ByteRange does not enclose the /Contents string');
  const hex = pdf.toString('latin1', b + 1, c - 1);
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(hex)) throw malformed('its /Contents is not hexadecimal');
  const raw = Buffer.from(hex, 'hex');
  let cms: Buffer;
  try {
    const n = derLength(raw);
    if (n > raw.length || raw.subarray(n).some((x) => x !== 0)) throw new Error('the /Contents padding is not zeros');
    cms = raw.subarray(0, n);
  } catch (err) {
    throw malformed('its /Contents is not one DER value', err);
  }
  return {
    byteRange: [a, b, c, d],
    cms,
    signedContent: Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]),
    coversWholeFile: c + d === pdf.length,
  };
}
