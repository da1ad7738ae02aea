// The two card profiles (docs/architecture.md, "Card certificate profile"): card
// authentication (PIV slot 9A) and card signature (9C). Each is a list of
// modifiers followed by validators that re-check the result.
import { oid } from '../lib/oids.js';
import type { Profile, ProfileName } from './draft.js';
import { setKeyIdentifiers, setRevocationPointers } from './modifiers/pointers.js';
import { setSerial } from './modifiers/serial.js';
import { setSubject } from './modifiers/subject.js';
import { setKeyOnCardPolicy, setUsage } from './modifiers/usage.js';
import { setValidity } from './modifiers/validity.js';
import { validateStructure, validateUsage } from './validators/extensions.js';
import { validateKey } from './validators/key.js';
import { validateSubject } from './validators/subject.js';
import { validateValidity } from './validators/validity.js';

const common = [setSerial, setSubject, setValidity, setKeyOnCardPolicy, setRevocationPointers, setKeyIdentifiers];
const commonChecks = [validateKey, validateSubject, validateValidity, validateStructure];

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

export const profiles: Readonly<Record<ProfileName, Profile>> = {
  'card-auth': cardAuthProfile,
  'card-sign': cardSignProfile,
};
