// A card in a reader of a thin station, as the engine sees it: a CardChannel
// whose APDUs travel over the station's connection, and the cardholder steps
// (PIN, PUK) that the station runs itself on its PIN pad. Same contract as a
// local card: transport faults at the station come back with the same card
// codes (card_removed, no_card, …); a connection that ends is
// station_disconnected, so the engine leaves the job interrupted and
// resumable.
import type { CardChannel, CardDisposition } from '../../card/channel.js';
import { SerialQueue } from '../../card/lib/serial-queue.js';
import type { CardholderSteps } from '../../issuance/ports/cardholder.js';
import { stationError } from '../codes.js';
import type { StationConnection } from './station-connection.js';

export interface RelayTimeouts {
  /** One APDU (key generation on a real card takes seconds). */
  readonly apduMs: number;
  /** One cardholder step: the citizen types at the pad. */
  readonly stepMs: number;
}

export const defaultRelayTimeouts: RelayTimeouts = { apduMs: 60_000, stepMs: 10 * 60_000 };

export interface RemoteCard {
  readonly channel: CardChannel;
  readonly cardholder: CardholderSteps;
}

/** Open the card in `reader` of the station for job `jobId` (the job's first request). */
export async function openRemoteCard(connection: StationConnection, jobId: string, reader: string, timeouts: RelayTimeouts = defaultRelayTimeouts): Promise<RemoteCard> {
  connection.beginJob(jobId);
  let atr: Uint8Array;
  try {
    const opened = await connection.request(jobId, { t: 'open', reader }, timeouts.apduMs);
    atr = opened.t === 'opened' ? Buffer.from(opened.atr, 'base64') : new Uint8Array();
  } catch (e) {
    connection.endJob(jobId);
    throw e;
  }
  const queue = new SerialQueue();
  let open = true;
  const channel: CardChannel = {
    readerName: reader,
    get atr() {
      return atr;
    },
    get isOpen() {
      return open && connection.isOpen;
    },
    transmit(apdu) {
      return queue.run(async () => {
        const a = await connection.request(jobId, { t: 'apdu', apdu: Buffer.from(apdu).toString('base64') }, timeouts.apduMs);
        const r = a.t === 'rapdu' ? Buffer.from(a.rapdu, 'base64') : Buffer.alloc(0);
        if (r.length < 2) {
          connection.violation('station_protocol_error', 'a response APDU without a status word');
          throw stationError('station_protocol_error', 'The station answered an APDU without a status word');
        }
        return new Uint8Array(r);
      });
    },
    reset() {
      return queue.run(async () => {
        await connection.request(jobId, { t: 'reset' }, timeouts.apduMs);
      });
    },
    close(options?: { disposition?: CardDisposition }) {
      return queue.run(async () => {
        if (!open) return;
        open = false;
        try {
          if (connection.isOpen) await connection.request(jobId, { t: 'close', disposition: options?.disposition ?? 'leave' }, timeouts.apduMs);
        } finally {
          connection.endJob(jobId);
        }
      });
    },
  };
  const step = (name: 'choose-pin' | 'set-puk' | 'verify-pin' | 'unblock-pin', purpose?: string) =>
    queue.run(async () => {
      await connection.request(jobId, { t: 'step', step: name, ...(purpose === undefined ? {} : { purpose }) }, timeouts.stepMs);
    });
  const cardholder: CardholderSteps = {
    choosePin: () => step('choose-pin'),
    setPuk: () => step('set-puk'),
    verifyPin: (purpose) => step('verify-pin', purpose),
    unblockPin: () => step('unblock-pin'),
  };
  return { channel, cardholder };
}
