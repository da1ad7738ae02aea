// Flow 1 step 1: "Staff enrol the citizen (or find the record)". Validates
// the record (../validate/citizen.ts) and creates it with its audit entry;
// a national ID already enrolled is citizen_exists.
import type { Clock } from '../util/clock.js';
import { requirePermission } from '../access/permissions.js';
import type { Actor, IssuanceRegistry } from './ports/registry.js';
import type { Citizen } from './types.js';
import { validateCitizen } from './validate/citizen.js';

export async function enrolCitizen(
  deps: { readonly registry: IssuanceRegistry; readonly clock: Clock; readonly country: string },
  unverifiedInput: unknown,
  actor: Actor,
): Promise<Citizen> {
  requirePermission(actor, 'citizen.enrol');
  const valid = validateCitizen(unverifiedInput, deps.clock);
  return deps.registry.createCitizen({ ...valid, country: deps.country }, actor, deps.clock.now());
}
