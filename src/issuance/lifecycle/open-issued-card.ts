// Lifecycle operations at a reader start the same way: SELECT PIV, GET
// SERIAL, find the card in the registry. The registry, not the card, says
// whose card it is and what state it is in.
import type { CardChannel } from '../../card/channel.js';
import { PivClient } from '../../card/piv/index.js';
import { issuanceError } from '../codes.js';
import { cardRefused } from '../lib/card-refused.js';
import type { CardRecord, IssuanceRegistry } from '../ports/registry.js';

export async function openIssuedCard(channel: CardChannel, registry: IssuanceRegistry): Promise<{ piv: PivClient; card: CardRecord }> {
  const opened = await PivClient.open(channel);
  if (!opened.ok) throw issuanceError('card_not_found', 'The card has no PIV application');
  const s = await opened.client.getSerial();
  if (!s.ok) throw cardRefused('GET SERIAL', s.reason);
  const card = await registry.getCard(s.serial);
  if (card === undefined) throw issuanceError('card_not_found', `Card ${s.serial} was not issued here`);
  return { piv: opened.client, card };
}
