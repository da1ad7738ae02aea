// Progress of a challenge at its terminal, for the RP back end that waits on
// GET /v1/auth/challenges/{id} (the way BankID's hint codes tell a bank what
// the user is doing). The terminal reports each step with its terminal-bound
// key (POST /v1/auth/challenges/{id}/progress); GET shows the last one as
// `hint: {code, text, textKm}` — the code for the RP's logic, the words for
// its screen (English and Khmer). A pending challenge nobody reported on yet
// reads `waiting_for_terminal`.
//
// A hint is what the terminal says, not a verified fact: it never changes a
// challenge's status, and the signed result alone proves an authentication.
// Reports are kept only while the challenge is pending; a hint that ended
// the run at the terminal (card_removed, citizen_cancelled, …) stays
// readable beside the failed state when the terminal then cancels.
// The terminal's report is report-progress.ts.
import { z } from 'zod';

export const progressHints = {
  waiting_for_terminal: {
    text: 'Waiting for the terminal to show the request.',
    textKm: 'កំពុងរង់ចាំឧបករណ៍បង្ហាញសំណើ។',
  },
  waiting_for_card: {
    text: 'The terminal shows the request; waiting for the citizen to insert the ID card.',
    textKm: 'ឧបករណ៍កំពុងបង្ហាញសំណើ។ កំពុងរង់ចាំពលរដ្ឋបញ្ចូលអត្តសញ្ញាណប័ណ្ណ។',
  },
  card_inserted: {
    text: 'The ID card is in the terminal and is being read.',
    textKm: 'អត្តសញ្ញាណប័ណ្ណនៅក្នុងឧបករណ៍ ហើយកំពុងត្រូវបានអាន។',
  },
  pin_entry: {
    text: 'The citizen is reading the request and entering the PIN.',
    textKm: 'ពលរដ្ឋកំពុងអានសំណើ និងបញ្ចូលលេខ PIN។',
  },
  pin_wrong: {
    text: 'A wrong PIN was entered; the citizen may try again.',
    textKm: 'លេខ PIN មិនត្រឹមត្រូវ។ ពលរដ្ឋអាចព្យាយាមម្តងទៀត។',
  },
  signing: {
    text: 'The PIN was accepted; the card is signing and the answer is on its way.',
    textKm: 'លេខ PIN ត្រូវបានទទួលយក។ កាតកំពុងចុះហត្ថលេខា ហើយចម្លើយកំពុងមក។',
  },
  card_removed: {
    text: 'The card was removed before the end; nothing was signed.',
    textKm: 'កាតត្រូវបានដកចេញមុនពេលបញ្ចប់។ គ្មានអ្វីត្រូវបានចុះហត្ថលេខាទេ។',
  },
  citizen_cancelled: {
    text: 'The citizen cancelled at the terminal.',
    textKm: 'ពលរដ្ឋបានបោះបង់នៅឧបករណ៍។',
  },
  pin_blocked: {
    text: "The card's PIN is blocked; the citizen must unblock it at an issuance office.",
    textKm: 'លេខ PIN របស់កាតត្រូវបានបិទ។ ពលរដ្ឋត្រូវដោះសោវានៅការិយាល័យចេញប័ណ្ណ។',
  },
  card_not_usable: {
    text: 'The card in the terminal cannot be used for this request.',
    textKm: 'កាតនៅក្នុងឧបករណ៍មិនអាចប្រើសម្រាប់សំណើនេះបានទេ។',
  },
  terminal_refused: {
    text: 'The terminal refused to show this request (its text or signing input is not acceptable); nothing was signed.',
    textKm: 'ឧបករណ៍បដិសេធមិនបង្ហាញសំណើនេះ។ គ្មានអ្វីត្រូវបានចុះហត្ថលេខាទេ។',
  },
} as const;

export type ProgressHintCode = keyof typeof progressHints;
/** What a terminal may report (the first one is the service's own default). */
export const reportableHints = [
  'waiting_for_card',
  'card_inserted',
  'pin_entry',
  'pin_wrong',
  'signing',
  'card_removed',
  'citizen_cancelled',
  'pin_blocked',
  'card_not_usable',
  'terminal_refused',
] as const satisfies readonly Exclude<ProgressHintCode, 'waiting_for_terminal'>[];
export type ReportableHint = (typeof reportableHints)[number];

export interface ProgressHint {
  readonly code: ProgressHintCode;
  readonly text: string;
  readonly textKm: string;
}

export function progressHint(code: ProgressHintCode): ProgressHint {
  return { code, ...progressHints[code] };
}

/** The stored hint of a challenge (the raw store value), or undefined when none or unknown. */
export function parseStoredHint(raw: string | null): ProgressHint | undefined {
  if (raw === null || !Object.hasOwn(progressHints, raw)) return undefined;
  return progressHint(raw as ProgressHintCode);
}

/** The `hint` of GET /v1/auth/challenges/{id}. */
export const progressHintWire = z
  .object({
    code: z.enum(Object.keys(progressHints) as [ProgressHintCode, ...ProgressHintCode[]]),
    text: z.string().describe('What the RP may show its cashier or customer (English)'),
    textKm: z.string().describe('The same in Khmer'),
  })
  .describe('What the terminal last reported (its word, not a verified fact); `waiting_for_terminal` before any report');
