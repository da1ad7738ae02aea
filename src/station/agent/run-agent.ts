// The station agent: connects out to the service (one WebSocket, GET
// /v1/stations/connect, with the station key), reports its readers and the
// cards in them, and serves the relay of the jobs the service runs on them
// (./serve-relay.ts). It reconnects after a dropped connection (1 s, 2 s, …
// 30 s) and gives up only when the service refuses its key (rotated,
// disabled, unknown). `cardauth station run` keeps it running; the card
// commands with --server run it for the one job they start.
import { WebSocket } from 'ws';
import type { CardChannel, CardReaders } from '../../card/channel.js';
import { PivClient } from '../../card/piv/index.js';
import type { CardholderSteps } from '../../issuance/ports/cardholder.js';
import type { Logger } from '../../util/log.js';
import { closeCodes, MAX_MESSAGE_BYTES, parseMessage, toStation, type FromStation } from '../protocol.js';
import type { ReaderReport } from '../types.js';
import { RelayServer } from './serve-relay.js';

export interface StationAgentOptions {
  /** The service's base URL (http or https). */
  readonly server: string;
  readonly key: string;
  readonly readers: CardReaders;
  /** Offer only these readers (default: every reader). */
  readonly offered?: readonly string[];
  readonly cardholderFor: (reader: string, channel: CardChannel) => CardholderSteps;
  readonly log: Logger;
  /** Connect again after a dropped connection (default true). */
  readonly reconnect?: boolean;
  readonly onStatus?: (s: AgentStatus) => void;
  readonly onJob?: (e: { readonly kind: 'open' | 'close'; readonly job: string; readonly reader: string }) => void;
}

export type AgentStatus =
  | { readonly kind: 'connected'; readonly stationId: string; readonly name: string }
  | { readonly kind: 'disconnected'; readonly code: number; readonly reason: string }
  | { readonly kind: 'refused'; readonly status: number; readonly code: string };

export interface StationAgent {
  /** Resolves at the first welcome from the service (rejects when refused before it). */
  readonly connected: Promise<{ readonly stationId: string; readonly name: string }>;
  /** Resolves when the agent stops for good: stop() or a refusal of its key. */
  readonly stopped: Promise<{ readonly reason: string; readonly code?: string }>;
  /** Report the readers now (after a change the agent could not see). */
  report(): Promise<void>;
  stop(): Promise<void>;
}

function connectUrl(server: string): string {
  const u = new URL('/v1/stations/connect', server);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  return u.toString();
}

/** The card's serial, read once per insertion for the reader report (best effort). */
async function readSerial(readers: CardReaders, reader: string): Promise<number | undefined> {
  let channel: CardChannel | undefined;
  try {
    channel = await readers.connect(reader);
    const piv = await PivClient.open(channel);
    if (!piv.ok) return undefined;
    const s = await piv.client.getSerial();
    return s.ok ? s.serial : undefined;
  } catch {
    return undefined;
  } finally {
    await channel?.close({ disposition: 'leave' }).catch(() => undefined);
  }
}

export function runStationAgent(o: StationAgentOptions): StationAgent {
  let stopping = false;
  let ws: WebSocket | undefined;
  let relay: RelayServer | undefined;
  const serials = new Map<string, number | undefined>();
  // The station's own reads of a new card's serial, so a job's open waits for the reader.
  const reading = new Map<string, Promise<number | undefined>>();
  const serialOf = (reader: string): Promise<number | undefined> => {
    let p = reading.get(reader);
    if (p === undefined) {
      p = readSerial(o.readers, reader).finally(() => reading.delete(reader));
      reading.set(reader, p);
    }
    return p;
  };
  let resolveConnected!: (v: { stationId: string; name: string }) => void;
  let rejectConnected!: (e: Error) => void;
  const connected = new Promise<{ stationId: string; name: string }>((res, rej) => {
    resolveConnected = res;
    rejectConnected = rej;
  });
  connected.catch(() => undefined);
  let resolveStopped!: (v: { reason: string; code?: string }) => void;
  const stopped = new Promise<{ reason: string; code?: string }>((res) => (resolveStopped = res));

  const send = (m: FromStation): void => {
    if (ws?.readyState !== WebSocket.OPEN) throw new Error('not connected');
    ws.send(JSON.stringify(m));
  };

  async function readerReports(): Promise<ReaderReport[]> {
    const busy = relay?.busyReaders() ?? new Set<string>();
    const out: ReaderReport[] = [];
    for (const r of await o.readers.list()) {
      if (o.offered !== undefined && !o.offered.includes(r.name)) continue;
      if (!r.cardPresent) serials.delete(r.name);
      else if (!serials.has(r.name) && !busy.has(r.name)) serials.set(r.name, await serialOf(r.name));
      const serial = r.cardPresent ? serials.get(r.name) : undefined;
      out.push({ name: r.name, cardPresent: r.cardPresent, ...(serial === undefined ? {} : { cardSerial: serial }) });
    }
    return out;
  }

  async function report(): Promise<void> {
    if (ws?.readyState !== WebSocket.OPEN) return;
    try {
      send({ t: 'readers', readers: await readerReports() });
    } catch (err) {
      o.log.warn('could not report the readers', { err });
    }
  }

  const unsubscribe = [
    o.readers.on('inserted', (e) => {
      serials.delete(e.reader);
      void report();
    }),
    o.readers.on('removed', (e) => {
      serials.delete(e.reader);
      void report();
    }),
    o.readers.on('reader-added', () => void report()),
    o.readers.on('reader-removed', () => void report()),
  ];

  function finish(reason: string, code?: string): void {
    stopping = true;
    for (const u of unsubscribe) u();
    resolveStopped(code === undefined ? { reason } : { reason, code });
  }

  function connectOnce(attempt: number): void {
    if (stopping) return;
    const socket = new WebSocket(connectUrl(o.server), { headers: { authorization: `Bearer ${o.key}` }, maxPayload: MAX_MESSAGE_BYTES, perMessageDeflate: false });
    ws = socket;
    const server = new RelayServer({
      readers: o.readers,
      ...(o.offered === undefined ? {} : { offered: o.offered }),
      cardholderFor: o.cardholderFor,
      readerIdle: async (reader) => {
        await reading.get(reader);
      },
      send,
      violation: (what) => {
        o.log.warn('the service broke the station protocol; closing the connection', { what });
        socket.close(closeCodes.violation, 'station_protocol_error');
      },
      ...(o.onJob === undefined ? {} : { onJob: o.onJob }),
    });
    relay = server;
    let welcomed = false;
    socket.on('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d.slice(0, 2000)));
      res.on('end', () => {
        let code = `http_${res.statusCode ?? 0}`;
        try {
          code = String((JSON.parse(body) as { code?: unknown }).code ?? code);
        } catch {
          // not problem+json (a proxy's page)
        }
        o.onStatus?.({ kind: 'refused', status: res.statusCode ?? 0, code });
        socket.terminate();
        if (res.statusCode === 401 || res.statusCode === 403) {
          rejectConnected(Object.assign(new Error(`the service refused the station key (${code})`), { code }));
          finish('refused', code);
        } else {
          retry(attempt);
        }
      });
    });
    socket.on('message', (data, isBinary) => {
      if (isBinary) return socket.close(closeCodes.violation, 'station_protocol_error');
      const m = parseMessage(toStation, Buffer.isBuffer(data) ? data.toString('utf8') : String(data));
      if (m === undefined) return socket.close(closeCodes.violation, 'station_protocol_error');
      if (m.t === 'welcome') {
        welcomed = true;
        // Connected once the service has the reader list: a job can be asked for at once.
        void report().finally(() => {
          resolveConnected({ stationId: m.stationId, name: m.name });
          o.onStatus?.({ kind: 'connected', stationId: m.stationId, name: m.name });
        });
        return;
      }
      server.handle(m);
    });
    socket.on('close', (code, reasonBuf) => {
      const reason = reasonBuf.toString('utf8');
      void server.endAll();
      if (!welcomed && code === 1006) return; // refused or unreachable: handled by unexpected-response or error
      o.onStatus?.({ kind: 'disconnected', code, reason });
      if (code === closeCodes.keyRevoked) {
        rejectConnected(Object.assign(new Error(`the station key was refused (${reason})`), { code: reason }));
        return finish('refused', reason);
      }
      retry(welcomed ? 0 : attempt);
    });
    socket.on('error', (err) => {
      o.log.warn('station connection error', { err: err.message });
      if (!welcomed && socket.readyState !== WebSocket.OPEN) retry(attempt);
    });
  }

  let retryTimer: NodeJS.Timeout | undefined;
  function retry(attempt: number): void {
    if (stopping || retryTimer !== undefined) return;
    if (o.reconnect === false) {
      rejectConnected(new Error('the service could not be reached'));
      return finish('disconnected');
    }
    const delay = Math.min(30_000, 1000 * 2 ** Math.min(attempt, 5));
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      connectOnce(attempt + 1);
    }, delay);
  }

  connectOnce(0);
  return {
    connected,
    stopped,
    report,
    async stop() {
      if (retryTimer) clearTimeout(retryTimer);
      finish('stopped');
      await relay?.endAll();
      if (ws && ws.readyState !== WebSocket.CLOSED) {
        const closed = new Promise<void>((r) => ws!.once('close', () => r()));
        ws.close(1000, 'station stopping');
        await Promise.race([closed, new Promise((r) => setTimeout(r, 2000).unref())]);
        ws.terminate();
      }
    },
  };
}
