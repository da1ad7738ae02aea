// Builds and signs a version 2 CRL (RFC 5280 §5.1): issuer = the issuing CA,
// thisUpdate/nextUpdate, one entry per revoked or held certificate with its
// reasonCode (§5.3.1; "unspecified" is left out as the RFC asks), and the CRL
// extensions authorityKeyIdentifier and cRLNumber (§5.2.1, §5.2.3).
import type { CaCertificate } from '../ca/ca-certificate.js';
import { PkiError } from '../errors.js';
import type { Signer } from '../keystore/key-store.js';
import { ecdsaAlgorithm } from '../lib/algorithms.js';
import { bitString, explicit, seq, smallInteger, unsignedInteger, x509Time } from '../lib/der.js';
import { authorityKeyIdentifier, crlNumber, crlReason } from '../lib/extensions.js';
import { wholeSeconds } from '../lib/time.js';
import { revocationReasons, type RevokedEntry } from '../types.js';

export interface BuildCrlInput {
  readonly issuer: CaCertificate;
  readonly signer: Signer;
  readonly entries: readonly RevokedEntry[];
  readonly number: bigint;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date;
}

function entryOf(e: RevokedEntry): Buffer {
  const code = e.status === 'hold' ? revocationReasons.certificateHold : revocationReasons[e.reason];
  if (code === undefined) throw new PkiError('ca_state_corrupt', `unknown revocation reason for ${e.serial}`);
  const when = wholeSeconds(e.status === 'hold' ? e.since : e.at);
  const parts = [unsignedInteger(Buffer.from(e.serial, 'hex')), x509Time(when)];
  if (code !== revocationReasons.unspecified) parts.push(seq(crlReason(code)));
  return seq(...parts);
}

export async function buildCrl(input: BuildCrlInput): Promise<Buffer> {
  const algorithm = ecdsaAlgorithm(input.signer.curve);
  const parts = [
    smallInteger(1), // v2
    algorithm,
    input.issuer.subjectDer,
    x509Time(wholeSeconds(input.thisUpdate)),
    x509Time(wholeSeconds(input.nextUpdate)),
  ];
  // RFC 5280 §5.1.2.6: when there are no revoked certificates the list is absent.
  if (input.entries.length > 0) parts.push(seq(...input.entries.map(entryOf)));
  parts.push(explicit(0, seq(authorityKeyIdentifier(input.issuer.keyId), crlNumber(input.number))));
  const tbs = seq(...parts);
  const signature = await input.signer.sign(tbs, 'der');
  return seq(tbs, algorithm, bitString(signature));
}
