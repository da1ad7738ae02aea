// The one registry of public error codes: every area's table merged. It sits
// above the areas it gathers (the composition root hands it to the HTTP
// layer, which takes titles from it; /openapi.json lists the codes), and a
// test keeps this registry and the README's list equal.
import { pkiCodes } from '../../pki/index.js';
import { authCodes } from '../auth/codes.js';
import { cardCodes } from '../card/codes.js';
import { httpCodes } from '../http/codes.js';
import { issuanceCodes } from '../issuance/codes.js';
import { registryCodes } from '../registry/codes.js';
import { signCodes } from '../sign/codes.js';
import { staffCodes } from '../staff/codes.js';
import { terminalCodes } from '../terminal/codes.js';
import type { CodeTable } from '../errors/app-error.js';
import { commonCodes } from '../errors/common-codes.js';
import { rpCodes } from '../rp/codes.js';
import { webhookCodes } from '../webhooks/codes.js';
import { stationCodes } from '../station/codes.js';

const configCodes = {
  config_invalid: { status: 500, title: 'The service configuration is invalid' },
} as const satisfies CodeTable;

const tables: readonly CodeTable[] = [httpCodes, configCodes, commonCodes, authCodes, rpCodes, staffCodes, registryCodes, issuanceCodes, cardCodes, pkiCodes, terminalCodes, stationCodes, signCodes, webhookCodes];

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
