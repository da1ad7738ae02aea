// The station protocol: JSON text messages over the one WebSocket a station
// keeps open to the service (GET /v1/stations/connect). One zod schema per
// message; a message that fails its schema is a protocol violation.
//
// The service runs the jobs; the station only answers. Every request of a job
// carries the job id and a sequence number (1, 2, 3, … per job, one request
// outstanding per job); the answer echoes both. The service refuses an answer
// for a job it did not give this station (station_relay_other_job), one with
// a sequence number already answered (station_relay_replayed) and one with
// any other (station_relay_out_of_order), and then closes the connection.
// The station refuses requests out of sequence the same way.
//
// What crosses: command and response APDUs of the job's card (so SET
// MANAGEMENT KEY shows that one card's key to the station: PIV has no secure
// messaging here, docs/stations.md), and the names and outcomes of the
// cardholder steps. A PIN or PUK never does: the station runs those steps
// itself on its PIN pad (src/issuance/ports/cardholder.ts).
import { z } from 'zod';
import { cardDispositions } from '../card/channel.js';
import { cardholderStepNames } from '../issuance/ports/cardholder.js';

/** Largest message either side reads: a chained APDU is at most a few hundred bytes; a reader list is small. */
export const MAX_MESSAGE_BYTES = 64 * 1024;

const jobId = z.string().uuid();
const seq = z.number().int().min(1).max(1_000_000);
const b64 = z.string().max(8192).regex(/^[A-Za-z0-9+/]*={0,2}$/);
const readerName = z.string().min(1).max(200);

// Service → station
export const toStation = z.discriminatedUnion('t', [
  z.object({ t: z.literal('welcome'), stationId: z.string(), name: z.string() }).strict(),
  z.object({ t: z.literal('open'), job: jobId, seq, reader: readerName }).strict(),
  z.object({ t: z.literal('apdu'), job: jobId, seq, apdu: b64 }).strict(),
  z.object({ t: z.literal('reset'), job: jobId, seq }).strict(),
  z.object({ t: z.literal('step'), job: jobId, seq, step: z.enum(cardholderStepNames), purpose: z.string().max(100).optional() }).strict(),
  z.object({ t: z.literal('close'), job: jobId, seq, disposition: z.enum(cardDispositions) }).strict(),
]);
export type ToStation = z.infer<typeof toStation>;
export type StationRequest = Exclude<ToStation, { t: 'welcome' }>;

export const readerReport = z
  .object({ name: readerName, cardPresent: z.boolean(), cardSerial: z.number().int().min(0).max(0xffffffff).optional() })
  .strict();

// Station → service
export const fromStation = z.discriminatedUnion('t', [
  z.object({ t: z.literal('readers'), readers: z.array(readerReport).max(32) }).strict(),
  z.object({ t: z.literal('opened'), job: jobId, seq, atr: b64 }).strict(),
  z.object({ t: z.literal('rapdu'), job: jobId, seq, rapdu: b64 }).strict(),
  z.object({ t: z.literal('done'), job: jobId, seq }).strict(),
  z
    .object({
      t: z.literal('failed'),
      job: jobId,
      seq,
      code: z.string().max(64),
      message: z.string().max(500),
      triesLeft: z.number().int().min(0).max(255).optional(),
    })
    .strict(),
]);
export type FromStation = z.infer<typeof fromStation>;
export type StationAnswer = Exclude<FromStation, { t: 'readers' }>;

/** Which answer each request expects when it succeeds. */
export const answerTo = { open: 'opened', apdu: 'rapdu', reset: 'done', step: 'done', close: 'done' } as const satisfies Record<StationRequest['t'], StationAnswer['t']>;

/** WebSocket close codes the service uses (4000–4999 are the application's). */
export const closeCodes = {
  /** The station's key was rotated or the station disabled. */
  keyRevoked: 4001,
  /** The station broke the protocol (the reason names the code). */
  violation: 4002,
  /** Another connection of the same station replaced this one. */
  replaced: 4003,
  /** The service is stopping. */
  goingAway: 1001,
} as const;

export function parseMessage<T>(schema: z.ZodType<T>, text: string): T | undefined {
  if (text.length > MAX_MESSAGE_BYTES) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  const r = schema.safeParse(raw);
  return r.success ? r.data : undefined;
}
