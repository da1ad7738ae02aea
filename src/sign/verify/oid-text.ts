// Dotted text of an OBJECT IDENTIFIER from its content octets (X.690
// §8.19), arcs of any size: asn1js prints arcs above 2^53 wrongly, and the
// national policy OIDs are 128-bit arcs under 2.25.
export function oidText(content: Uint8Array): string {
  const arcs: bigint[] = [];
  let acc = 0n;
  for (const b of content) {
    acc = (acc << 7n) | BigInt(b & 0x7f);
    if ((b & 0x80) === 0) {
      arcs.push(acc);
      acc = 0n;
    }
  }
  const first = arcs.shift() ?? 0n;
  const head = first < 40n ? [0n, first] : first < 80n ? [1n, first - 40n] : [2n, first - 80n];
  return [...head, ...arcs].join('.');
}

/** Dotted text of an asn1js OBJECT IDENTIFIER node, from its own encoding. */
export function oidOfNode(node: { toBER(): ArrayBuffer }): string {
  const der = new Uint8Array(node.toBER());
  if (der[0] !== 0x06) throw new Error('not an OBJECT IDENTIFIER');
  const first = der[1] ?? 0;
  const start = first < 0x80 ? 2 : 2 + (first & 0x7f);
  return oidText(der.subarray(start));
}
