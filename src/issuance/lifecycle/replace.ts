// Replacement (the old card is superseded; docs/architecture.md, flow 1 lifecycle):
// a new blank card is personalised for the citizen of the old card; the
// final registry transaction of that personalisation marks the old card
// superseded and revokes its certificates with reason superseded (RFC 5280
// §5.3.1), so there is never a moment with two active cards or none.
import { issuanceError } from '../codes.js';
import type { IssuanceEngine, PersonaliseRequest, PersonaliseResult } from '../engine/run-job.js';
import { requirePermission } from '../../access/permissions.js';
import type { IssuanceRegistry } from '../ports/registry.js';
import type { CardSerial } from '../types.js';

export async function replaceCard(
  deps: { readonly registry: IssuanceRegistry; readonly engine: IssuanceEngine },
  oldSerial: CardSerial,
  request: Omit<PersonaliseRequest, 'nationalId' | 'jobId'>,
): Promise<PersonaliseResult> {
  requirePermission(request.actor, 'card.replace');
  const old = await deps.registry.getCard(oldSerial);
  if (old === undefined) throw issuanceError('card_not_found', `No issued card ${oldSerial}`);
  if (old.status !== 'active' && old.status !== 'hold' && old.status !== 'pending_activation') {
    throw issuanceError('card_state_invalid', `Card ${oldSerial} is ${old.status} and cannot be replaced`);
  }
  const citizen = await deps.registry.findCitizenById(old.citizenId);
  if (citizen === undefined) throw issuanceError('citizen_not_found', 'The citizen of the old card no longer exists');
  return deps.engine.personalise({ ...request, nationalId: citizen.nationalId, options: { ...request.options, replaces: oldSerial } });
}
