// Re-checks what the profile promises before anything is signed: an end
// entity (never a CA), the expected key usage, extended key usage and policy,
// revocation pointers present, serial positive with ≥ 64 bits, key
// identifiers set.
import { PkiError } from '../../errors.js';
import type { KeyUsageName } from '../../lib/extensions.js';
import { POLICY_KEY_ON_CARD_PIN_ALWAYS } from '../../lib/oids.js';
import type { Validator } from '../draft.js';

function sameSet<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

export function validateUsage(keyUsage: readonly KeyUsageName[], extKeyUsage: readonly string[]): Validator {
  return (draft) => {
    if (draft.isCa) throw new PkiError('profile_violation', 'a card certificate cannot be a CA');
    if (!sameSet(draft.keyUsage, keyUsage)) throw new PkiError('profile_violation', 'key usage does not follow the profile');
    if (!sameSet(draft.extKeyUsage, extKeyUsage)) throw new PkiError('profile_violation', 'extended key usage does not follow the profile');
  };
}

export const validateStructure: Validator = (draft) => {
  if (!draft.policies.includes(POLICY_KEY_ON_CARD_PIN_ALWAYS)) throw new PkiError('profile_violation', 'policy OID missing');
  if (!draft.ocspUrl || !draft.caIssuersUrl || !draft.crlUrl) throw new PkiError('profile_violation', 'revocation pointers missing');
  const first = draft.serial[0] ?? 0;
  if (draft.serial.length < 9 || draft.serial.length > 20 || first & 0x80 || first === 0) {
    throw new PkiError('profile_violation', 'serial must be positive, 9-20 octets, minimal');
  }
  if (draft.subjectKeyId.length === 0 || draft.authorityKeyId.length === 0) throw new PkiError('profile_violation', 'key identifiers missing');
};
