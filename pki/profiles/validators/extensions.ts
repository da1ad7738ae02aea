// Re-checks what the profile promises before anything is signed: an end
// entity (never a CA), the expected key usage, extended key usage and policy
// (exactly the profile's one: the card policy never lands in a test
// certificate), revocation pointers present, serial positive with ≥ 64 bits,
// key identifiers set.
import { PkiError } from '../../errors.js';
import type { KeyUsageName } from '../../lib/extensions.js';
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

export function validatePolicy(policy: string): Validator {
  return (draft) => {
    if (draft.policies.length !== 1 || draft.policies[0] !== policy) throw new PkiError('profile_violation', `the policy must be exactly ${policy}`);
  };
}

export const validateStructure: Validator = (draft) => {
  if (!draft.ocspUrl || !draft.caIssuersUrl || !draft.crlUrl) throw new PkiError('profile_violation', 'revocation pointers missing');
  const first = draft.serial[0] ?? 0;
  if (draft.serial.length < 9 || draft.serial.length > 20 || first & 0x80 || first === 0) {
    throw new PkiError('profile_violation', 'serial must be positive, 9-20 octets, minimal');
  }
  if (draft.subjectKeyId.length === 0 || draft.authorityKeyId.length === 0) throw new PkiError('profile_violation', 'key identifiers missing');
};
