// Key usage, extended key usage and policy for the card profiles
// (9A digitalSignature + clientAuth: the card authenticates its holder;
// 9C nonRepudiation: the card signs for its holder).
import type { KeyUsageName } from '../../lib/extensions.js';
import { POLICY_KEY_ON_CARD_PIN_ALWAYS } from '../../lib/oids.js';
import type { Modifier } from '../draft.js';

export function setUsage(keyUsage: readonly KeyUsageName[], extKeyUsage: readonly string[]): Modifier {
  return (draft) => {
    draft.keyUsage = [...keyUsage];
    draft.extKeyUsage = [...extKeyUsage];
    draft.isCa = false;
  };
}

export const setKeyOnCardPolicy: Modifier = (draft) => {
  draft.policies = [POLICY_KEY_ON_CARD_PIN_ALWAYS];
};
