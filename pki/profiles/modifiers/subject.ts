// Sets the subject DN of a card certificate (docs/architecture.md, "Card
// certificate profile"; ETSI EN 319 412-1 §5.1.3 semantics identifier "PNO" = national personal
// number): C, CN "SURNAME,GIVEN", surname, givenName, serialNumber PNO<C>-<id>.
import { oid } from '../../lib/oids.js';
import type { CardSubject, Modifier } from '../draft.js';

export function normaliseName(s: string): string {
  return s.normalize('NFC').trim().replace(/\s+/g, ' ');
}

export function commonNameOf(subject: CardSubject): string {
  return `${normaliseName(subject.surname).toUpperCase()},${normaliseName(subject.givenName).toUpperCase()}`;
}

export function personalNumberOf(subject: CardSubject): string {
  return `PNO${subject.country}-${subject.nationalId}`;
}

export const setSubject: Modifier = (draft, request) => {
  const s = request.subject;
  draft.subject = [
    { type: oid.countryName, value: s.country },
    { type: oid.commonName, value: commonNameOf(s) },
    { type: oid.surname, value: normaliseName(s.surname) },
    { type: oid.givenName, value: normaliseName(s.givenName) },
    { type: oid.serialNumber, value: personalNumberOf(s) },
  ];
};
