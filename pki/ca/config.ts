// Configuration of the national CA. Country and base URL are configuration,
// not constants: they go into every card certificate (subject C, AIA, CRL
// distribution point). They are written to <data-dir>/pki/ca.json at
// initialisation so later commands issue consistently.
import { PkiError } from '../errors.js';
import type { CurveName } from '../types.js';

export interface CaConfig {
  /** ISO 3166-1 alpha-2 country of the CA and of the citizens it certifies. */
  readonly country: string;
  /** Organisation name in the CA subjects. */
  readonly organization: string;
  /** Where the service publishes /pki/... (AIA and CRL DP point here). */
  readonly baseUrl: string;
  /** Issuing CA curve; P-256 matches the card keys and keeps verification fast. */
  readonly issuingCurve: CurveName;
  /** Upper bound of a card certificate's validity. */
  readonly maxCardValidityDays: number;
}

export const defaultCaConfig: Omit<CaConfig, 'country' | 'organization' | 'baseUrl'> = {
  issuingCurve: 'P-256',
  maxCardValidityDays: 1826,
};

export function checkCaConfig(c: CaConfig): CaConfig {
  if (!/^[A-Z]{2}$/.test(c.country)) throw new PkiError('ca_state_corrupt', 'CA country must be two capital letters');
  if (!c.organization || c.organization.length > 64) throw new PkiError('ca_state_corrupt', 'CA organization must be 1-64 characters');
  let url: URL;
  try {
    url = new URL(c.baseUrl);
  } catch (err) {
    throw new PkiError('ca_state_corrupt', 'CA base URL is not a URL', { cause: err });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new PkiError('ca_state_corrupt', 'CA base URL must be http(s)');
  if (c.issuingCurve !== 'P-256' && c.issuingCurve !== 'P-384') throw new PkiError('ca_state_corrupt', 'issuing curve must be P-256 or P-384');
  if (!Number.isInteger(c.maxCardValidityDays) || c.maxCardValidityDays < 1) throw new PkiError('ca_state_corrupt', 'bad maxCardValidityDays');
  return c;
}
