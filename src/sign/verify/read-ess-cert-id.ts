// Reads the first ESSCertIDv2 of a signing-certificate-v2 attribute value
// (RFC 5035 §3):
//   SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2, policies … OPTIONAL }
//   ESSCertIDv2 ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier DEFAULT id-sha256,
//                              certHash OCTET STRING, issuerSerial IssuerSerial OPTIONAL }
//   IssuerSerial ::= SEQUENCE { issuer GeneralNames, serialNumber CertificateSerialNumber }
// The first entry names the signer's certificate (§5.4.1).
import * as asn1js from 'asn1js';
import { oid } from '../../../pki/index.js';

export interface EssCertId {
  readonly hashAlgorithm: string;
  readonly certHash: Buffer;
  /** serialNumber INTEGER contents of issuerSerial, when present. */
  readonly serial: Buffer | undefined;
}

export function readEssCertIdV2(value: asn1js.AsnType): EssCertId {
  const fail = (why: string): never => {
    throw new Error(`signing-certificate-v2: ${why}`);
  };
  if (!(value instanceof asn1js.Sequence)) fail('not a SEQUENCE');
  const certs = (value as asn1js.Sequence).valueBlock.value[0];
  if (!(certs instanceof asn1js.Sequence) || certs.valueBlock.value.length === 0) return fail('no ESSCertIDv2');
  const first = certs.valueBlock.value[0];
  if (!(first instanceof asn1js.Sequence)) return fail('ESSCertIDv2 is not a SEQUENCE');
  const parts = first.valueBlock.value;
  let i = 0;
  let hashAlgorithm: string = oid.sha256;
  if (parts[i] instanceof asn1js.Sequence) {
    const alg = (parts[i] as asn1js.Sequence).valueBlock.value[0];
    if (!(alg instanceof asn1js.ObjectIdentifier)) return fail('hashAlgorithm is not an OID');
    hashAlgorithm = alg.valueBlock.toString();
    i++;
  }
  const hash = parts[i++];
  if (!(hash instanceof asn1js.OctetString)) return fail('certHash is not an OCTET STRING');
  let serial: Buffer | undefined;
  const issuerSerial = parts[i];
  if (issuerSerial instanceof asn1js.Sequence) {
    const n = issuerSerial.valueBlock.value[1];
    if (!(n instanceof asn1js.Integer)) return fail('issuerSerial has no serialNumber');
    serial = Buffer.from(n.valueBlock.valueHexView);
  }
  return { hashAlgorithm, certHash: Buffer.from(hash.valueBlock.valueHexView), serial };
}
