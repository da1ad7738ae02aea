// Row mapping for the relying-party tables (migration 020).
import type { Sql } from '../../registry/sql.js';
import { storedRpId, storedTerminalId, type EkycAttribute } from '../ids.js';
import type { RelyingParty, RpScope } from '../types.js';

export interface RpRaw {
  id: string;
  name: string;
  status: 'active' | 'disabled';
  scopes: string[];
  ekyc_attributes: string[];
  rate_limit_per_minute: number;
  terminal_rate_per_minute: number;
  created_at: Date;
  updated_at: Date;
  terminals: string[] | null;
  [k: string]: unknown;
}

/** SELECT list for one RP with its terminals, for `FROM relying_parties rp`. */
export const RP_SELECT = `SELECT rp.*, ARRAY(SELECT t.terminal_id FROM terminals t WHERE t.rp_id = rp.id ORDER BY t.terminal_id) AS terminals`;

export function toRp(r: RpRaw): RelyingParty {
  return {
    id: storedRpId(r.id),
    name: r.name,
    status: r.status,
    scopes: r.scopes as RpScope[],
    ekycAttributes: r.ekyc_attributes as EkycAttribute[],
    rateLimitPerMinute: Number(r.rate_limit_per_minute),
    terminalRatePerMinute: Number(r.terminal_rate_per_minute),
    terminals: (r.terminals ?? []).map(storedTerminalId),
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  };
}

export async function rpById(sql: Sql, id: string): Promise<RelyingParty | undefined> {
  const r = (await sql.query<RpRaw>(`${RP_SELECT} FROM relying_parties rp WHERE rp.id = $1`, [id]))[0];
  return r && toRp(r);
}
