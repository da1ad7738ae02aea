// Sets the subject DN of a card certificate (docs/architecture.md, "Card
// certificate profile"; ETSI EN 319 412-1 §5.1.3 semantics identifier "PNO" = national personal
// number): C, CN "SURNAME,GIVEN", surname, givenName, serialNumber PNO<C>-<id>.
// Every name is a UTF8String. When the citizen's name is in another script
// (Khmer) and given in Latin letters too, surname and givenName keep the
// national script and the CN is the Latin "SURNAME,GIVEN".
import { oid } from '../../lib/oids.js';
import type { CardSubject, Modifier } from '../draft.js';

export function normaliseName(s: string): string {
  return s.normalize('NFC').trim().replace(/\s+/g, ' ');
}

export function commonNameOf(subject: CardSubject): string {
  const names = subject.latin ?? subject;
  return `${normaliseName(names.surname).toUpperCase()},${normaliseName(names.givenName).toUpperCase()}`;
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
