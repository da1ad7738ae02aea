// Progress of the station jobs this process runs, for watching live
// (GET /v1/issuance/jobs/{id}/events): each job's events in order, kept 15
// minutes after it ends so a page that connects late sees the whole story.
// Events carry public facts only (step names, times, codes), never a PIN,
// PUK or key.
export type JobEvent =
  | { readonly kind: 'job'; readonly jobId: string; readonly resumed: boolean; readonly attempt: number }
  | { readonly kind: 'step-start'; readonly step: string; readonly index: number; readonly total: number; readonly title: string }
  | { readonly kind: 'step-done'; readonly step: string; readonly index: number; readonly total: number; readonly ms: number }
  | { readonly kind: 'step-skipped'; readonly step: string; readonly index: number; readonly total: number }
  | { readonly kind: 'wipe'; readonly reason: string }
  | { readonly kind: 'pin-wait'; readonly step: string }
  | { readonly kind: 'done'; readonly jobId: string; readonly cardSerial?: number }
  | { readonly kind: 'failed'; readonly code: string; readonly message: string };

const KEEP_MS = 15 * 60_000;

interface Entry {
  readonly events: JobEvent[];
  readonly listeners: Set<(e: JobEvent) => void>;
  finished: boolean;
}

export class JobEvents {
  readonly #jobs = new Map<string, Entry>();

  begin(jobId: string): void {
    this.#jobs.set(jobId, { events: [], listeners: new Set(), finished: false });
  }

  publish(jobId: string, event: JobEvent): void {
    const e = this.#jobs.get(jobId);
    if (e === undefined || e.finished) return;
    e.events.push(event);
    for (const l of e.listeners) l(event);
    if (event.kind === 'done' || event.kind === 'failed') {
      e.finished = true;
      e.listeners.clear();
      setTimeout(() => this.#jobs.delete(jobId), KEEP_MS).unref();
    }
  }

  /** The events so far and, while the job runs, a subscription to the next ones; undefined for a job this process does not know. */
  watch(jobId: string, listener: (e: JobEvent) => void): { readonly history: readonly JobEvent[]; readonly finished: boolean; unsubscribe(): void } | undefined {
    const e = this.#jobs.get(jobId);
    if (e === undefined) return undefined;
    if (!e.finished) e.listeners.add(listener);
    return { history: [...e.events], finished: e.finished, unsubscribe: () => e.listeners.delete(listener) };
  }

  /** The step a running job is in now, if any (for the job's view). */
  current(jobId: string): { readonly step?: string; readonly waitingForPin: boolean } | undefined {
    const e = this.#jobs.get(jobId);
    if (e === undefined || e.finished) return undefined;
    let step: string | undefined;
    let waiting = false;
    for (const ev of e.events) {
      if (ev.kind === 'step-start') {
        step = ev.step;
        waiting = false;
      } else if (ev.kind === 'step-done') step = undefined;
      else if (ev.kind === 'pin-wait') waiting = true;
    }
    return { ...(step === undefined ? {} : { step }), waitingForPin: waiting };
  }
}
