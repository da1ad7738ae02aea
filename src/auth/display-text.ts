// The text a relying party puts in a challenge and the terminal shows the
// citizen before the PIN (the terminal shows amount and payee before the PIN pad):
// payee, reference, consent text. What the citizen reads is what the card
// signs, so the text must be shown exactly as it is, on the lines it was
// given, and nothing in it may act on the screen. The rule, applied by the
// server when a challenge is created (400 invalid_request) and again by the
// terminal before it touches the card (challenge_not_displayable):
//
//   - well-formed Unicode: no lone UTF-16 surrogate (RFC 8785 §3.2.2.2 cannot
//     canonicalise one, and no screen can show one);
//   - in Normalization Form C (UAX #15), so one visible string has one
//     encoding and so one signing input;
//   - printable characters only: no control (Cc: C0 with CR, LF, TAB, ESC and
//     so ANSI sequences, DEL, C1), no format character (Cf: bidi controls
//     U+202A–U+202E and U+2066–U+2069, zero-width U+200B–U+200D, U+2060,
//     U+FEFF, soft hyphen), no private-use (Co) or unassigned / noncharacter
//     (Cn) code point, no line or paragraph separator (Zl, Zp);
//   - at least one character that is neither a space nor a combining mark;
//     no line starting with a combining mark (it would combine with whatever
//     the screen put before it); at most MAX_COMBINING_RUN combining marks in
//     a row (stacked marks can paint over the lines above and below; Khmer,
//     Thai, Vietnamese and Indic text need far fewer);
//   - single-line fields (payee, reference): one line, 1–140 UTF-16 code units;
//   - consent text: the same rule line by line, LF (U+000A) the only control
//     allowed, separating lines the terminal shows as separate lines; CR is
//     refused (send LF, not CRLF); 1–1000 code units, at most 20 lines; an
//     empty line separates paragraphs but may not open or close the text nor
//     follow another empty line (so the consent cannot push the amount off
//     the screen with blank lines).
//
// Text that breaks the rule is refused, never repaired: a stripped or
// normalised payee would be signed over a different string than the one the
// relying party sent, or than the one shown.
//
// "Unassigned" is judged by the Unicode version of the running engine. A
// terminal older than the server may refuse a character the server accepted:
// that fails safe (nothing is signed).

export const displayTextLimits = {
  payee: 140,
  reference: 140,
  consentText: 1000,
  consentLines: 20,
} as const;

export const MAX_COMBINING_RUN = 4;

/** Why a text cannot be shown faithfully (the `reason` of the refusal). */
export type TextProblem =
  | 'empty'
  | 'too_long'
  | 'lone_surrogate'
  | 'control_character'
  | 'format_character'
  | 'private_use_character'
  | 'unassigned_character'
  | 'line_separator'
  | 'not_nfc'
  | 'no_visible_character'
  | 'leading_combining_mark'
  | 'too_many_combining_marks'
  | 'too_many_lines'
  | 'misplaced_empty_line';

export const textProblemMessages: Readonly<Record<TextProblem, string>> = {
  empty: 'is empty',
  too_long: 'is too long',
  lone_surrogate: 'is not well-formed Unicode (lone UTF-16 surrogate)',
  control_character: 'contains a control character (C0/C1 such as CR, LF, TAB, ESC, DEL)',
  format_character: 'contains a format character (bidi control such as U+202E, zero-width character, soft hyphen)',
  private_use_character: 'contains a private-use character',
  unassigned_character: 'contains an unassigned code point or a noncharacter',
  line_separator: 'contains U+2028 or U+2029',
  not_nfc: 'is not in Unicode Normalization Form C',
  no_visible_character: 'has no visible character',
  leading_combining_mark: 'starts a line with a combining mark',
  too_many_combining_marks: `has more than ${MAX_COMBINING_RUN} combining marks in a row`,
  too_many_lines: `has more than ${displayTextLimits.consentLines} lines`,
  misplaced_empty_line: 'has an empty line at the start, at the end or after another empty line',
};

/** The rule in words, for the OpenAPI descriptions (/openapi.json). */
export const singleLineTextRule =
  'Shown to the citizen and signed as given: well-formed Unicode in NFC, printable characters only ' +
  '(no control characters such as CR, LF, TAB, ESC; no format characters such as bidi overrides U+202E or zero-width characters; ' +
  'no private-use, unassigned or noncharacter code points; no U+2028/U+2029), at least one visible character, ' +
  `no leading combining mark, at most ${MAX_COMBINING_RUN} combining marks in a row. Refused (400 invalid_request), never stripped.`;

export const consentTextRule =
  'Shown to the citizen on the terminal; required with requestedAttributes. The payee rule line by line, ' +
  `with LF (U+000A) as the only control: it separates lines (no CR). At most ${displayTextLimits.consentLines} lines; ` +
  'an empty line may separate paragraphs but not open or close the text nor follow another empty line. Refused (400 invalid_request), never stripped.';

// In a /u pattern a valid surrogate pair is one code point, so only lone halves match.
const LONE_SURROGATE = /\p{Surrogate}/u;
const CONTROL = /\p{Cc}/u;
const CONTROL_BUT_LF = /[^\P{Cc}\n]/u;
const FORMAT = /\p{Cf}/u;
const PRIVATE_USE = /\p{Co}/u;
const UNASSIGNED = /\p{Cn}/u;
const SEPARATOR = /[\p{Zl}\p{Zp}]/u;
const VISIBLE = /[^\p{Z}\p{M}]/u;
const LEADING_MARK = /^\p{M}/u;
const MARK_RUN = new RegExp(`\\p{M}{${MAX_COMBINING_RUN + 1}}`, 'u');

/** The checks on code points, common to both forms. */
function codePointProblem(s: string, control: RegExp): TextProblem | undefined {
  if (LONE_SURROGATE.test(s)) return 'lone_surrogate';
  if (control.test(s)) return 'control_character';
  if (FORMAT.test(s)) return 'format_character';
  if (PRIVATE_USE.test(s)) return 'private_use_character';
  if (UNASSIGNED.test(s)) return 'unassigned_character';
  if (SEPARATOR.test(s)) return 'line_separator';
  if (s.normalize('NFC') !== s) return 'not_nfc';
  return undefined;
}

/** The checks on one line's layout (its code points already passed). */
function lineProblem(line: string): TextProblem | undefined {
  if (!VISIBLE.test(line)) return 'no_visible_character';
  if (LEADING_MARK.test(line)) return 'leading_combining_mark';
  if (MARK_RUN.test(line)) return 'too_many_combining_marks';
  return undefined;
}

/** Payee, reference: one line of at most `maxLength` UTF-16 code units. */
export function singleLineTextProblem(s: string, maxLength: number): TextProblem | undefined {
  if (s.length === 0) return 'empty';
  if (s.length > maxLength) return 'too_long';
  return codePointProblem(s, CONTROL) ?? lineProblem(s);
}

/** Consent text: lines separated by LF, at most `maxLength` code units and `maxLines` lines. */
export function multiLineTextProblem(
  s: string,
  maxLength: number = displayTextLimits.consentText,
  maxLines: number = displayTextLimits.consentLines,
): TextProblem | undefined {
  if (s.length === 0) return 'empty';
  if (s.length > maxLength) return 'too_long';
  const p = codePointProblem(s, CONTROL_BUT_LF);
  if (p) return p;
  const lines = s.split('\n');
  if (lines.length > maxLines) return 'too_many_lines';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') {
      if (i === 0 || i === lines.length - 1 || lines[i - 1] === '') return 'misplaced_empty_line';
      continue;
    }
    const q = lineProblem(line);
    if (q) return q;
  }
  return undefined;
}
