// Signature AlgorithmIdentifiers for ECDSA (RFC 5758 §3.2: parameters
// absent), chosen by the signing key's curve.
import type { CurveName } from '../types.js';
import { objectIdentifier, seq } from './der.js';
import { oid } from './oids.js';

const ids: Record<CurveName, Buffer> = {
  'P-256': seq(objectIdentifier(oid.ecdsaWithSha256)),
  'P-384': seq(objectIdentifier(oid.ecdsaWithSha384)),
};

export function ecdsaAlgorithm(curve: CurveName): Buffer {
  return ids[curve];
}
