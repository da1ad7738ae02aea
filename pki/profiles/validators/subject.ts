// Re-checks the subject the modifiers produced against the input rules:
// C two capital letters and equal to the CA's country; names are letters
// (any script), spaces, hyphens, apostrophes and dots, no commas (CN uses one
// as separator), at most 64 characters (X.520 ub-name); nationalId A-Z0-9;
// serialNumber exactly PNO<C>-<id> (ETSI EN 319 412-1 §5.1.3); CN exactly
// "SURNAME,GIVEN" (in Latin letters A-Z when a Latin form of the name is given).
import { PkiError } from '../../errors.js';
import { oid } from '../../lib/oids.js';
import type { Validator } from '../draft.js';
import { commonNameOf, normaliseName, personalNumberOf } from '../modifiers/subject.js';

const NAME = /^[\p{L}\p{M}][\p{L}\p{M} '\-.]*$/u;
const LATIN = /^[A-Za-z][A-Za-z '\-]*$/;
const NATIONAL_ID = /^[A-Z0-9]{1,32}$/;
const COUNTRY = /^[A-Z]{2}$/;
const UB = 64;

function bad(message: string): never {
  throw new PkiError('profile_subject_invalid', message);
}

export const validateSubject: Validator = (draft, request, ctx) => {
  const s = request.subject;
  if (!COUNTRY.test(s.country)) bad('country must be two capital letters (ISO 3166-1 alpha-2)');
  if (s.country !== ctx.country) bad(`this CA issues for country ${ctx.country} only`);
  for (const [field, value] of [
    ['surname', s.surname],
    ['givenName', s.givenName],
  ] as const) {
    const v = normaliseName(value);
    if (v.length === 0 || v.length > UB || !NAME.test(v)) bad(`${field} must be 1-${UB} letters, spaces, hyphens, apostrophes or dots`);
  }
  if (s.latin !== undefined) {
    for (const [field, value] of [
      ['latin.surname', s.latin.surname],
      ['latin.givenName', s.latin.givenName],
    ] as const) {
      const v = normaliseName(value);
      if (v.length === 0 || v.length > UB || !LATIN.test(v)) bad(`${field} must be 1-${UB} Latin letters, spaces, hyphens or apostrophes`);
    }
  }
  if (!NATIONAL_ID.test(s.nationalId)) bad('nationalId must be 1-32 characters A-Z or 0-9');
  const expected = new Map<string, string>([
    [oid.countryName, s.country],
    [oid.commonName, commonNameOf(s)],
    [oid.surname, normaliseName(s.surname)],
    [oid.givenName, normaliseName(s.givenName)],
    [oid.serialNumber, personalNumberOf(s)],
  ]);
  if (draft.subject.length !== expected.size) bad('subject has unexpected attributes');
  for (const attr of draft.subject) {
    if (expected.get(attr.type) !== attr.value) bad(`subject attribute ${attr.type} does not follow the profile`);
    if (attr.value.length > UB) bad(`subject attribute ${attr.type} is longer than ${UB} characters`);
  }
};
