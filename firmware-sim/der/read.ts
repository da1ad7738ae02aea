// A minimal DER reader (X.690 §8.1): enough to take apart a certificate the
// card itself holds (the F9 certificate) to copy its subject and validity.

export interface DerNode {
  readonly tag: number;
  /** The whole encoding (header + value). */
  readonly raw: Uint8Array;
  readonly value: Uint8Array;
}

export function readNode(buf: Uint8Array, offset = 0): DerNode {
  const tag = buf[offset];
  let lenByte = buf[offset + 1];
  if (tag === undefined || lenByte === undefined) throw new Error('DER: truncated');
  let len = lenByte;
  let header = 2;
  if (lenByte & 0x80) {
    const n = lenByte & 0x7f;
    if (n === 0 || n > 3) throw new Error('DER: bad length');
    len = 0;
    for (let k = 0; k < n; k++) {
      lenByte = buf[offset + 2 + k];
      if (lenByte === undefined) throw new Error('DER: truncated');
      len = len * 256 + lenByte;
    }
    header += n;
  }
  const end = offset + header + len;
  if (end > buf.length) throw new Error('DER: truncated');
  return { tag, raw: buf.subarray(offset, end), value: buf.subarray(offset + header, end) };
}

/** The children of a constructed node. */
export function children(buf: Uint8Array): DerNode[] {
  const outer = readNode(buf);
  const out: DerNode[] = [];
  let i = 0;
  while (i < outer.value.length) {
    const n = readNode(outer.value, i);
    out.push(n);
    i += n.raw.length;
  }
  return out;
}

/** Subject and Validity (raw DER) of a certificate (RFC 5280 §4.1). */
export function certificateParts(cert: Uint8Array): { subject: Uint8Array; validity: Uint8Array } {
  const [tbs] = children(cert);
  if (tbs === undefined) throw new Error('DER: not a certificate');
  const f = children(tbs.raw);
  const base = f[0]?.tag === 0xa0 ? 1 : 0;
  const validity = f[base + 3];
  const subject = f[base + 4];
  if (validity === undefined || subject === undefined) throw new Error('DER: not a certificate');
  return { subject: subject.raw, validity: validity.raw };
}
