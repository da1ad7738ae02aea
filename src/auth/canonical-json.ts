// RFC 8785 JSON Canonicalization Scheme (JCS).
// §3.2.2: literals and strings serialised as ECMAScript JSON.stringify does
// (which is what RFC 8785 adopts), numbers per ECMAScript Number-to-String
// (§3.2.2.3), no white space; §3.2.3: object members sorted by their names'
// UTF-16 code units, which is the default order of Array.prototype.sort.
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [k: string]: JsonValue };

// In a /u pattern a valid surrogate pair is one code point, so only lone halves match.
const LONE_SURROGATE = /\p{Surrogate}/u;

export class CanonicalJsonError extends Error {
  override readonly name = 'CanonicalJsonError';
}

export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      // §3.2.2.3: NaN and Infinity are not JSON.
      if (!Number.isFinite(value)) throw new CanonicalJsonError('non-finite number');
      return JSON.stringify(value);
    case 'string':
      // RFC 8785 §3.2.2.2 requires well-formed Unicode: lone surrogates are refused.
      if (LONE_SURROGATE.test(value)) throw new CanonicalJsonError('lone surrogate in string');
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
      return `{${keys.map((k) => `${canonicalJson(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
    }
    default:
      throw new CanonicalJsonError(`${typeof value} is not JSON`);
  }
}
