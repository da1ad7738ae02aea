// The stations connected to this service process: who they are (the key on
// the connection, checked against the registry), which connection each has,
// and the readers each reports. A station has one connection at a time; a new
// one replaces the old (a station PC that restarted). A station whose key is
// rotated or that is disabled is cut off at once in this process, and within
// `revalidateMs` in any other process sharing the registry (each connection
// re-reads its station's row that often).
import { timingSafeEqual } from 'node:crypto';
import type { Sql } from '../registry/sql.js';
import { unavailableError } from '../errors/common-codes.js';
import { isAppError } from '../errors/app-error.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import { stationError } from './codes.js';
import { parseStationBearer, stationSecretMatches } from './credentials.js';
import { closeCodes } from './protocol.js';
import { StationConnection, type RelayTransport } from './relay/station-connection.js';
import { stationWithHash } from './repo/rows.js';
import { touchStation } from './repo/station-jobs.js';
import type { Station } from './types.js';

export interface StationHubDeps {
  readonly sql: Sql;
  /** The key of the stations' keyed hashes (the RP pepper's API-secret key). */
  readonly pepper: Buffer;
  readonly clock: Clock;
  readonly log: Logger;
  /** How often an open connection re-checks its station's key and status (default 2 s). */
  readonly revalidateMs?: number;
}

/** A station whose key checked out, with the hash it was checked against. */
export interface AuthenticatedStation {
  readonly station: Station;
  readonly secretHash: Uint8Array;
}

interface Live {
  readonly connection: StationConnection;
  readonly secretHash: Uint8Array;
  readonly timer: NodeJS.Timeout;
}

const LAST_SEEN_EVERY = 15;

export class StationHub {
  readonly #live = new Map<string, Live>();
  readonly #revalidateMs: number;

  constructor(private readonly deps: StationHubDeps) {
    this.#revalidateMs = deps.revalidateMs ?? 2000;
  }

  /** Check `Authorization: Bearer <station key>`; station_unauthorized (no detail) or station_disabled. */
  async authenticate(authorization: string | undefined): Promise<AuthenticatedStation> {
    const presented = parseStationBearer(authorization);
    const unauthorized = () => stationError('station_unauthorized', 'Send a valid station key: Authorization: Bearer <station key>');
    if (presented === undefined) throw unauthorized();
    let found: AuthenticatedStation | undefined;
    try {
      found = await stationWithHash(this.deps.sql, presented.stationId);
    } catch (err) {
      throw isAppError(err) && err.code !== 'registry_unavailable' ? err : unavailableError('The registry is unavailable; try again shortly.', { cause: err });
    }
    if (found === undefined || !stationSecretMatches(this.deps.pepper, presented.secret, found.secretHash)) throw unauthorized();
    if (found.station.status !== 'active') throw stationError('station_disabled', 'This station is disabled');
    return found;
  }

  /** Take a new connection of an authenticated station (replacing any older one). */
  attach(auth: AuthenticatedStation, transport: RelayTransport): StationConnection {
    const id = auth.station.id;
    const old = this.#live.get(id);
    if (old) this.#drop(id, old, stationError('station_disconnected', 'Another connection of this station replaced this one'), closeCodes.replaced, 'replaced');
    const connection = new StationConnection(auth.station, transport, this.deps.log);
    let ticks = 0;
    const timer = setInterval(() => {
      ticks++;
      void this.#revalidate(id, connection, ticks % LAST_SEEN_EVERY === 0);
    }, this.#revalidateMs);
    timer.unref();
    this.#live.set(id, { connection, secretHash: auth.secretHash, timer });
    connection.send({ t: 'welcome', stationId: id, name: auth.station.name });
    void touchStation(this.deps.sql, id, this.deps.clock.now()).catch(() => undefined);
    this.deps.log.info('station connected', { stationId: id });
    return connection;
  }

  /** The connection ended from the station's side (or the network's). */
  detach(connection: StationConnection): void {
    const id = connection.station.id;
    const live = this.#live.get(id);
    connection.end();
    if (live?.connection !== connection) return;
    clearInterval(live.timer);
    this.#live.delete(id);
    void touchStation(this.deps.sql, id, this.deps.clock.now()).catch(() => undefined);
    this.deps.log.info('station disconnected', { stationId: id });
  }

  connection(stationId: string): StationConnection | undefined {
    const live = this.#live.get(stationId);
    return live?.connection.isOpen ? live.connection : undefined;
  }

  /** The station's key was rotated or the station disabled: cut it off now. */
  revoke(stationId: string, why: 'station_disabled' | 'station_unauthorized'): void {
    const live = this.#live.get(stationId);
    if (live) this.#drop(stationId, live, stationError(why, why === 'station_disabled' ? 'The station was disabled' : 'The station’s key was replaced'), closeCodes.keyRevoked, why);
  }

  close(): void {
    for (const [id, live] of this.#live) this.#drop(id, live, stationError('station_disconnected', 'The service is stopping'), closeCodes.goingAway, 'service stopping');
  }

  #drop(id: string, live: Live, err: ReturnType<typeof stationError>, code: number, reason: string): void {
    clearInterval(live.timer);
    if (this.#live.get(id) === live) this.#live.delete(id);
    live.connection.end(err, { code, reason });
    this.deps.log.info('station cut off', { stationId: id, reason });
  }

  async #revalidate(id: string, connection: StationConnection, touch: boolean): Promise<void> {
    const live = this.#live.get(id);
    if (live?.connection !== connection) return;
    let row: Awaited<ReturnType<typeof stationWithHash>>;
    try {
      row = await stationWithHash(this.deps.sql, id);
      if (touch) await touchStation(this.deps.sql, id, this.deps.clock.now());
    } catch (err) {
      // The registry is down: keep the connection (jobs fail on their own registry writes).
      this.deps.log.warn('station re-check failed', { stationId: id, err });
      return;
    }
    if (row === undefined || row.station.status !== 'active') return this.revoke(id, 'station_disabled');
    const a = Buffer.from(row.secretHash);
    const b = Buffer.from(live.secretHash);
    if (a.length !== b.length || !timingSafeEqual(a, b)) this.revoke(id, 'station_unauthorized');
  }
}
