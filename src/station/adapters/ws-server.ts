// The stations' WebSocket endpoint on the service's node:http server: an
// `upgrade` listener for GET /v1/stations/connect. The station key is checked
// before the upgrade (a refused station gets an ordinary problem+json answer
// and no socket); afterwards each text message goes to the station's
// StationConnection. Pings every 15 s find a station that vanished without
// closing (a pulled network cable), so its jobs stop instead of waiting.
// Through a reverse proxy this is one ordinary HTTP/1.1 upgrade; the station
// opens it, so no port is open at the station.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { isAppError } from '../../errors/app-error.js';
import type { Logger } from '../../util/log.js';
import type { StationHub } from '../hub.js';
import { MAX_MESSAGE_BYTES } from '../protocol.js';

export const STATION_CONNECT_PATH = '/v1/stations/connect';
const PING_MS = 15_000;

export interface UpgradeHandler {
  (req: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): void;
}

function refuse(socket: Duplex, status: number, code: string, title: string): void {
  const body = JSON.stringify({ type: 'about:blank', title, status, code });
  socket.end(
    `HTTP/1.1 ${status} ${title.replace(/[^\x20-\x7e]/g, ' ')}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\nCache-Control: no-store\r\n\r\n${body}`,
  );
}

export function stationUpgradeHandler(hub: StationHub, log: Logger): UpgradeHandler {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES, perMessageDeflate: false });
  const handle = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    const url = req.url ?? '/';
    const path = url.split('?')[0];
    if (path !== STATION_CONNECT_PATH || req.method !== 'GET') {
      refuse(socket, 404, 'not_found', 'No resource here');
      return;
    }
    hub.authenticate(req.headers.authorization).then(
      (auth) => {
        wss.handleUpgrade(req, socket, head, (ws) => {
          const connection = hub.attach(auth, {
            send: (text) => ws.send(text),
            close: (code, reason) => ws.close(code, reason),
          });
          let alive = true;
          ws.on('pong', () => (alive = true));
          const ping = setInterval(() => {
            if (!alive) return ws.terminate();
            alive = false;
            ws.ping();
          }, PING_MS);
          ping.unref();
          ws.on('message', (data, isBinary) => {
            if (isBinary) return connection.violation('station_protocol_error', 'a binary message');
            connection.receive(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(data as Buffer[]).toString('utf8'));
          });
          ws.on('close', () => {
            clearInterval(ping);
            hub.detach(connection);
          });
          ws.on('error', (err) => {
            log.warn('station connection error', { stationId: auth.station.id, err });
            ws.terminate();
          });
        });
      },
      (err: unknown) => {
        if (isAppError(err)) refuse(socket, err.status, err.code, err.message);
        else {
          log.error('station connection refused', { err });
          refuse(socket, 500, 'internal_error', 'Internal error');
        }
      },
    );
  };
  return Object.assign(handle, {
    close() {
      hub.close();
      wss.close();
    },
  });
}
