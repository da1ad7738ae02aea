// Distinguished names (RFC 5280 §4.1.2.4, X.520): one attribute per RDN in
// the given order. countryName and serialNumber are PrintableString (X.520),
// the rest UTF8String.
import { objectIdentifier, printableString, seq, set, utf8String } from './der.js';
import { oid } from './oids.js';

export interface NameAttribute {
  readonly type: string;
  readonly value: string;
}

const printable = new Set<string>([oid.countryName, oid.serialNumber]);

/** The DER of the Name. */
export function buildName(attrs: readonly NameAttribute[]): Buffer {
  return seq(
    ...attrs.map((a) =>
      set(seq(objectIdentifier(a.type), printable.has(a.type) ? printableString(a.value) : utf8String(a.value))),
    ),
  );
}
