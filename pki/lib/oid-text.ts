// Dotted text of a DER OBJECT IDENTIFIER body (X.690 §8.19). Written here
// because asn1js prints arcs beyond 2^53 (such as our 2.25.<UUID> policy) in
// a non-standard "{hex}" form.
export function oidText(body: Uint8Array): string {
  const arcs: bigint[] = [];
  let v = 0n;
  for (let i = 0; i < body.length; i++) {
    const b = body[i] as number;
    if (v === 0n && b === 0x80) throw new Error('OID arc with a leading 0x80 octet');
    v = (v << 7n) | BigInt(b & 0x7f);
    if ((b & 0x80) === 0) {
      arcs.push(v);
      v = 0n;
    } else if (i === body.length - 1) {
      throw new Error('truncated OID');
    }
  }
  const first = arcs.shift();
  if (first === undefined) throw new Error('empty OID');
  const head = first < 40n ? [0n, first] : first < 80n ? [1n, first - 40n] : [2n, first - 80n];
  return [...head, ...arcs].join('.');
}

/** Dotted text of an asn1js ObjectIdentifier node, via its DER (see oidText). */
export function oidTextOfDer(der: Uint8Array): string {
  if (der[0] !== 0x06) throw new Error('not an OBJECT IDENTIFIER');
  const l = der[1] ?? 0;
  return oidText(der.subarray(l < 0x80 ? 2 : 2 + (l & 0x7f)));
}
