// Signature AlgorithmIdentifiers for ECDSA (RFC 5758 §3.2: parameters
// absent) chosen by the signing key's curve.
import * as pkijs from 'pkijs';
import type { CurveName } from '../types.js';
import { oid } from './oids.js';

export function ecdsaAlgorithm(curve: CurveName): pkijs.AlgorithmIdentifier {
  return new pkijs.AlgorithmIdentifier({ algorithmId: curve === 'P-256' ? oid.ecdsaWithSha256 : oid.ecdsaWithSha384 });
}
