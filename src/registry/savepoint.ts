// A transaction opened inside a transaction: a SAVEPOINT, released on
// success and rolled back to on failure, so the inner work is all or nothing
// while the outer transaction goes on. Shared by the pg and PGlite adapters.
import type { Sql } from './sql.js';

export async function withSavepoint<T>(tx: Sql, name: string, fn: (tx: Sql) => Promise<T>): Promise<T> {
  await tx.query(`SAVEPOINT ${name}`);
  try {
    const out = await fn(tx);
    await tx.query(`RELEASE SAVEPOINT ${name}`);
    return out;
  } catch (err) {
    await tx.query(`ROLLBACK TO SAVEPOINT ${name}`);
    throw err;
  }
}
