// Issuance stations over HTTP: registering them (admin), seeing which are
// online with which readers and cards, and the card work that runs at one
// (docs/stations.md). The station itself connects at GET /v1/stations/connect
// with a WebSocket upgrade and its station key; the upgrade is served by the
// stations' upgrade listener, and this route documents it (a plain GET is 426).
//
// A job at a station is started by an officer (staffSession) naming the
// station and the reader: 202 with the job id once it is under way, then
// GET /v1/issuance/jobs/{id} for its state and …/events to watch it live.
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { requirePermission } from '../../access/permissions.js';
import { cardSerial } from '../../card/piv/constants.js';
import { AppError } from '../../errors/app-error.js';
import { issuanceError } from '../../issuance/codes.js';
import type { Actor } from '../../issuance/ports/registry.js';
import type { CardSerial, JobId } from '../../issuance/types.js';
import { isJobId } from '../../issuance/types.js';
import type { IssuanceRegistry } from '../../issuance/ports/registry.js';
import type { Sql } from '../../registry/sql.js';
import { stationError } from '../../station/codes.js';
import type { AuthenticatedStation, StationHub } from '../../station/hub.js';
import type { JobEvent, JobEvents } from '../../station/jobs/job-events.js';
import type { StationJobs, StationWork } from '../../station/jobs/run-station-job.js';
import { addStation } from '../../station/repo/add-station.js';
import { listStations, stationJobById } from '../../station/repo/rows.js';
import { rotateStationKey } from '../../station/repo/rotate-station-key.js';
import { setStationStatus } from '../../station/repo/set-station-status.js';
import type { Station } from '../../station/types.js';
import type { Clock } from '../../util/clock.js';
import { defineRoute, problemResponse as problem, type AnyRoute, type RouteAuth } from '../route.js';

export interface StationRouteDeps {
  readonly sql: Sql;
  readonly hub: StationHub;
  readonly jobs: StationJobs;
  readonly events: JobEvents;
  readonly registry: IssuanceRegistry;
  /** The key of the stations' keyed hashes. */
  readonly pepper: Buffer;
  readonly clock: Clock;
  readonly auth: RouteAuth<Actor>;
}

const readerSchema = z.object({ name: z.string(), cardPresent: z.boolean(), cardSerial: z.number().int().optional() });
const stationSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(['active', 'disabled']),
  online: z.boolean(),
  lastSeenAt: z.string().nullable(),
  readers: z.array(readerSchema),
});
const stationIdParams = z.object({ id: z.string().regex(/^stn_[A-Za-z0-9_-]{22}$/, 'a station id') });
const serialParams = z.object({ serial: z.string().regex(/^\d{1,10}$/, 'a card serial (decimal)') });
const atStation = { stationId: z.string().regex(/^stn_[A-Za-z0-9_-]{22}$/, 'a station id'), reader: z.string().min(1).max(200) };
const accepted = { 202: { description: 'The job is under way', schema: z.object({ jobId: z.string() }) } };
const refusals = { 400: problem, 401: problem, 403: problem, 404: problem, 409: problem, 422: problem, 502: problem, 503: problem };

function parseSerial(s: string): CardSerial {
  try {
    return cardSerial(Number(s));
  } catch (cause) {
    throw new AppError('invalid_request', 'serial: not a card serial', 400, { cause });
  }
}

function writeEvent(res: ServerResponse, e: JobEvent | { kind: 'snapshot'; status: string; completedSteps: readonly string[] }): void {
  res.write(`event: ${e.kind}\ndata: ${JSON.stringify(e)}\n\n`);
}

export function stationRoutes(deps: StationRouteDeps): AnyRoute[] {
  const tags = ['stations'];
  const view = (s: Station): z.infer<typeof stationSchema> => {
    const c = deps.hub.connection(s.id);
    return {
      id: s.id,
      name: s.name,
      status: s.status,
      online: c !== undefined,
      lastSeenAt: c !== undefined ? deps.clock.now().toISOString() : (s.lastSeenAt?.toISOString() ?? null),
      readers: c === undefined ? [] : c.readers.map((r) => ({ name: r.name, cardPresent: r.cardPresent, ...(r.cardSerial === undefined ? {} : { cardSerial: r.cardSerial }) })),
    };
  };
  const stationAuth: RouteAuth<AuthenticatedStation> = {
    scheme: 'stationKey',
    authenticate: (req) => deps.hub.authenticate(req.headers.authorization),
  };
  /** A job at a station on an issued card: activate, unblock-pin, reset-pin, replace. */
  const cardJob = (action: 'activate' | 'unblock-pin' | 'reset-pin' | 'replace', operationId: string, summary: string, extra: z.ZodRawShape, work: (serial: CardSerial, body: Record<string, unknown>) => StationWork): AnyRoute =>
    defineRoute({
      method: 'post',
      path: `/v1/issuance/cards/:serial/${action}`,
      operationId,
      summary,
      tags: ['issuance'],
      auth: deps.auth,
      params: serialParams,
      body: z.object({ ...atStation, ...extra }).strict(),
      responses: { ...accepted, ...refusals },
      async handle({ params, body, principal }) {
        const b = body as { stationId: string; reader: string } & Record<string, unknown>;
        const r = await deps.jobs.start({ stationId: b.stationId, reader: b.reader, actor: principal, work: work(parseSerial(params.serial), b) });
        return { status: 202, body: r };
      },
    });

  return [
    defineRoute({
      method: 'post',
      path: '/v1/stations',
      operationId: 'addStation',
      summary: 'Register an issuance station; its key is shown once',
      tags,
      auth: deps.auth,
      body: z.object({ name: z.string().min(1).max(100) }).strict(),
      responses: { 201: { description: 'Registered (the key is not shown again)', schema: z.object({ id: z.string(), name: z.string(), key: z.string() }) }, 400: problem, 401: problem, 403: problem, 409: problem },
      async handle({ body, principal }) {
        requirePermission(principal, 'station.manage');
        const { station, key } = await addStation(deps.sql, body.name, deps.pepper, principal.staffId, deps.clock.now());
        return { status: 201, body: { id: station.id, name: station.name, key } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/stations',
      operationId: 'listStations',
      summary: 'Stations, whether each is connected, and its readers and cards',
      tags,
      auth: deps.auth,
      responses: { 200: { description: 'Stations', schema: z.object({ stations: z.array(stationSchema) }) }, 401: problem, 403: problem },
      async handle({ principal }) {
        requirePermission(principal, 'station.read');
        return { body: { stations: (await listStations(deps.sql)).map(view) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/stations/:id/disable',
      operationId: 'disableStation',
      summary: 'Disable a station: its key is refused at once, its connection closed',
      tags,
      auth: deps.auth,
      params: stationIdParams,
      body: z.object({}).strict(),
      responses: { 200: { description: 'The station', schema: stationSchema }, 401: problem, 403: problem, 404: problem },
      async handle({ params, principal }) {
        requirePermission(principal, 'station.manage');
        const s = await setStationStatus(deps.sql, params.id, 'disabled', principal.staffId, deps.clock.now());
        deps.hub.revoke(s.id, 'station_disabled');
        return { body: view(s) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/stations/:id/enable',
      operationId: 'enableStation',
      summary: 'Enable a disabled station again',
      tags,
      auth: deps.auth,
      params: stationIdParams,
      body: z.object({}).strict(),
      responses: { 200: { description: 'The station', schema: stationSchema }, 401: problem, 403: problem, 404: problem },
      async handle({ params, principal }) {
        requirePermission(principal, 'station.manage');
        return { body: view(await setStationStatus(deps.sql, params.id, 'active', principal.staffId, deps.clock.now())) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/stations/:id/rotate',
      operationId: 'rotateStationKey',
      summary: 'A new key for a station (shown once); the old one is refused at once',
      tags,
      auth: deps.auth,
      params: stationIdParams,
      body: z.object({}).strict(),
      responses: { 200: { description: 'The new key', schema: z.object({ key: z.string() }) }, 401: problem, 403: problem, 404: problem },
      async handle({ params, principal }) {
        requirePermission(principal, 'station.manage');
        const r = await rotateStationKey(deps.sql, params.id, deps.pepper, principal.staffId, deps.clock.now());
        deps.hub.revoke(params.id, 'station_unauthorized');
        return { body: r };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/stations/connect',
      operationId: 'connectStation',
      summary: 'The station connection (WebSocket)',
      description:
        'A station opens one WebSocket here (HTTP/1.1 Upgrade) with `Authorization: Bearer <station key>`, reports its readers and ' +
        'answers the requests of the jobs the service runs on them: JSON text messages, each request with the job id and a sequence number ' +
        '(docs/stations.md). Without an upgrade the answer is 426.',
      tags,
      auth: stationAuth,
      responses: { 101: { description: 'Switching to the station protocol' }, 401: problem, 403: problem, 426: problem },
      async handle() {
        throw stationError('upgrade_required', 'Connect with a WebSocket upgrade (Connection: Upgrade, Upgrade: websocket)');
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/issuance/personalisations',
      operationId: 'personaliseAtStation',
      summary: 'Personalise the blank card in a station’s reader for an enrolled citizen (or resume its interrupted job)',
      description: 'The engine runs in the service over the station’s connection; the citizen chooses the PIN at the station and the PUK is shown there once.',
      tags: ['issuance'],
      auth: deps.auth,
      body: z.object({ ...atStation, nationalId: z.string().min(1).max(40), signatureKey: z.boolean().optional(), onHold: z.boolean().optional() }).strict(),
      responses: { ...accepted, ...refusals },
      async handle({ body, principal }) {
        const options = { ...(body.signatureKey ? { signatureKey: true } : {}), ...(body.onHold ? { onHold: true } : {}) };
        return { status: 202, body: await deps.jobs.start({ stationId: body.stationId, reader: body.reader, actor: principal, work: { kind: 'personalise', nationalId: body.nationalId, options } }) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/issuance/stock',
      operationId: 'receiveStockAtStation',
      summary: 'Take the blank card in a station’s reader into the stock (serial and F9 attestation certificate read from the card)',
      tags: ['issuance'],
      auth: deps.auth,
      body: z.object({ ...atStation, manufacturer: z.string().regex(/^[\w .,&()-]{1,100}$/).optional() }).strict(),
      responses: { ...accepted, ...refusals },
      async handle({ body, principal }) {
        const work: StationWork = body.manufacturer === undefined ? { kind: 'stock-receive' } : { kind: 'stock-receive', manufacturer: body.manufacturer };
        return { status: 202, body: await deps.jobs.start({ stationId: body.stationId, reader: body.reader, actor: principal, work }) };
      },
    }),
    cardJob('activate', 'activateAtStation', 'Hand-over: the citizen proves the PIN at the station; the card becomes active', {}, (serial) => ({ kind: 'activate', serial })),
    cardJob('unblock-pin', 'unblockPinAtStation', 'The citizen unblocks the PIN with the PUK at the station', {}, (serial) => ({ kind: 'unblock-pin', serial })),
    cardJob('reset-pin', 'resetPinAtStation', 'Staff-assisted PIN and PUK reset at the station (needs an approved request)', { approvalId: z.string().min(1).max(100) }, (serial, b) => ({ kind: 'reset-pin', serial, approvalId: b['approvalId'] as string })),
    cardJob('replace', 'replaceAtStation', 'Personalise the blank card in the station’s reader to replace this card (the old one is superseded)', { signatureKey: z.boolean().optional(), onHold: z.boolean().optional() }, (serial, b) => ({
      kind: 'replace',
      serial,
      options: { ...(b['signatureKey'] === true ? { signatureKey: true } : {}), ...(b['onHold'] === true ? { onHold: true } : {}) },
    })),
    defineRoute({
      method: 'get',
      path: '/v1/issuance/jobs/:id/events',
      operationId: 'watchIssuanceJob',
      summary: 'Progress of a job at a station as server-sent events',
      description: 'Events: job, step-start, step-done, step-skipped, wipe, pin-wait, done, failed (then the stream ends). A job this process does not run is followed in the registry (a snapshot event, then done or failed).',
      tags: ['issuance'],
      auth: deps.auth,
      params: z.object({ id: z.string().refine(isJobId, 'a job id (UUID)') }),
      responses: { 200: { description: 'text/event-stream', contentType: 'text/event-stream' }, 401: problem, 403: problem, 404: problem },
      async handle({ params, principal, req, res }) {
        requirePermission(principal, 'card.read');
        const id = params.id;
        const start = (): void => {
          res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
        };
        const live = deps.events.watch(id, (e) => {
          writeEvent(res, e);
          if (e.kind === 'done' || e.kind === 'failed') res.end();
        });
        if (live !== undefined) {
          start();
          for (const e of live.history) writeEvent(res, e);
          if (live.finished) res.end();
          else req.on('close', () => live.unsubscribe());
          return;
        }
        // Run by another process, or finished long ago: follow the registry.
        const sj = await stationJobById(deps.sql, id);
        const ij = sj === undefined ? await deps.registry.getJob(id as JobId) : undefined;
        if (sj === undefined && ij === undefined) throw issuanceError('issuance_job_not_found', 'No such issuance job');
        start();
        let closed = false;
        req.on('close', () => (closed = true));
        for (let i = 0; !closed; i++) {
          const s = sj === undefined ? undefined : await stationJobById(deps.sql, id);
          const j = s?.issuanceJobId !== undefined ? await deps.registry.getJob(s.issuanceJobId as JobId) : ij === undefined ? undefined : await deps.registry.getJob(ij.id);
          const status = s?.status ?? j?.status ?? 'running';
          if (i === 0) writeEvent(res, { kind: 'snapshot', status, completedSteps: j?.completedSteps ?? [] });
          if (status === 'completed') {
            writeEvent(res, { kind: 'done', jobId: id, ...((s?.cardSerial ?? j?.cardSerial) === undefined ? {} : { cardSerial: (s?.cardSerial ?? j?.cardSerial)! }) });
            break;
          }
          if (status !== 'running') {
            writeEvent(res, { kind: 'failed', code: s?.lastError ?? j?.lastError ?? status, message: `The job is ${status}` });
            break;
          }
          await new Promise((r) => setTimeout(r, 1000));
        }
        res.end();
      },
    }),
  ];
}

