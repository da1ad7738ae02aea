// Builds and signs a version 2 CRL (RFC 5280 §5.1): issuer = the issuing CA,
// thisUpdate/nextUpdate, one entry per revoked or held certificate with its
// reasonCode (§5.3.1; "unspecified" is left out as the RFC asks), and the CRL
// extensions authorityKeyIdentifier and cRLNumber (§5.2.1, §5.2.3).
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { CaCertificate } from '../ca/ca-certificate.js';
import { PkiError } from '../errors.js';
import type { Signer } from '../keystore/key-store.js';
import { ecdsaAlgorithm } from '../lib/algorithms.js';
import { authorityKeyIdentifier, crlNumber, crlReason } from '../lib/extensions.js';
import { x509Time } from '../lib/time.js';
import { revocationReasons, type RevokedEntry } from '../types.js';

export interface BuildCrlInput {
  readonly issuer: CaCertificate;
  readonly signer: Signer;
  readonly entries: readonly RevokedEntry[];
  readonly number: bigint;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date;
}

function entryOf(e: RevokedEntry): pkijs.RevokedCertificate {
  const code = e.status === 'hold' ? revocationReasons.certificateHold : revocationReasons[e.reason];
  if (code === undefined) throw new PkiError('ca_state_corrupt', `unknown revocation reason for ${e.serial}`);
  const when = e.status === 'hold' ? e.since : e.at;
  const params: ConstructorParameters<typeof pkijs.RevokedCertificate>[0] = {
    userCertificate: new asn1js.Integer({ valueHex: Buffer.from(e.serial, 'hex') }),
    revocationDate: x509Time(when),
  };
  if (code !== revocationReasons.unspecified) {
    params.crlEntryExtensions = new pkijs.Extensions({ extensions: [crlReason(code)] });
  }
  return new pkijs.RevokedCertificate(params);
}

export async function buildCrl(input: BuildCrlInput): Promise<Buffer> {
  const crl = new pkijs.CertificateRevocationList({
    version: 1,
    signature: ecdsaAlgorithm(input.signer.curve),
    signatureAlgorithm: ecdsaAlgorithm(input.signer.curve),
    issuer: input.issuer.subject,
    thisUpdate: x509Time(input.thisUpdate),
    nextUpdate: x509Time(input.nextUpdate),
    crlExtensions: new pkijs.Extensions({
      extensions: [authorityKeyIdentifier(input.issuer.keyId), crlNumber(input.number)],
    }),
  });
  // RFC 5280 §5.1.2.6: when there are no revoked certificates the list is absent.
  if (input.entries.length > 0) crl.revokedCertificates = input.entries.map(entryOf);
  // encodeTBS is protected in the typings; toSchema(true) re-encodes the TBS from the fields.
  crl.tbsView = new Uint8Array((crl.toSchema(true).valueBlock.value[0] as asn1js.Sequence).toBER());
  const signature = await input.signer.sign(crl.tbsView, 'der');
  crl.signatureValue = new asn1js.BitString({ valueHex: signature });
  return Buffer.from(crl.toSchema().toBER());
}
