// Stable error codes of the registry (PostgreSQL / PGlite), its migrations and
// the audit log. Codes shared with issuance (citizen_exists, issuance_in_progress)
// carry the same status and title, as src/composition/error-registry.ts requires.
import { codedErrors, defineCodes } from '../errors/app-error.js';

export const registryCodes = defineCodes({
  registry_unavailable: { status: 503, title: 'The registry database is unavailable' },
  registry_in_use: { status: 503, title: 'The embedded registry is open in another process' },
  registry_constraint: { status: 409, title: 'The change breaks a rule of the registry' },
  registry_invalid: { status: 400, title: 'A value is not valid for the registry' },
  registry_not_found: { status: 404, title: 'No such record in the registry' },
  migration_changed: { status: 500, title: 'An applied migration was changed afterwards' },
  migration_failed: { status: 500, title: 'A migration failed and was rolled back' },
  citizen_exists: { status: 409, title: 'A citizen with this national ID is already enrolled' },
  card_stock_exists: { status: 409, title: 'A card with this serial is already in the stock' },
  card_exists: { status: 409, title: 'A card with this serial or UUID is already registered' },
  certificate_exists: { status: 409, title: 'A certificate with this serial is already registered' },
  certificate_revoked_final: { status: 409, title: 'A revoked certificate cannot change status again' },
  issuance_in_progress: { status: 409, title: 'Another personalisation of this card is running' },
  audit_append_failed: { status: 503, title: 'The audit entry could not be written' },
});

export type RegistryErrorCode = keyof typeof registryCodes;

/** Build an AppError with one of these codes (status from the table), and recognise one. */
export const [registryError, isRegistryError] = codedErrors(registryCodes);
