// Validation of a citizen's enrolment record: national ID format, names and
// dates, with messages that name the field and what is wrong. One
// zod schema, used by the HTTP route and the CLI alike; the first problem is
// turned into citizen_invalid naming the field.
import { z } from 'zod';
import type { Clock } from '../../util/clock.js';
import { issuanceError } from '../codes.js';
import { parseNationalId, type NationalId } from '../types.js';

// Letters of any script, combining marks, and the separators names really
// contain (space, hyphen, apostrophe); at most 64 characters, the X.520
// upper bound for surname/givenName (RFC 5280 Appendix A ub-name is 32768,
// but the card's CN "SURNAME,GIVEN" must stay readable on a PIN-pad display).
const NAME = /^\p{L}[\p{L}\p{M}' -]{0,63}$/u;
// The same name in Latin letters, as in a passport: upper-case A-Z (lower
// case is accepted and raised), spaces, hyphens, apostrophes.
const LATIN = /^[A-Za-z][A-Za-z' -]{0,63}$/;
const latinName = z.string().trim().max(64).regex(LATIN, 'Latin letters A–Z, spaces, hyphens and apostrophes only, starting with a letter');

export const citizenInputSchema = z.object({
  nationalId: z.string().min(1, 'required').max(40),
  surname: z.string().trim().min(1, 'required').max(64).regex(NAME, 'letters, spaces, hyphens and apostrophes only, starting with a letter'),
  givenName: z.string().trim().min(1, 'required').max(64).regex(NAME, 'letters, spaces, hyphens and apostrophes only, starting with a letter'),
  surnameLatin: latinName.optional(),
  givenNameLatin: latinName.optional(),
  birthDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD'),
});
export type CitizenInput = z.input<typeof citizenInputSchema>;

export interface ValidCitizen {
  readonly nationalId: NationalId;
  readonly surname: string;
  readonly givenName: string;
  readonly surnameLatin?: string;
  readonly givenNameLatin?: string;
  readonly birthDate: string;
}

/** Validate an enrolment record; throws citizen_invalid with `detail.field`. */
export function validateCitizen(input: unknown, clock: Clock): ValidCitizen {
  const r = citizenInputSchema.safeParse(input);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const field = String(issue.path[0] ?? 'record');
    throw issuanceError('citizen_invalid', `${field}: ${issue.message}`, { detail: { field } });
  }
  const nationalId = parseNationalId(r.data.nationalId);
  const [y, m, d] = r.data.birthDate.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
    throw issuanceError('citizen_invalid', 'birthDate: not a real calendar date', { detail: { field: 'birthDate' } });
  }
  if (y < 1900) throw issuanceError('citizen_invalid', 'birthDate: before 1900', { detail: { field: 'birthDate' } });
  if (date.getTime() > clock.now().getTime()) {
    throw issuanceError('citizen_invalid', 'birthDate: in the future', { detail: { field: 'birthDate' } });
  }
  const { surnameLatin, givenNameLatin } = r.data;
  if ((surnameLatin === undefined) !== (givenNameLatin === undefined)) {
    const field = surnameLatin === undefined ? 'surnameLatin' : 'givenNameLatin';
    throw issuanceError('citizen_invalid', `${field}: give the name in Latin letters whole (surname and given name) or not at all`, { detail: { field } });
  }
  return {
    nationalId,
    surname: r.data.surname.normalize('NFC'),
    givenName: r.data.givenName.normalize('NFC'),
    ...(surnameLatin === undefined || givenNameLatin === undefined
      ? {}
      : { surnameLatin: surnameLatin.replace(/\s+/g, ' ').toUpperCase(), givenNameLatin: givenNameLatin.replace(/\s+/g, ' ').toUpperCase() }),
    birthDate: r.data.birthDate,
  };
}
