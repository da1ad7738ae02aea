// PIN and PUK retry counters, read without spending a try and without
// touching the security state: GET METADATA of references 80 (PIN) and 81
// (PUK), tag 06 (total, remaining). Unlike VERIFY without data, this also
// tells the remaining tries while the PIN is verified, and gives the PUK's.
import type { CardChannel } from '../channel.js';
import { cardError } from '../codes.js';
import { pivReferences } from './constants.js';
import { getMetadata } from './get-metadata.js';
import { fail, ok, type Fail, type Ok } from './lib/result.js';

export interface RetryCounter {
  readonly total: number;
  readonly remaining: number;
}

export type GetRetriesResult = Ok<{ pin: RetryCounter; puk: RetryCounter }> | Fail<'not-supported'>;

export async function getRetries(channel: CardChannel): Promise<GetRetriesResult> {
  const pin = await getMetadata(channel, pivReferences.PIN);
  if (!pin.ok) {
    if (pin.reason === 'not-supported') return fail('not-supported');
    throw cardError('card_protocol_error', 'The card has no PIN metadata');
  }
  const puk = await getMetadata(channel, pivReferences.PUK);
  if (!puk.ok) {
    if (puk.reason === 'not-supported') return fail('not-supported');
    throw cardError('card_protocol_error', 'The card has no PUK metadata');
  }
  if (pin.metadata.retries === undefined || puk.metadata.retries === undefined) {
    throw cardError('card_protocol_error', 'The card metadata has no retry counters');
  }
  return ok({ pin: pin.metadata.retries, puk: puk.metadata.retries });
}
