// The PIV card application's dispatcher: ISO/IEC 7816-4 §5.1.1.1 command
// chaining (CLA bit 10), §7.6.1 GET RESPONSE with 61xx response chaining, the
// PIN policy ALWAYS rule (only the command after VERIFY may use such a key), and
// the command table of SP 800-73-4 Part 2 §3 plus the Yubico extensions.
// Every failure, including an unexpected exception in a handler, becomes a
// status word; the card never dies and never answers with half a change made.

import { parseCommandApdu } from '../apdu/command.js';
import type { CommandApdu } from '../apdu/command.js';
import { SW, SwError, swBytes } from '../apdu/sw.js';
import { concat } from '../tlv/ber.js';
import type { CardStore } from '../card/store.js';
import type { Handler, PivCommand, PivContext } from './context.js';
import { clearSecurityState, newSession } from './session.js';
import type { Session } from './session.js';
import { select } from './commands/select.js';
import { getData } from './commands/get-data.js';
import { putData } from './commands/put-data.js';
import { verify } from './commands/verify.js';
import { changeReferenceData } from './commands/change-reference-data.js';
import { resetRetryCounter } from './commands/reset-retry-counter.js';
import { generalAuthenticate } from './commands/general-authenticate.js';
import { generateAsymmetricKeyPair } from './commands/generate-asymmetric-key-pair.js';
import { getVersion } from './commands/get-version.js';
import { getSerial } from './commands/get-serial.js';
import { getMetadata } from './commands/get-metadata.js';
import { attest } from './commands/attest.js';
import { setPinRetries } from './commands/set-pin-retries.js';
import { resetApplication } from './commands/reset.js';
import { importKey } from './commands/import-key.js';
import { setManagementKey } from './commands/set-management-key.js';
import { getResponseChunk } from './commands/get-response.js';
import { randomBytes } from 'node:crypto';

const INS_SELECT = 0xa4;
const INS_GET_RESPONSE = 0xc0;

/** INS → handler. SELECT is dispatched before the selection check. */
const COMMANDS: Readonly<Record<number, Handler>> = {
  0xcb: getData,
  0xdb: putData,
  0x20: verify,
  0x24: changeReferenceData,
  0x2c: resetRetryCounter,
  0x87: generalAuthenticate,
  0x47: generateAsymmetricKeyPair,
  0xfd: getVersion,
  0xf8: getSerial,
  0xf7: getMetadata,
  0xf9: attest,
  0xfa: setPinRetries,
  0xfb: resetApplication,
  0xfe: importKey,
  0xff: setManagementKey,
};

/** Largest command a chain may assemble (an RSA-4096 import is ~1.2 KB; objects ≤ 3063). */
const MAX_CHAIN = 4096;

export class PivApplet {
  session: Session = newSession('piv');
  constructor(
    private readonly store: CardStore,
    /** Told about internal faults (answered 6F00), e.g. to log them; never about secrets. */
    private readonly onFault?: (error: unknown, ins: number | undefined) => void,
  ) {}

  /**
   * Power-on / reset: fresh volatile state, PIV default-selected (OpenSC then
   * accepts the card from its discovery object without a SELECT).
   */
  resetSession(): void {
    this.session = newSession('piv');
  }

  async process(raw: Uint8Array): Promise<Uint8Array> {
    try {
      return await this.dispatch(raw);
    } catch (e) {
      if (e instanceof SwError) return swBytes(e.sw);
      // An internal fault: answer "no precise diagnosis". The NVM was not changed
      // (CardStore.update swaps the state only after a successful write) and the
      // volatile security state is dropped, as a card would after a fault.
      clearSecurityState(this.session);
      this.onFault?.(e, raw[1]);
      return swBytes(SW.UNKNOWN);
    }
  }

  private async dispatch(raw: Uint8Array): Promise<Uint8Array> {
    const s = this.session;
    let apdu: CommandApdu;
    try {
      apdu = parseCommandApdu(raw);
    } catch (e) {
      // A malformed command is still "another command": pending data, chains
      // and the PIN-always arming go.
      s.pendingResponse = undefined;
      s.chain = undefined;
      s.alwaysArmed = false;
      throw e;
    }
    // CLA: only the interindustry 00 and its chaining form 10 (no secure
    // messaging, no logical channels).
    if ((apdu.cla & ~0x10) !== 0) {
      s.pendingResponse = undefined;
      s.chain = undefined;
      s.alwaysArmed = false;
      throw new SwError(SW.CLA_NOT_SUPPORTED);
    }
    const chained = (apdu.cla & 0x10) !== 0;

    // GET RESPONSE continues the pending response and nothing else: it neither
    // drops a chain nor consumes the ALWAYS arming.
    if (apdu.ins === INS_GET_RESPONSE && !chained) return getResponseChunk(apdu, s);
    s.pendingResponse = undefined;

    // Command chaining (ISO 7816-4 §5.1.1.1): same INS/P1/P2 continues; anything
    // else drops the chain and is processed on its own.
    let data = apdu.data;
    let armed: boolean;
    const chain = s.chain;
    if (chain !== undefined && (chain.ins !== apdu.ins || chain.p1 !== apdu.p1 || chain.p2 !== apdu.p2)) {
      s.chain = undefined;
    }
    if (s.chain !== undefined) {
      const c = s.chain;
      if (c.size + data.length > MAX_CHAIN) {
        s.chain = undefined;
        throw new SwError(SW.WRONG_LENGTH);
      }
      c.parts.push(data);
      c.size += data.length;
      if (chained) return swBytes(SW.OK);
      s.chain = undefined;
      data = concat(...c.parts);
      armed = c.armed;
    } else {
      armed = s.alwaysArmed;
      s.alwaysArmed = false;
      if (chained) {
        if (apdu.ins === INS_SELECT || apdu.ins === INS_GET_RESPONSE) throw new SwError(SW.CONDITIONS);
        if (data.length > MAX_CHAIN) throw new SwError(SW.WRONG_LENGTH);
        s.chain = { ins: apdu.ins, p1: apdu.p1, p2: apdu.p2, parts: [data], size: data.length, armed };
        return swBytes(SW.OK);
      }
    }

    const cmd: PivCommand = {
      cla: apdu.cla, ins: apdu.ins, p1: apdu.p1, p2: apdu.p2, data,
      noData: data.length === 0 && apdu.data.length === 0,
    };
    const ctx: PivContext = { store: this.store, session: s, armed, random: (n) => new Uint8Array(randomBytes(n)) };

    let out: Uint8Array;
    if (cmd.ins === INS_SELECT) {
      out = await select(cmd, ctx);
    } else {
      if (s.selected !== 'piv') throw new SwError(SW.INS_NOT_SUPPORTED);
      const handler = COMMANDS[cmd.ins];
      if (handler === undefined) throw new SwError(SW.INS_NOT_SUPPORTED);
      out = await handler(cmd, ctx);
    }
    return respond(out, apdu, s);
  }
}

/**
 * Send at most Ne bytes (at most 256 for a short APDU; an absent Le means 256,
 * since ykpiv sends case-3 APDUs and expects data), keep the rest for GET
 * RESPONSE and say how much is left with 61xx.
 */
function respond(out: Uint8Array, apdu: CommandApdu, s: Session): Uint8Array {
  const ne = apdu.ne ?? 256;
  const max = apdu.extended ? ne : Math.min(ne, 256);
  if (out.length <= max) return concat(out, swBytes(SW.OK));
  s.pendingResponse = out.slice(max);
  const left = s.pendingResponse.length;
  return concat(out.subarray(0, max), Uint8Array.of(0x61, left >= 256 ? 0 : left));
}
