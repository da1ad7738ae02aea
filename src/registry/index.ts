// The registry's public surface: open a database, migrate it, the audit log,
// and the repositories (plain functions taking an `Sql`: the Database itself
// or the `tx` of a transaction, so several calls can share one transaction).
export type { Database, Sql, SqlParam } from './sql.js';
export { openDatabase, openMemoryDatabase, type OpenDatabaseOptions } from './open-database.js';
export { migrate, loadMigrations, MIGRATIONS_DIR, type Migration, type MigrateResult } from './migrate.js';
export { registryCodes, registryError, isRegistryError, type RegistryErrorCode } from './codes.js';
export { appendAudit, type AuditEntry, type AuditEntryInput } from './audit/append.js';
export { watchStatusEpoch, type StatusEpochWatch } from './status-epoch.js';
export { canonicalJson, entryHash, GENESIS_HASH, type AuditData, type AuditValue } from './audit/canonical.js';
export { verifyAuditChain, type AuditVerification, type AuditProblem } from './audit/verify.js';
export { SqlEphemeralStore } from './ephemeral-sql.js';
export { readAuditLog, type AuditLogEntry } from './audit/read.js';
export * from './repos/citizens.js';
export * from './repos/card-stock.js';
export * from './repos/cards.js';
export * from './repos/certificates.js';
export * from './repos/issuance-jobs.js';
export * from './repos/crl-number.js';
export * from './repos/staff.js';
export * from './repos/approvals.js';
