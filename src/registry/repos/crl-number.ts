// The CRL number (RFC 5280 §5.2.3: monotonically increasing) as a database
// counter, shared by every service process: one UPDATE … RETURNING is atomic,
// so two processes never get the same number. Implements the CA's
// CrlNumberSource port (pki/crl/crl-number.ts).
import type { Sql } from '../sql.js';

export class SqlCrlNumber {
  constructor(private readonly sql: Sql) {}
  async next(): Promise<bigint> {
    const r = (await this.sql.query<{ number: number | string }>('UPDATE crl_state SET number = number + 1 WHERE id RETURNING number'))[0];
    if (!r) throw new Error('crl_state row missing (run cardauth db migrate)');
    return BigInt(r.number);
  }
}
