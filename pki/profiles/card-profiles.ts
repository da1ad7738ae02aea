// The two card profiles (docs/architecture.md, "Card certificate profile"): card
// authentication (PIV slot 9A) and card signature (9C), and the test
// profile of `cardauth ca issue`. Each is a list of modifiers followed by
// validators that re-check the result.
//
// The card profiles carry the policy "key on card, PIN always": the issuance
// engine asks for them only after the card's attestation of that very key
// was verified and recorded. `test-unattested` is for trying the CA's
// certificates out (openssl, a test relying party): it has no EKU, a test
// policy that says no key was attested, and lives at most 30 days.
import { oid, POLICY_KEY_ON_CARD_PIN_ALWAYS, POLICY_TEST_UNATTESTED } from '../lib/oids.js';
import type { CardProfileName, Profile, ProfileName } from './draft.js';
import { setKeyIdentifiers, setRevocationPointers } from './modifiers/pointers.js';
import { setSerial } from './modifiers/serial.js';
import { setSubject } from './modifiers/subject.js';
import { setKeyOnCardPolicy, setTestPolicy, setUsage } from './modifiers/usage.js';
import { capValidityDays, setValidity } from './modifiers/validity.js';
import { validatePolicy, validateStructure, validateUsage } from './validators/extensions.js';
import { validateKey } from './validators/key.js';
import { validateSubject } from './validators/subject.js';
import { validateMaxValidityDays, validateValidity } from './validators/validity.js';

export const TEST_PROFILE_MAX_DAYS = 30;

const common = [setSerial, setSubject, setValidity, setKeyOnCardPolicy, setRevocationPointers, setKeyIdentifiers];
const commonChecks = [validateKey, validateSubject, validateValidity, validateStructure, validatePolicy(POLICY_KEY_ON_CARD_PIN_ALWAYS)];

export const cardAuthProfile: Profile = {
  name: 'card-auth',
  modifiers: [...common, setUsage(['digitalSignature'], [oid.kpClientAuth])],
  validators: [...commonChecks, validateUsage(['digitalSignature'], [oid.kpClientAuth])],
};

export const cardSignProfile: Profile = {
  name: 'card-sign',
  modifiers: [...common, setUsage(['digitalSignature', 'nonRepudiation'], [])],
  validators: [...commonChecks, validateUsage(['digitalSignature', 'nonRepudiation'], [])],
};

export const testUnattestedProfile: Profile = {
  name: 'test-unattested',
  modifiers: [
    setSerial,
    setSubject,
    setValidity,
    capValidityDays(TEST_PROFILE_MAX_DAYS),
    setTestPolicy,
    setRevocationPointers,
    setKeyIdentifiers,
    setUsage(['digitalSignature'], []),
  ],
  validators: [
    validateKey,
    validateSubject,
    validateValidity,
    validateMaxValidityDays(TEST_PROFILE_MAX_DAYS),
    validateStructure,
    validatePolicy(POLICY_TEST_UNATTESTED),
    validateUsage(['digitalSignature'], []),
  ],
};

export const cardProfileNames: readonly CardProfileName[] = ['card-auth', 'card-sign'];

export const profiles: Readonly<Record<ProfileName, Profile>> = {
  'card-auth': cardAuthProfile,
  'card-sign': cardSignProfile,
  'test-unattested': testUnattestedProfile,
};
