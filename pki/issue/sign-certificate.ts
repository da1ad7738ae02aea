// Encodes a TBSCertificate (RFC 5280 §4.1) and signs it with a key-store
// Signer: the private key stays in the store. The result is checked against
// the signer's public key before it is returned, so a faulty signer (an HSM
// returning garbage) cannot produce a certificate that does not verify.
import { X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { PkiError } from '../errors.js';
import type { Signer } from '../keystore/key-store.js';
import { ecdsaAlgorithm } from '../lib/algorithms.js';
import { x509Time } from '../lib/time.js';
import { toPkijsSpki } from '../lib/spki.js';
import type { KeyObject } from 'node:crypto';

export interface TbsFields {
  readonly serial: Uint8Array;
  readonly issuer: pkijs.RelativeDistinguishedNames;
  readonly subject: pkijs.RelativeDistinguishedNames;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly publicKey: KeyObject;
  readonly extensions: pkijs.Extension[];
}

export async function signCertificate(fields: TbsFields, signer: Signer): Promise<Buffer> {
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = new asn1js.Integer({ valueHex: fields.serial });
  cert.signature = ecdsaAlgorithm(signer.curve);
  cert.signatureAlgorithm = ecdsaAlgorithm(signer.curve);
  cert.issuer = fields.issuer;
  cert.subject = fields.subject;
  cert.notBefore = x509Time(fields.notBefore);
  cert.notAfter = x509Time(fields.notAfter);
  cert.subjectPublicKeyInfo = toPkijsSpki(fields.publicKey);
  cert.extensions = fields.extensions;
  cert.tbsView = new Uint8Array(cert.encodeTBS().toBER());
  const signature = await signer.sign(cert.tbsView, 'der');
  cert.signatureValue = new asn1js.BitString({ valueHex: signature });
  const der = Buffer.from(cert.toSchema().toBER());
  if (!new X509Certificate(der).verify(signer.publicKey)) {
    throw new PkiError('key_store_unavailable', `signer '${signer.name}' produced a signature that does not verify`);
  }
  return der;
}
