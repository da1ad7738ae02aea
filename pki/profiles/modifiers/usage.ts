// Key usage, extended key usage and policy for the card profiles
// (the card certificate profile: 9A digitalSignature + clientAuth; 9C
// nonRepudiation) and the test profile.
import type { KeyUsageName } from '../../lib/extensions.js';
import { POLICY_KEY_ON_CARD_PIN_ALWAYS, POLICY_TEST_UNATTESTED } from '../../lib/oids.js';
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

export const setTestPolicy: Modifier = (draft) => {
  draft.policies = [POLICY_TEST_UNATTESTED];
};
