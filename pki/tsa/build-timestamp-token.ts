// A timestamp token (RFC 3161 §2.4.2): TSTInfo signed as CMS SignedData by
// the TSA key, with signed attributes content-type (id-ct-TSTInfo),
// message-digest and signing-certificate-v2 (RFC 5816 §2.2.1), the TSA
// certificate included when the request asked for it (certReq).
//   TSTInfo ::= SEQUENCE { version INTEGER { v1(1) }, policy TSAPolicyId,
//     messageImprint MessageImprint, serialNumber INTEGER, genTime GeneralizedTime,
//     accuracy Accuracy OPTIONAL, ordering BOOLEAN DEFAULT FALSE, nonce INTEGER OPTIONAL,
//     tsa [0] GeneralName OPTIONAL, extensions [1] IMPLICIT Extensions OPTIONAL }
// genTime is in whole seconds and the accuracy one second (the policy
// POLICY_TSA says so).
import { createHash, verify } from 'node:crypto';
import type { CaCertificate } from '../ca/ca-certificate.js';
import { PkiError } from '../errors.js';
import type { Signer } from '../keystore/key-store.js';
import { explicit, generalizedTime, objectIdentifier, octetString, seq, smallInteger, tlv, unsignedInteger } from '../lib/der.js';
import { oid } from '../lib/oids.js';
import { wholeSeconds } from '../lib/time.js';
import type { MessageImprint } from './parse-timestamp-request.js';
import { attribute, signedAttributesDer, signedDataContentInfo, signerInfo, signingCertificateV2 } from './signed-data.js';

export interface TimestampTokenInput {
  readonly imprint: MessageImprint;
  /** The request's nonce INTEGER contents, echoed. */
  readonly nonce?: Buffer | undefined;
  readonly includeCertificate: boolean;
  readonly genTime: Date;
  readonly serial: Buffer;
  readonly policy: string;
  readonly tsa: CaCertificate;
  readonly signer: Signer;
}

export function tstInfoDer(input: TimestampTokenInput): Buffer {
  return seq(
    smallInteger(1),
    objectIdentifier(input.policy),
    seq(seq(objectIdentifier(input.imprint.algorithm)), octetString(input.imprint.digest)),
    unsignedInteger(input.serial),
    generalizedTime(wholeSeconds(input.genTime)),
    seq(smallInteger(1)), // Accuracy { seconds 1 }
    ...(input.nonce === undefined ? [] : [tlv(0x02, input.nonce)]),
    explicit(0, explicit(4, input.tsa.subjectDer)), // tsa: directoryName of the TSA
  );
}

/** The TimeStampToken (a ContentInfo), DER. */
export async function buildTimestampToken(input: TimestampTokenInput): Promise<Buffer> {
  if (input.signer.curve !== 'P-256') throw new PkiError('ca_state_corrupt', 'the TSA key must be P-256');
  const tstInfo = tstInfoDer(input);
  const attributes = [
    attribute(oid.contentType, objectIdentifier(oid.tstInfo)),
    attribute(oid.messageDigest, octetString(createHash('sha256').update(tstInfo).digest())),
    attribute(oid.signingCertificateV2, signingCertificateV2(input.tsa.der)),
  ];
  const toSign = signedAttributesDer(attributes);
  const signature = await input.signer.sign(toSign, 'der');
  if (!verify('sha256', toSign, input.tsa.x509.publicKey, signature)) {
    throw new PkiError('key_store_unavailable', `signer '${input.signer.name}' produced a signature that does not verify with the TSA certificate`);
  }
  return signedDataContentInfo({
    eContentType: oid.tstInfo,
    eContent: tstInfo,
    digestAlgorithm: oid.sha256,
    certificates: input.includeCertificate ? [input.tsa.der] : [],
    signerInfo: signerInfo({
      signerCertDer: input.tsa.der,
      signedAttributes: attributes,
      signature,
      digestAlgorithm: oid.sha256,
      signatureAlgorithm: oid.ecdsaWithSha256,
    }),
  });
}
