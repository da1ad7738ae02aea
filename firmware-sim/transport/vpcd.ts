// The vpcd transport (vsmartcard "virtual smart card" protocol, as
// libifdvpcd.so speaks it inside pcscd): the card connects to 127.0.0.1:<port>;
// every message is a 2-byte big-endian length and a payload. A 1-byte payload
// is a control code: 0 power off, 1 power on, 2 reset, 4 "send the ATR" (the
// only one answered). Any other payload is a C-APDU answered by one R-APDU.
// Connected = card inserted, disconnected = card removed. When pcscd is not up
// yet or restarts, the link reconnects with capped exponential backoff.

import { Socket } from 'node:net';
import type { VirtualCard } from '../card/virtual-card.js';
import { SW, swBytes } from '../apdu/sw.js';

const CTRL = { OFF: 0, ON: 1, RESET: 2, ATR: 4 } as const;

export interface VpcdOptions {
  readonly port: number;
  readonly host?: string;
  /** Called each time the reader sees the card (connection established). */
  readonly onConnected?: () => void;
  /** Called each time the connection is lost (card removed). */
  readonly onDisconnected?: () => void;
  /** Called on a connection error that will be retried (for logging). */
  readonly onError?: (e: Error) => void;
}

export interface VpcdLink {
  /** Remove the card: stop reconnecting, finish the command in progress, disconnect. */
  close(): Promise<void>;
  /** Resolves once the card is (or next becomes) connected. */
  whenConnected(): Promise<void>;
  readonly connected: boolean;
}

export function runOnVpcd(card: VirtualCard, opts: VpcdOptions): VpcdLink {
  const host = opts.host ?? '127.0.0.1';
  let closed = false;
  let socket: Socket | undefined;
  let isConnected = false;
  let backoff = 50;
  let timer: NodeJS.Timeout | undefined;
  let work: Promise<void> = Promise.resolve();
  let waiters: Array<() => void> = [];

  const frame = (payload: Uint8Array): Buffer => {
    const out = Buffer.alloc(2 + payload.length);
    out.writeUInt16BE(payload.length, 0);
    out.set(payload, 2);
    return out;
  };

  const handle = async (sock: Socket, msg: Uint8Array): Promise<void> => {
    if (msg.length === 1) {
      switch (msg[0]) {
        case CTRL.OFF: card.powerOff(); return;
        case CTRL.ON: card.powerOn(); return;
        case CTRL.RESET: card.reset(); return;
        case CTRL.ATR: sock.write(frame(card.atr())); return;
        default: return;
      }
    }
    // pcscd powers the card before use; a command to an unpowered card (after a
    // power-off without power-on) warms it up rather than hanging the reader.
    if (!card.isPowered) card.powerOn();
    let rapdu: Uint8Array;
    try {
      rapdu = await card.transmit(msg);
    } catch {
      rapdu = swBytes(SW.UNKNOWN);
    }
    if (!sock.destroyed) sock.write(frame(rapdu));
  };

  const connect = (): void => {
    if (closed) return;
    const sock = new Socket();
    socket = sock;
    let buf = Buffer.alloc(0);
    sock.setNoDelay(true);
    sock.on('connect', () => {
      isConnected = true;
      backoff = 50;
      // Inserted: the card starts unpowered until pcscd powers it.
      card.powerOff();
      opts.onConnected?.();
      const w = waiters;
      waiters = [];
      for (const f of w) f();
    });
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 2) {
        const len = buf.readUInt16BE(0);
        if (buf.length < 2 + len) break;
        const msg = new Uint8Array(buf.subarray(2, 2 + len));
        buf = buf.subarray(2 + len);
        work = work.then(() => handle(sock, msg)).catch(() => undefined);
      }
    });
    sock.on('error', (e) => {
      opts.onError?.(e);
    });
    sock.on('close', () => {
      const was = isConnected;
      isConnected = false;
      if (socket === sock) socket = undefined;
      if (was) {
        // Removed from the reader: the card loses power.
        void work.then(() => card.powerOff());
        if (!closed) opts.onDisconnected?.();
      }
      if (!closed) {
        timer = setTimeout(connect, backoff);
        backoff = Math.min(backoff * 2, 1000);
      }
    });
    sock.connect(opts.port, host);
  };

  connect();

  return {
    get connected() {
      return isConnected;
    },
    whenConnected(): Promise<void> {
      if (isConnected) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
    async close(): Promise<void> {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      await work;
      await card.idle();
      const sock = socket;
      if (sock !== undefined && !sock.destroyed) {
        await new Promise<void>((resolve) => {
          sock.once('close', () => resolve());
          sock.end();
          // A peer that does not close its side is cut after a grace period.
          setTimeout(() => sock.destroy(), 1000).unref();
        });
      }
      card.powerOff();
    },
  };
}
