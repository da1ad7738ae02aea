// The meeting point of the terminal's run and the citizen's page: the screen
// state the page draws (pushed to every open page), the page sessions and
// their anti-forgery tokens, and the one PIN request that may be open.
//
// The PIN: the page posts it (screen-server.ts) into the waiting request and
// nowhere else; a PIN that arrives when none is asked for is zeroed at once.
// The hub keeps no copy: the bytes go to the PIN pad's caller, which zeroes
// them after the VERIFY (sign-with-pin.ts).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { ScreenState } from './screen-state.js';

export type Language = 'km' | 'en';

/** What a page receives: the state and what the page needs to draw it. */
export interface ScreenSnapshot {
  readonly seq: number;
  readonly state: ScreenState;
  /** The language a new citizen starts in (the page switches on request). */
  readonly language: Language;
  /** Present with a simulated card: whether it is in the reader (the page shows sandbox controls). */
  readonly simCard: { readonly present: boolean } | null;
  readonly terminalId: string;
}

interface PinRequest {
  readonly resolve: (pin: Uint8Array | null) => void;
}

export class ScreenHub {
  #state: ScreenState = { screen: 'idle', card: null, service: 'connecting' };
  #seq = 0;
  #simCard: { present: boolean } | null = null;
  readonly #listeners = new Set<(snapshot: ScreenSnapshot) => void>();
  readonly #sessions = new Set<Buffer>();
  #pin: PinRequest | undefined;

  constructor(
    readonly terminalId: string,
    readonly language: Language = 'km',
  ) {}

  get state(): ScreenState {
    return this.#state;
  }

  set(state: ScreenState): void {
    this.#state = state;
    this.#publish();
  }

  setSimCard(present: boolean | null): void {
    this.#simCard = present === null ? null : { present };
    this.#publish();
  }

  snapshot(): ScreenSnapshot {
    return { seq: this.#seq, state: this.#state, language: this.language, simCard: this.#simCard, terminalId: this.terminalId };
  }

  /** Called with every new snapshot; returns the unsubscribe function. */
  subscribe(listener: (snapshot: ScreenSnapshot) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** A page connected: its token for the calls it makes (valid while it stays connected). */
  openSession(): { token: string; close(): void } {
    const raw = randomBytes(24);
    this.#sessions.add(raw);
    return { token: raw.toString('base64url'), close: () => this.#sessions.delete(raw) };
  }

  /** Is this the token of a connected page? (constant time per session) */
  validToken(token: string | undefined): boolean {
    if (token === undefined || !/^[A-Za-z0-9_-]{32}$/.test(token)) return false;
    const given = Buffer.from(token, 'base64url');
    let ok = false;
    for (const s of this.#sessions) if (s.length === given.length && timingSafeEqual(s, given)) ok = true;
    return ok;
  }

  /** Wait for the page's PIN (null: cancelled on the page, or `signal` aborted). */
  waitForPin(signal?: AbortSignal): Promise<Uint8Array | null> {
    this.#pin?.resolve(null);
    return new Promise((resolve) => {
      const finish = (pin: Uint8Array | null): void => {
        signal?.removeEventListener('abort', onAbort);
        if (this.#pin === request) this.#pin = undefined;
        resolve(pin);
      };
      const onAbort = (): void => finish(null);
      const request: PinRequest = { resolve: finish };
      if (signal?.aborted) return finish(null);
      this.#pin = request;
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** The page's PIN: handed to the waiting request, or zeroed when none waits. False then. */
  submitPin(pin: Uint8Array): boolean {
    const request = this.#pin;
    if (request === undefined) {
      pin.fill(0);
      return false;
    }
    request.resolve(pin);
    return true;
  }

  /** The citizen pressed Cancel. False when no PIN was asked for. */
  cancelPin(): boolean {
    const request = this.#pin;
    if (request === undefined) return false;
    request.resolve(null);
    return true;
  }

  get pinRequested(): boolean {
    return this.#pin !== undefined;
  }

  #publish(): void {
    this.#seq += 1;
    const snap = this.snapshot();
    for (const l of this.#listeners) l(snap);
  }
}
