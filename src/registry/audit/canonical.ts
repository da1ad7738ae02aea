// Canonical encoding of an audit entry: the bytes its hash is computed over.
// JSON with object keys sorted by UTF-16 code units, no whitespace, and only
// JSON values (as RFC 8785 JCS does for the values we allow: strings, finite
// numbers that are safe integers or simple decimals, booleans, null, arrays,
// objects). The entry itself is encoded as a fixed-order array so no field can
// be moved into another.
import { createHash } from 'node:crypto';

export type AuditValue = string | number | boolean | null | readonly AuditValue[] | { readonly [k: string]: AuditValue | undefined };
export type AuditData = { readonly [k: string]: AuditValue | undefined };

const VERSION = 'cardauth-audit/v1';
export const GENESIS_HASH = new Uint8Array(32);

export function canonicalJson(v: unknown): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(v)) throw new TypeError('audit data: numbers must be finite');
      return JSON.stringify(v);
    case 'object': {
      if (Array.isArray(v)) return `[${v.map((x) => canonicalJson(x === undefined ? null : x)).join(',')}]`;
      if (v instanceof Date || v instanceof Uint8Array) throw new TypeError('audit data: encode dates and bytes as strings first');
      const keys = Object.keys(v).filter((k) => (v as Record<string, unknown>)[k] !== undefined).sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
    }
    default:
      throw new TypeError(`audit data: a ${typeof v} is not a JSON value`);
  }
}

export interface HashedFields {
  readonly seq: number;
  readonly at: Date;
  readonly actor: string;
  readonly action: string;
  readonly subject: string;
  /** canonical JSON text of the data */
  readonly data: string;
  readonly prevHash: Uint8Array;
}

export function entryHash(f: HashedFields): Uint8Array {
  const encoded = JSON.stringify([
    VERSION,
    String(f.seq),
    f.at.toISOString(),
    f.actor,
    f.action,
    f.subject,
    f.data,
    Buffer.from(f.prevHash).toString('hex'),
  ]);
  return new Uint8Array(createHash('sha256').update(encoded, 'utf8').digest());
}
