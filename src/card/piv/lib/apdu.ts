// Command APDUs and their exchange with the card, including the two kinds of
// chaining PIV relies on (ISO/IEC 7816-4 §5.1.1 command chaining with CLA bit
// b5, §5.3.3/§7.1.3 GET RESPONSE after 61xx; SP 800-73-4 Part 2 §3.3 allows
// both). The caller gets one data field and one status word per command.
import type { CardChannel } from '../../channel.js';
import { cardError } from '../../codes.js';
import { concat } from './tlv.js';

export interface Command {
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  readonly data?: Uint8Array;
  /** Expected response length: 1–256 (256 is sent as 00). Omitted: no Le (case 1 or 3). */
  readonly le?: number;
  /**
   * The data field carries a secret (PIN, PUK, key): the APDU buffers built
   * for it are zeroed once sent.
   */
  readonly sensitive?: boolean;
}

export interface Response {
  readonly sw: number;
  readonly data: Uint8Array;
}

/** ISO 7816-4 §5.1: 255 is the largest Lc of a short APDU; chain in blocks of that. */
export const CHAIN_BLOCK = 255;
/** Bound on the data gathered through GET RESPONSE (a malicious card must not exhaust memory). */
export const MAX_RESPONSE_BYTES = 65536;
/** Bound on the data we chain in (a PUT DATA of a full container is ~3 KB). */
export const MAX_COMMAND_BYTES = 65536;

function shortApdu(cla: number, cmd: Command, data: Uint8Array | undefined, le: number | undefined): Uint8Array {
  const header = Uint8Array.of(cla, cmd.ins, cmd.p1, cmd.p2);
  const parts: Uint8Array[] = [header];
  if (data !== undefined && data.length > 0) parts.push(Uint8Array.of(data.length), data);
  if (le !== undefined) parts.push(Uint8Array.of(le === 256 ? 0 : le));
  return concat(...parts);
}

async function send(channel: CardChannel, apdu: Uint8Array, sensitive: boolean): Promise<Response> {
  let raw: Uint8Array;
  try {
    raw = await channel.transmit(apdu);
  } finally {
    if (sensitive) apdu.fill(0);
  }
  if (raw.length < 2) throw cardError('card_protocol_error', 'The card answered without a status word');
  const sw = (raw[raw.length - 2]! << 8) | raw[raw.length - 1]!;
  return { sw, data: raw.subarray(0, raw.length - 2) };
}

/**
 * Send one logical command: chain the data in 255-byte blocks (CLA 10 on all
 * but the last), then collect the answer through GET RESPONSE while the card
 * says 61xx, and resend once with the right Le on 6Cxx.
 */
export async function exchange(channel: CardChannel, cmd: Command): Promise<Response> {
  const data = cmd.data ?? new Uint8Array(0);
  if (data.length > MAX_COMMAND_BYTES) throw cardError('card_argument_invalid', 'Command data too long');
  if (cmd.le !== undefined && (cmd.le < 1 || cmd.le > 256)) throw cardError('card_argument_invalid', 'Bad Le');
  const sensitive = cmd.sensitive === true;

  let response: Response | undefined;
  let offset = 0;
  do {
    const chunk = data.subarray(offset, Math.min(offset + CHAIN_BLOCK, data.length));
    offset += chunk.length;
    const last = offset >= data.length;
    // Copy the chunk: the APDU is zeroed after sending when sensitive, not the caller's data.
    const apdu = shortApdu(last ? 0x00 : 0x10, cmd, chunk, last ? cmd.le : undefined);
    response = await send(channel, apdu, sensitive);
    if (!last && response.sw !== 0x9000) return response; // the card refused the chain
  } while (offset < data.length);

  // 6Cxx: wrong Le; the card says how many bytes it has. Resend once (ISO 7816-4 §5.6).
  if ((response.sw & 0xff00) === 0x6c00 && data.length <= CHAIN_BLOCK) {
    const le = response.sw & 0xff || 256;
    response = await send(channel, shortApdu(0x00, cmd, data.length > 0 ? Uint8Array.from(data) : undefined, le), sensitive);
  }

  if ((response.sw & 0xff00) !== 0x6100) return response;
  const parts: Uint8Array[] = [response.data];
  let total = response.data.length;
  while ((response.sw & 0xff00) === 0x6100) {
    const le = response.sw & 0xff || 256;
    response = await send(channel, Uint8Array.of(0x00, 0xc0, 0x00, 0x00, le === 256 ? 0 : le), false);
    parts.push(response.data);
    total += response.data.length;
    if (total > MAX_RESPONSE_BYTES) throw cardError('card_protocol_error', 'The card kept sending data past any sensible size');
  }
  return { sw: response.sw, data: concat(...parts) };
}
