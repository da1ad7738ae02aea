// Which calls of an authenticated RP are admitted: the terminal a call names
// must be registered to the RP (and be the one a terminal-bound credential
// speaks for), and every request counts against the RP's rate limit and, once
// its terminal is known, the terminal's.
//
// Every request an authenticated RP sends counts, also one refused before the
// route's own counting (a body too large, not JSON, not the schema, bad
// base64, an unknown terminal, a missing scope): otherwise an RP could send
// bad requests without end. Routes that name a terminal count the RP and the
// terminal together, in one store round trip — or in the very store step that
// consumes a challenge (`consumeAdmission`) — which the benchmark profile
// showed to matter on the hot path; a request refused before that counting
// is counted on its way out (`countRefused`).
//
// What was counted is kept per request in a RateAccount, plain data: the HTTP
// layer writes the RateLimit headers from it, on success and refusal alike.
import { isAppError } from '../errors/app-error.js';
import type { CounterSpec, EphemeralStore, HitResult } from '../store/ephemeral.js';
import { rpError } from './codes.js';
import type { TerminalId } from './ids.js';
import { RATE_WINDOW_MS, checkRate, decide, rateLimitedError, rpRateKey, shownDecision, terminalRateKey, type RateDecision } from './rate-limit.js';
import type { RelyingParty, RpPrincipal, RpScope } from './types.js';

/** What one request was counted by, as far as it got. */
export class RateAccount {
  /** The registered terminal the request names, once checked. */
  terminal: TerminalId | undefined;
  /** The decisions it was counted by: the RP's, then the terminal's. Empty: not counted yet. */
  decisions: readonly RateDecision[] = [];
  get counted(): boolean {
    return this.decisions.length > 0;
  }
}

/** An authenticated RP call: the principal and its request's RateAccount. */
export interface RpCall extends RpPrincipal {
  readonly rate: RateAccount;
}

export function newRpCall(principal: RpPrincipal): RpCall {
  return { rp: principal.rp, keyId: principal.keyId, terminal: principal.terminal, rate: new RateAccount() };
}

/** Keep the decisions; throw rate_limited when one refuses (the RP's first). */
function record(account: RateAccount, decisions: readonly RateDecision[]): void {
  account.decisions = decisions;
  const refusing = shownDecision(decisions);
  if (refusing !== undefined && !refusing.allowed) throw rateLimitedError(refusing);
}

/** The RP's own limit, for calls that name no terminal. */
export async function admitRp(store: EphemeralStore, call: RpCall): Promise<void> {
  record(call.rate, [await checkRate(store, 'rp', rpRateKey(call.rp.id), call.rp.rateLimitPerMinute)]);
}

/** The RP's registration as far as admission needs it; an RpCall is one. */
export interface AdmissionSubject {
  readonly rp: Pick<RelyingParty, 'id' | 'scopes' | 'terminals' | 'rateLimitPerMinute' | 'terminalRatePerMinute'>;
  /** The one terminal a terminal-bound credential speaks for. */
  readonly terminal?: TerminalId | undefined;
  /** Absent for callers that are not rate-limited (in-process use). */
  readonly rate?: RateAccount | undefined;
}

/** The RP holds `scope` (in memory, before any store I/O). */
export function requireScope(subject: AdmissionSubject, scope: RpScope): void {
  if (!subject.rp.scopes.includes(scope)) throw rpError('scope_not_allowed', `This relying party has no ${scope} scope.`);
}

/**
 * A terminal must be registered to the calling RP, and a terminal-bound
 * credential may name its own terminal only (in memory, before any store
 * I/O). From then on the request counts against that terminal too.
 */
export function requireTerminal(subject: AdmissionSubject, terminalId: TerminalId): void {
  if (!subject.rp.terminals.includes(terminalId)) {
    throw rpError('terminal_unknown', 'This terminal id is not registered for the relying party.', { detail: { terminalId } });
  }
  if (subject.terminal !== undefined && subject.terminal !== terminalId) {
    throw rpError('terminal_not_allowed', 'This credential is bound to another terminal.', { detail: { terminalId } });
  }
  if (subject.rate !== undefined) subject.rate.terminal = terminalId;
}

/** A registered terminal, then the RP's and the terminal's limits counted together in one round trip. */
export async function admitTerminal(store: EphemeralStore, call: RpCall, terminalId: TerminalId): Promise<void> {
  requireTerminal(call, terminalId);
  record(call.rate, await countBoth(store, call, terminalId));
}

/**
 * The RP's and the terminal's counters for the store step that consumes a
 * challenge (one Redis round trip for the hot route): `admit` sees the counts
 * in `counters` order and throws rate_limited to refuse, and the store then
 * took nothing. The terminal must have been checked registered.
 */
export interface ConsumeAdmission {
  readonly counters: readonly CounterSpec[];
  admit(hits: readonly HitResult[]): void;
}

export function consumeAdmission(subject: AdmissionSubject & { readonly rate: RateAccount }, terminalId: TerminalId): ConsumeAdmission {
  const limits = [subject.rp.rateLimitPerMinute, subject.rp.terminalRatePerMinute] as const;
  const account = subject.rate;
  return {
    counters: [
      { key: rpRateKey(subject.rp.id), windowMs: RATE_WINDOW_MS, limit: limits[0] },
      { key: terminalRateKey(subject.rp.id, terminalId), windowMs: RATE_WINDOW_MS, limit: limits[1] },
    ],
    admit(hits) {
      record(account, [decide('rp', hits[0]!, limits[0]), decide('terminal', hits[1]!, limits[1])]);
    },
  };
}

/**
 * A request refused before its counters were hit: hit them now (the RP's,
 * and the terminal's when it is known), and answer 429 instead when that puts
 * the RP or terminal over its limit. A 503 is not counted — the store that
 * would count it is what failed — and when counting fails the original
 * refusal stands. Never throws.
 */
export async function countRefused(store: EphemeralStore, call: RpCall, err: unknown): Promise<unknown> {
  if (call.rate.counted || (isAppError(err) && err.code === 'unavailable')) return err;
  let decisions: readonly RateDecision[];
  try {
    decisions = await countBoth(store, call, call.rate.terminal);
  } catch {
    return err;
  }
  try {
    record(call.rate, decisions);
  } catch (limited) {
    return limited;
  }
  return err;
}

/** The RP's counter and, when given, the terminal's: both commands in one write. */
async function countBoth(store: EphemeralStore, call: RpCall, terminal: TerminalId | undefined): Promise<RateDecision[]> {
  const [rp, t] = await Promise.all([
    checkRate(store, 'rp', rpRateKey(call.rp.id), call.rp.rateLimitPerMinute),
    terminal === undefined ? undefined : checkRate(store, 'terminal', terminalRateKey(call.rp.id, terminal), call.rp.terminalRatePerMinute),
  ]);
  return t === undefined ? [rp] : [rp, t];
}
