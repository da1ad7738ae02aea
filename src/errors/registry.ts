// The one registry of public error codes: every area's table merged. The HTTP
// layer takes titles from here, /openapi.json lists the codes, and a test keeps
// this registry and the README's list equal.
import { httpCodes } from '../http/codes.js';
import type { CodeTable } from './app-error.js';

const tables: readonly CodeTable[] = [httpCodes];

function merge(list: readonly CodeTable[]): CodeTable {
  const out: Record<string, CodeTable[string]> = {};
  for (const t of list) {
    for (const [code, info] of Object.entries(t)) {
      const seen = out[code];
      if (seen && (seen.status !== info.status || seen.title !== info.title)) {
        throw new Error(`error code '${code}' is declared twice with different meanings`);
      }
      out[code] = info;
    }
  }
  return out;
}

export const errorRegistry: CodeTable = merge(tables);
