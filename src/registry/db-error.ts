// Turns a database failure into a typed registry error. Both adapters (pg and
// PGlite) report the PostgreSQL SQLSTATE in `code` and the violated constraint
// in `constraint` (PostgreSQL protocol ErrorResponse fields C and n), so one
// mapping serves both. Constraint names come from the migrations.
import { AppError } from '../errors/app-error.js';
import { registryError, type RegistryErrorCode } from './codes.js';

interface PgLikeError {
  readonly code?: unknown;
  readonly constraint?: unknown;
  readonly message?: unknown;
}

/** Unique constraints whose violation means a specific, expected conflict. */
const uniqueConflicts: Readonly<Record<string, RegistryErrorCode>> = {
  citizens_national_id_key: 'citizen_exists',
  card_stock_pkey: 'card_stock_exists',
  cards_pkey: 'card_exists',
  cards_uuid_key: 'card_exists',
  certificates_pkey: 'certificate_exists',
  certificates_card_slot_key: 'certificate_exists',
  issuance_jobs_one_open_per_card: 'issuance_in_progress',
};

/**
 * SQLSTATE classes meaning the server or the connection is gone (fail closed:
 * 503), and 57014 / 55P03: a statement the server cancelled at its
 * statement_timeout or lock_timeout (it could not answer in time).
 */
function isUnavailable(code: string): boolean {
  return /^(08|53|57P|58)/.test(code) || code === '57014' || code === '55P03' || code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'ETIMEDOUT';
}

export function mapDbError(err: unknown): unknown {
  if (err instanceof AppError) return err;
  const e = (err ?? {}) as PgLikeError;
  const code = typeof e.code === 'string' ? e.code : '';
  const constraint = typeof e.constraint === 'string' ? e.constraint : undefined;
  if (code === '23505' && constraint && uniqueConflicts[constraint]) {
    const c = uniqueConflicts[constraint]!;
    return registryError(c, registryCodesMessage(c), { cause: err, detail: { constraint } });
  }
  if (code === 'CA001') {
    // raised by the certificates status trigger (migration 005)
    return registryError('certificate_revoked_final', 'A revoked certificate cannot change status again', { cause: err });
  }
  if (code === 'AU001' || code === 'AU002') {
    // raised by the audit log guard triggers (migration 001)
    return registryError('registry_constraint', 'The audit log is append-only', { cause: err, detail: { rule: 'audit_log_append_only' } });
  }
  if (code.startsWith('23')) {
    return registryError('registry_constraint', `The change breaks the registry rule ${constraint ?? code}`, {
      cause: err,
      detail: constraint ? { constraint } : { sqlstate: code },
    });
  }
  // 22021: a byte sequence PostgreSQL refuses in text (a NUL); 22P05: a character the database encoding lacks.
  if (code === '22P02' || code === '22007' || code === '22008' || code === '22003' || code === '22001' || code === '22021' || code === '22P05') {
    return registryError('registry_invalid', 'A value is not valid for the registry', { cause: err, detail: { sqlstate: code } });
  }
  if (isUnavailable(code) || /connect|terminat|closed/i.test(String(e.message ?? ''))) {
    return registryError('registry_unavailable', 'The registry database is unavailable', { cause: err });
  }
  return err;
}

function registryCodesMessage(code: RegistryErrorCode): string {
  switch (code) {
    case 'citizen_exists':
      return 'A citizen with this national ID is already enrolled';
    case 'card_stock_exists':
      return 'A card with this serial is already in the stock';
    case 'card_exists':
      return 'A card with this serial or UUID is already registered';
    case 'certificate_exists':
      return 'A certificate with this serial (or for this card slot) is already registered';
    case 'issuance_in_progress':
      return 'Another personalisation of this card is running';
    default:
      return 'The change breaks a rule of the registry';
  }
}
