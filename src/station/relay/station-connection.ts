// The service's side of one station's connection: it sends the requests of
// the jobs it runs on the station's readers and matches every answer to the
// one request it expects (docs/stations.md, "The relay"). Transport-free: the
// WebSocket adapter (../adapters/ws-server.ts) feeds it text and gives it a
// way to send and to close, so the rules are tested without a socket.
//
// Order of checks for an answer: well-formed (schema), a job of this
// connection (else station_relay_other_job), a sequence number not answered
// before (else station_relay_replayed), the one outstanding request's number
// (else station_relay_out_of_order), an answer of the kind asked for (else
// station_protocol_error). Any violation ends the connection: every job on it
// stops with that code, as if the cable were cut, and nothing more the station
// says is read.
import { AppError } from '../../errors/app-error.js';
import { cardCodes, cardError, type CardErrorCode } from '../../card/codes.js';
import { issuanceError, type IssuanceErrorCode } from '../../issuance/codes.js';
import { cardholderStepCodes } from '../../issuance/ports/cardholder.js';
import type { Logger } from '../../util/log.js';
import { stationError, type StationCode } from '../codes.js';
import { answerTo, closeCodes, fromStation, parseMessage, type StationAnswer, type StationRequest, type ToStation } from '../protocol.js';
import type { ReaderReport, Station } from '../types.js';

export interface RelayTransport {
  send(text: string): void;
  close(code: number, reason: string): void;
}

type Success = Exclude<StationAnswer, { t: 'failed' }>;
/** A request without the job and sequence number the connection adds. */
export type RequestBody = StationRequest extends infer R ? (R extends { job: string; seq: number } ? Omit<R, 'job' | 'seq'> : never) : never;

interface Pending {
  readonly seq: number;
  readonly t: StationRequest['t'];
  readonly resolve: (a: Success) => void;
  readonly reject: (e: unknown) => void;
  readonly timer: NodeJS.Timeout;
}

interface JobState {
  nextSeq: number;
  lastAnswered: number;
  pending: Pending | undefined;
}

const stepCodes = new Set<string>(cardholderStepCodes);

export class StationConnection {
  #readers: readonly ReaderReport[] = [];
  readonly #jobs = new Map<string, JobState>();
  #ended: AppError | undefined;
  readonly #readerListeners = new Set<() => void>();

  constructor(
    readonly station: Station,
    private readonly transport: RelayTransport,
    private readonly log: Logger,
  ) {}

  get readers(): readonly ReaderReport[] {
    return this.#readers;
  }

  get isOpen(): boolean {
    return this.#ended === undefined;
  }

  /** Job ids running on this connection now. */
  get jobs(): readonly string[] {
    return [...this.#jobs.keys()];
  }

  onReaders(listener: () => void): () => void {
    this.#readerListeners.add(listener);
    return () => this.#readerListeners.delete(listener);
  }

  send(message: ToStation): void {
    if (this.#ended) throw this.#ended;
    this.transport.send(JSON.stringify(message));
  }

  /** A text message from the station. */
  receive(text: string): void {
    if (this.#ended) return;
    const m = parseMessage(fromStation, text);
    if (m === undefined) return this.violation('station_protocol_error', 'a message that is not a station message');
    if (m.t === 'readers') {
      this.#readers = m.readers;
      for (const l of this.#readerListeners) l();
      return;
    }
    const job = this.#jobs.get(m.job);
    if (job === undefined) return this.violation('station_relay_other_job', 'an answer for a job this station was not given');
    if (m.seq <= job.lastAnswered) return this.violation('station_relay_replayed', `an answer to request ${m.seq} again`);
    const p = job.pending;
    if (p === undefined || m.seq !== p.seq) return this.violation('station_relay_out_of_order', `an answer to request ${m.seq} while ${p?.seq ?? 'none'} was outstanding`);
    if (m.t !== 'failed' && m.t !== answerTo[p.t]) return this.violation('station_protocol_error', `'${m.t}' in answer to '${p.t}'`);
    job.lastAnswered = m.seq;
    job.pending = undefined;
    clearTimeout(p.timer);
    if (m.t === 'failed') p.reject(this.#failure(p.t, m));
    else p.resolve(m);
  }

  /** Start a job on this connection; its requests are numbered from 1. */
  beginJob(jobId: string): void {
    if (this.#ended) throw this.#ended;
    if (this.#jobs.has(jobId)) throw new Error(`job ${jobId} is already on this connection`);
    this.#jobs.set(jobId, { nextSeq: 1, lastAnswered: 0, pending: undefined });
  }

  endJob(jobId: string): void {
    const job = this.#jobs.get(jobId);
    if (job?.pending) {
      clearTimeout(job.pending.timer);
      job.pending.reject(stationError('station_protocol_error', 'the job ended with a request outstanding'));
    }
    this.#jobs.delete(jobId);
  }

  /** Send one request of a job and wait for its answer (a failure answer is thrown as its error). */
  request<R extends RequestBody>(jobId: string, body: R, timeoutMs: number): Promise<Success> {
    if (this.#ended) return Promise.reject(this.#ended);
    const job = this.#jobs.get(jobId);
    if (job === undefined) return Promise.reject(new Error(`job ${jobId} is not on this connection`));
    if (job.pending !== undefined) return Promise.reject(new Error(`job ${jobId} has a request outstanding`));
    const seq = job.nextSeq++;
    return new Promise<Success>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (job.pending?.seq !== seq) return;
        job.pending = undefined;
        // An answer that comes later would be out of order: the job is over on this connection.
        this.#jobs.delete(jobId);
        reject(stationError('station_timeout', `The station did not answer ${body.t} within ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      job.pending = { seq, t: body.t, resolve, reject, timer };
      try {
        this.transport.send(JSON.stringify({ ...body, job: jobId, seq }));
      } catch (e) {
        clearTimeout(timer);
        job.pending = undefined;
        reject(e);
      }
    });
  }

  /** The station broke the protocol: every job on it stops with `code`, and the connection is closed. */
  violation(code: StationCode, what: string): void {
    if (this.#ended) return;
    this.log.warn('station protocol violation; closing its connection', { stationId: this.station.id, code, what });
    this.end(stationError(code, `The station broke the protocol: ${what}`), { code: closeCodes.violation, reason: code });
  }

  /** The connection is over (closed by either side): outstanding requests fail with `err`. */
  end(err: AppError = stationError('station_disconnected', 'The station’s connection ended'), close?: { code: number; reason: string }): void {
    if (this.#ended) return;
    this.#ended = err;
    for (const job of this.#jobs.values()) {
      if (job.pending) {
        clearTimeout(job.pending.timer);
        job.pending.reject(err);
        job.pending = undefined;
      }
    }
    this.#jobs.clear();
    if (close) {
      try {
        this.transport.close(close.code, close.reason);
      } catch {
        // already closed
      }
    }
  }

  #failure(t: StationRequest['t'], m: Extract<StationAnswer, { t: 'failed' }>): AppError {
    const message = m.message.replace(/[\u0000-\u001f\u007f]/g, ' ');
    if (t === 'step' && stepCodes.has(m.code)) {
      return issuanceError(m.code as IssuanceErrorCode, message, m.triesLeft === undefined ? {} : { detail: { triesLeft: m.triesLeft } });
    }
    if (t !== 'step' && m.code in cardCodes) return cardError(m.code as CardErrorCode, message);
    this.violation('station_protocol_error', `a failure code '${m.code.slice(0, 64)}' that ${t} cannot have`);
    return this.#ended ?? stationError('station_protocol_error', 'The station broke the protocol');
  }
}
