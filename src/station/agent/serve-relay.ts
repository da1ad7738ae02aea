// The station's side of the relay: it answers the service's requests for the
// jobs the service runs on this station's readers, and nothing else. It holds
// no key but its own station key, no registry, no CA: it opens the card in
// the named reader, passes APDUs, and runs the cardholder steps (PIN, PUK)
// itself on the reader's PIN pad, telling the service only how they ended.
//
// It checks the service too: requests of a job come numbered 1, 2, 3, …; the
// first must open a reader this station offers and no other job holds; a
// request out of sequence, for a job not opened, or for a reader not offered
// ends the connection (the service then sees the job stop).
import type { CardChannel, CardReaders } from '../../card/channel.js';
import { isAppError } from '../../errors/app-error.js';
import type { CardholderSteps } from '../../issuance/ports/cardholder.js';
import type { StationRequest, FromStation } from '../protocol.js';

export interface RelayServerOptions {
  readonly readers: CardReaders;
  /** The readers this station offers (all when undefined). */
  readonly offered?: readonly string[];
  /** The cardholder steps of a reader: its PIN pad and PUK display over the job's channel. */
  readonly cardholderFor: (reader: string, channel: CardChannel) => CardholderSteps;
  readonly send: (message: FromStation) => void;
  /** The service broke the protocol: close the connection. */
  readonly violation: (what: string) => void;
  /** Resolves when the station's own use of the reader (reading a new card's serial) is over. */
  readonly readerIdle?: (reader: string) => Promise<void>;
  /** A job began or ended on a reader (for what the station shows and reports). */
  readonly onJob?: (e: { readonly kind: 'open' | 'close'; readonly job: string; readonly reader: string }) => void;
}

interface LocalJob {
  readonly reader: string;
  lastSeq: number;
  channel: CardChannel | undefined;
  cardholder: CardholderSteps | undefined;
  chain: Promise<void>;
}

export class RelayServer {
  readonly #jobs = new Map<string, LocalJob>();

  constructor(private readonly o: RelayServerOptions) {}

  isOffered(reader: string): boolean {
    return this.o.offered === undefined || this.o.offered.includes(reader);
  }

  /** Readers with a job on them now. */
  busyReaders(): Set<string> {
    return new Set([...this.#jobs.values()].map((j) => j.reader));
  }

  handle(m: StationRequest): void {
    let job = this.#jobs.get(m.job);
    if (m.t === 'open') {
      if (job !== undefined || m.seq !== 1) return this.o.violation(`open of job ${m.job} out of sequence`);
      if (!this.isOffered(m.reader)) {
        this.o.send({ t: 'failed', job: m.job, seq: m.seq, code: 'reader_not_found', message: `This station does not offer a reader named "${m.reader.slice(0, 100)}"` });
        return;
      }
      if (this.busyReaders().has(m.reader)) {
        this.o.send({ t: 'failed', job: m.job, seq: m.seq, code: 'reader_busy', message: 'Another job is using this reader' });
        return;
      }
      job = { reader: m.reader, lastSeq: 1, channel: undefined, cardholder: undefined, chain: Promise.resolve() };
      this.#jobs.set(m.job, job);
    } else {
      if (job === undefined) return this.o.violation(`a request for job ${m.job}, which this station did not open`);
      if (m.seq !== job.lastSeq + 1) return this.o.violation(`request ${m.seq} of job ${m.job} after ${job.lastSeq}`);
      job.lastSeq = m.seq;
    }
    const j = job;
    j.chain = j.chain.then(() => this.#run(m, j)).catch(() => undefined);
  }

  async #run(m: StationRequest, job: LocalJob): Promise<void> {
    const answer = { job: m.job, seq: m.seq };
    try {
      switch (m.t) {
        case 'open': {
          await this.o.readerIdle?.(m.reader);
          const channel = await this.o.readers.connect(m.reader, { shareMode: 'exclusive' });
          job.channel = channel;
          job.cardholder = this.o.cardholderFor(m.reader, channel);
          this.o.onJob?.({ kind: 'open', job: m.job, reader: m.reader });
          this.o.send({ t: 'opened', ...answer, atr: Buffer.from(channel.atr).toString('base64') });
          return;
        }
        case 'apdu': {
          const r = await job.channel!.transmit(Buffer.from(m.apdu, 'base64'));
          this.o.send({ t: 'rapdu', ...answer, rapdu: Buffer.from(r).toString('base64') });
          return;
        }
        case 'reset':
          await job.channel!.reset();
          this.o.send({ t: 'done', ...answer });
          return;
        case 'step': {
          const c = job.cardholder!;
          if (m.step === 'choose-pin') await c.choosePin();
          else if (m.step === 'set-puk') await c.setPuk();
          else if (m.step === 'verify-pin') await c.verifyPin(m.purpose ?? 'confirm');
          else await c.unblockPin();
          this.o.send({ t: 'done', ...answer });
          return;
        }
        case 'close':
          this.#jobs.delete(m.job);
          await job.channel?.close({ disposition: m.disposition });
          this.o.onJob?.({ kind: 'close', job: m.job, reader: job.reader });
          this.o.send({ t: 'done', ...answer });
          return;
      }
    } catch (e) {
      if (m.t === 'open') this.#jobs.delete(m.job);
      // A fault of the station's own (not a coded refusal) is reported as the step's or the transport's failure.
      const code = isAppError(e) ? e.code : m.t === 'step' ? 'issuance_pin_entry_failed' : 'transmit_failed';
      const message = isAppError(e) ? e.message : 'The station could not do this';
      const triesLeft = isAppError(e) && typeof e.detail?.['triesLeft'] === 'number' ? (e.detail['triesLeft'] as number) : undefined;
      try {
        this.o.send({ t: 'failed', ...answer, code, message: message.slice(0, 500), ...(triesLeft === undefined ? {} : { triesLeft }) });
      } catch {
        // the connection is gone; the job ends with it
      }
    }
  }

  /** The connection ended: release every card (a reset drops any PIN state). */
  async endAll(): Promise<void> {
    const jobs = [...this.#jobs.entries()];
    this.#jobs.clear();
    for (const [id, job] of jobs) {
      // Not waiting for the job's chain: a step may be waiting at the PIN pad.
      await job.channel?.close({ disposition: 'reset' }).catch(() => undefined);
      this.o.onJob?.({ kind: 'close', job: id, reader: job.reader });
    }
  }
}
