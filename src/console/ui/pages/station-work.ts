// Work at a station: pick an online station and one of its readers with the
// right card in it, start the job (personalise, activate, unblock, reset,
// replace), and follow it live (server-sent events of the job).
import { api, apiOptional } from '../api.js';
import { badge, clear, formatTime, h } from '../dom.js';
import type { Station } from '../types.js';

export interface ReaderChoice {
  readonly stationId: string;
  readonly reader: string;
}

/** The stations API, or undefined when this service has none (404). */
export async function loadStations(): Promise<Station[] | undefined> {
  return (await apiOptional<{ stations: Station[] }>('/v1/stations'))?.stations;
}

export const NO_STATIONS = 'Work at a station needs the station service, which this server does not offer (GET /v1/stations answers 404).';

/**
 * Radio buttons, one per reader of an online station, with what is in it.
 * `wants` says which readers may be chosen: any card, a given serial, or a
 * blank card from the stock.
 */
export function readerPicker(
  stations: readonly Station[],
  wants: { readonly serial?: number; readonly blankSerials?: ReadonlySet<number> },
  legend: string,
): { readonly el: HTMLElement; selected(): ReaderChoice | undefined; readonly error: HTMLElement } {
  const error = h('p', { class: 'field-error', hidden: true, id: `picker-error-${Math.random().toString(36).slice(2)}` });
  const list = h('div', { class: 'reader-list' });
  let n = 0;
  for (const s of stations) {
    const readers = s.readers.map((r) => {
      const serial = r.cardSerial === undefined ? undefined : Number(r.cardSerial);
      const fits = s.online && r.cardPresent && (wants.serial === undefined || serial === wants.serial) && (wants.blankSerials === undefined || (serial !== undefined && wants.blankSerials.has(serial)));
      const id = `reader-${++n}`;
      const what = !r.cardPresent ? 'empty' : serial === undefined ? 'a card' : wants.blankSerials?.has(serial) ? `blank card ${serial} (in stock)` : `card ${serial}`;
      return h(
        'div',
        { class: `reader${fits ? '' : ' reader-unfit'}` },
        h('input', { type: 'radio', name: 'reader', id, value: `${s.id}\u0000${r.name}`, disabled: !fits, 'aria-describedby': error.id }),
        h('label', { for: id }, h('span', { class: 'reader-name' }, r.name), ' — ', what),
      );
    });
    list.append(
      h(
        'div',
        { class: 'station' },
        h('p', { class: 'station-name' }, s.name, ' ', s.online ? badge('online', 'ok') : badge('offline', 'bad'), s.lastSeenAt ? h('span', { class: 'hint' }, ` last seen ${formatTime(s.lastSeenAt)}`) : null),
        readers.length === 0 ? h('p', { class: 'hint' }, 'No reader reported.') : readers,
      ),
    );
  }
  const el = h('fieldset', { class: 'field', 'aria-describedby': error.id }, h('legend', null, legend), stations.length === 0 ? h('p', null, 'No station is registered.') : list, error);
  return {
    el,
    error,
    selected() {
      const checked = el.querySelector<HTMLInputElement>('input[name=reader]:checked');
      if (!checked) return undefined;
      const [stationId, reader] = checked.value.split('\u0000') as [string, string];
      return { stationId, reader };
    },
  };
}

export function pickerError(picker: { readonly error: HTMLElement; readonly el: HTMLElement }, message: string): void {
  picker.error.textContent = message;
  picker.error.hidden = false;
  picker.el.querySelector<HTMLInputElement>('input[name=reader]:not([disabled])')?.focus();
}

/** Start a job at a station: the API answers 202 with its id. */
export async function startStationJob(path: string, body: Record<string, unknown>): Promise<string> {
  const r = await api<{ jobId: string }>('POST', path, body);
  return r.jobId;
}

export interface JobEvent {
  readonly type: 'step-start' | 'step-done' | 'pin-wait' | 'done' | 'failed';
  readonly data: Record<string, unknown>;
}

/** Follow a job's events until done or failed; resolves with the last event. */
export function followJob(jobId: string, onEvent: (e: JobEvent) => void): { readonly finished: Promise<JobEvent | undefined>; close(): void } {
  const source = new EventSource(`/v1/issuance/jobs/${encodeURIComponent(jobId)}/events`, { withCredentials: true });
  let resolve!: (e: JobEvent | undefined) => void;
  const finished = new Promise<JobEvent | undefined>((r) => (resolve = r));
  const handle = (type: JobEvent['type']) => (ev: MessageEvent<string>) => {
    let data: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(ev.data);
      if (parsed !== null && typeof parsed === 'object') data = parsed as Record<string, unknown>;
    } catch {
      data = { message: ev.data };
    }
    const e = { type, data };
    onEvent(e);
    if (type === 'done' || type === 'failed') {
      source.close();
      resolve(e);
    }
  };
  for (const t of ['step-start', 'step-done', 'pin-wait', 'done', 'failed'] as const) source.addEventListener(t, handle(t) as EventListener);
  source.addEventListener('error', () => {
    if (source.readyState === EventSource.CLOSED) resolve(undefined);
  });
  return {
    finished,
    close() {
      source.close();
      resolve(undefined);
    },
  };
}

export function replaceContent(el: HTMLElement, ...children: Node[]): void {
  clear(el);
  el.append(...children);
}
