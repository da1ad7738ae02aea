// Distinguished names (RFC 5280 §4.1.2.4, X.520). countryName and
// serialNumber are PrintableString (X.520 upper bounds); the rest UTF8String.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { oid } from './oids.js';

export interface NameAttribute {
  readonly type: string;
  readonly value: string;
}

const printable = new Set<string>([oid.countryName, oid.serialNumber]);

/**
 * One attribute per RDN, in the given order. (pkijs would put all attributes
 * of a fresh RelativeDistinguishedNames into a single multi-valued RDN, so the
 * DER is built here and parsed back, which also pins the exact bytes.)
 */
export function buildName(attrs: readonly NameAttribute[]): pkijs.RelativeDistinguishedNames {
  const rdns = attrs.map(
    (a) =>
      new asn1js.Set({
        value: [
          new pkijs.AttributeTypeAndValue({
            type: a.type,
            value: printable.has(a.type)
              ? new asn1js.PrintableString({ value: a.value })
              : new asn1js.Utf8String({ value: a.value }),
          }).toSchema(),
        ],
      }),
  );
  return pkijs.RelativeDistinguishedNames.fromBER(new asn1js.Sequence({ value: rdns }).toBER());
}

/** The DER of a name as it appears in a certificate (for hashing and comparison). */
export function nameDer(name: pkijs.RelativeDistinguishedNames): Buffer {
  return Buffer.from(name.toSchema().toBER());
}
