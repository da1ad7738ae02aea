// The error catalogue a bank can program against: for every public code,
// whether a retry can help and a short message a bank may show the citizen,
// in English and Khmer. The codes a relying party can meet (every code the RP
// routes declare, and the terminal's) have an entry of their own; every
// other code — staff, issuance, the CA, which a citizen never sees from a
// bank — gets the rule of its HTTP status and the general message. A test
// (test/errors/catalogue.test.ts) keeps this table, the registry and the RP
// routes' declared codes in step; the README table (npm run docs:errors) and
// /openapi.json show it.
//
// The Khmer texts are short, plain sentences in the register of public
// service notices; have a native speaker at the issuing authority review
// them before they are shown to citizens.
import { errorRegistry } from './error-registry.js';

/**
 * Whether sending the same request again can succeed:
 *   no             — not as it is: fix the request, or the registration;
 *   later          — yes, after a pause (Retry-After when the answer has one);
 *   new-challenge  — this challenge cannot succeed any more: ask for a new
 *                    one and start the citizen's step again.
 */
export type Retry = 'no' | 'later' | 'new-challenge';

export interface CitizenMessage {
  readonly en: string;
  readonly km: string;
}

/** The messages a citizen may be shown, few and reused: a citizen needs to know what to do, not which check failed. */
export const citizenMessages = {
  tryAgainLater: {
    en: 'The service is busy. Please try again in a moment.',
    km: 'សេវាកម្មកំពុងរវល់។ សូមព្យាយាមម្ដងទៀតក្នុងពេលបន្តិចទៀត។',
  },
  startAgain: {
    en: 'This request has expired or was already used. Please start again.',
    km: 'សំណើនេះផុតកំណត់ ឬត្រូវបានប្រើរួចហើយ។ សូមចាប់ផ្ដើមម្ដងទៀត។',
  },
  cancelled: {
    en: 'This request was cancelled.',
    km: 'សំណើនេះត្រូវបានលុបចោល។',
  },
  cardNotVerified: {
    en: 'Your card could not be verified. Please try again, or contact your bank.',
    km: 'មិនអាចផ្ទៀងផ្ទាត់កាតរបស់អ្នកបានទេ។ សូមព្យាយាមម្ដងទៀត ឬទាក់ទងធនាគាររបស់អ្នក។',
  },
  cardRevoked: {
    en: 'This ID card is no longer valid. Please contact an ID card office.',
    km: 'អត្តសញ្ញាណប័ណ្ណនេះលែងមានសុពលភាពហើយ។ សូមទាក់ទងការិយាល័យអត្តសញ្ញាណប័ណ្ណ។',
  },
  cardSuspended: {
    en: 'This ID card is suspended. Please contact an ID card office.',
    km: 'អត្តសញ្ញាណប័ណ្ណនេះត្រូវបានផ្អាក។ សូមទាក់ទងការិយាល័យអត្តសញ្ញាណប័ណ្ណ។',
  },
  otherTerminal: {
    en: 'This request belongs to another terminal. Please start again here.',
    km: 'សំណើនេះជារបស់ម៉ាស៊ីនផ្សេង។ សូមចាប់ផ្ដើមម្ដងទៀតនៅទីនេះ។',
  },
  pinWrong: {
    en: 'Wrong PIN. Please try again.',
    km: 'លេខ PIN មិនត្រឹមត្រូវ។ សូមព្យាយាមម្ដងទៀត។',
  },
  pinBlocked: {
    en: 'Your PIN is blocked. Unblock it with your PUK at an ID card office.',
    km: 'លេខ PIN របស់អ្នកត្រូវបានចាក់សោ។ សូមដោះសោដោយប្រើលេខ PUK នៅការិយាល័យអត្តសញ្ញាណប័ណ្ណ។',
  },
  insertCard: {
    en: 'Please insert your ID card and leave it in the reader until the end.',
    km: 'សូមបញ្ចូលអត្តសញ្ញាណប័ណ្ណរបស់អ្នក ហើយទុកវានៅក្នុងឧបករណ៍អានរហូតដល់ចប់។',
  },
  pinEntryCancelled: {
    en: 'PIN entry was cancelled. Please start again.',
    km: 'ការបញ្ចូលលេខ PIN ត្រូវបានលុបចោល។ សូមចាប់ផ្ដើមម្ដងទៀត។',
  },
  bankCannotComplete: {
    en: 'The bank cannot complete this request now. Please ask the bank staff for help.',
    km: 'ធនាគារមិនអាចបំពេញសំណើនេះបានទេនៅពេលនេះ។ សូមសុំជំនួយពីបុគ្គលិកធនាគារ។',
  },
  generic: {
    en: 'Something went wrong. Please ask the staff for help.',
    km: 'មានបញ្ហាកើតឡើង។ សូមសុំជំនួយពីបុគ្គលិក។',
  },
} as const satisfies Record<string, CitizenMessage>;
export type CitizenMessageId = keyof typeof citizenMessages;

export interface CatalogueEntry {
  readonly retry: Retry;
  readonly citizen: CitizenMessageId;
}

const entry = (retry: Retry, citizen: CitizenMessageId): CatalogueEntry => ({ retry, citizen });

/** The codes a relying party or its terminal can meet, each said explicitly. */
export const rpErrorCatalogue: Readonly<Record<string, CatalogueEntry>> = {
  // The request itself (the bank's software must change it).
  invalid_request: entry('no', 'bankCannotComplete'),
  invalid_json: entry('no', 'bankCannotComplete'),
  unsupported_media_type: entry('no', 'bankCannotComplete'),
  payload_too_large: entry('no', 'bankCannotComplete'),
  not_found: entry('no', 'bankCannotComplete'),
  amount_format: entry('no', 'bankCannotComplete'),
  idempotency_key_invalid: entry('no', 'bankCannotComplete'),
  idempotency_key_reused: entry('no', 'bankCannotComplete'),
  idempotency_key_in_use: entry('later', 'tryAgainLater'),
  // The relying party's registration (its operator must act).
  unauthorized: entry('no', 'bankCannotComplete'),
  rp_disabled: entry('no', 'bankCannotComplete'),
  scope_not_allowed: entry('no', 'bankCannotComplete'),
  terminal_unknown: entry('no', 'bankCannotComplete'),
  terminal_not_allowed: entry('no', 'bankCannotComplete'),
  attributes_not_allowed: entry('no', 'bankCannotComplete'),
  webhook_delivery_not_found: entry('no', 'bankCannotComplete'),
  // Capacity and dependencies.
  rate_limited: entry('later', 'tryAgainLater'),
  unavailable: entry('later', 'tryAgainLater'),
  internal_error: entry('later', 'tryAgainLater'),
  // The challenge.
  challenge_not_found: entry('new-challenge', 'startAgain'),
  challenge_expired: entry('new-challenge', 'startAgain'),
  challenge_used: entry('new-challenge', 'startAgain'),
  challenge_cancelled: entry('new-challenge', 'cancelled'),
  challenge_terminal_mismatch: entry('new-challenge', 'otherTerminal'),
  // The card.
  authentication_failed: entry('new-challenge', 'cardNotVerified'),
  card_revoked: entry('no', 'cardRevoked'),
  card_suspended: entry('no', 'cardSuspended'),
  // At the terminal (cardauth terminal).
  pin_wrong: entry('new-challenge', 'pinWrong'),
  pin_blocked: entry('no', 'pinBlocked'),
  pin_entry_cancelled: entry('new-challenge', 'pinEntryCancelled'),
  pin_format_invalid: entry('new-challenge', 'pinWrong'),
  no_card: entry('new-challenge', 'insertCard'),
  card_removed: entry('new-challenge', 'insertCard'),
  card_reset: entry('new-challenge', 'insertCard'),
  card_wait_timeout: entry('new-challenge', 'insertCard'),
  card_not_supported: entry('no', 'cardNotVerified'),
  challenge_invalid: entry('no', 'bankCannotComplete'),
  challenge_not_displayable: entry('no', 'bankCannotComplete'),
  signing_input_mismatch: entry('no', 'bankCannotComplete'),
  server_unavailable: entry('later', 'tryAgainLater'),
};

/** The rule for a code without an entry: by its HTTP status. */
function derived(status: number): CatalogueEntry {
  if (status === 429 || status === 503 || status === 504 || status === 500) return entry('later', 'tryAgainLater');
  return entry('no', 'generic');
}

export interface CatalogueRow extends CatalogueEntry {
  readonly code: string;
  readonly status: number;
  readonly title: string;
  /** Said explicitly (a code a relying party can meet), or derived from the status. */
  readonly explicit: boolean;
  readonly message: CitizenMessage;
}

export function catalogueEntry(code: string): CatalogueRow {
  const info = errorRegistry[code];
  if (info === undefined) throw new Error(`no error code ${code}`);
  const e = rpErrorCatalogue[code];
  const chosen = e ?? derived(info.status);
  return { code, status: info.status, title: info.title, explicit: e !== undefined, ...chosen, message: citizenMessages[chosen.citizen] };
}

/** Every code of the registry, sorted. */
export function errorCatalogue(): CatalogueRow[] {
  return Object.keys(errorRegistry)
    .sort()
    .map(catalogueEntry);
}

/** The catalogue as /openapi.json carries it (`x-error-catalogue`). */
export function openApiCatalogue(): Record<string, { retry: Retry; citizenMessage: CitizenMessage }> {
  return Object.fromEntries(errorCatalogue().map((r) => [r.code, { retry: r.retry, citizenMessage: r.message }]));
}
