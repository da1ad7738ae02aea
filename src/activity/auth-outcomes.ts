// How many card + PIN authentications each relying party had, by outcome and
// hour, for the staff dashboard. Hourly fixed-window counters in the
// ephemeral store (Redis shared by every process, or the in-process store),
// kept for a day: one counter per RP, outcome and hour, no personal data.
//   succeeded: a signed result was returned
//   refused:   the response was refused (4xx: wrong card, revoked, expired…)
//   failed:    the service could not answer (5xx, e.g. the registry down)
import type { EphemeralStore } from '../store/ephemeral.js';

export const authOutcomes = ['succeeded', 'refused', 'failed'] as const;
export type AuthOutcome = (typeof authOutcomes)[number];

const HOUR_MS = 3600_000;
/** Counters outlive the longest window the dashboard shows (24 hours) by an hour. */
const RETAIN_MS = 25 * HOUR_MS;
export const MAX_HOURS = 24;

const hourOf = (t: number): string => new Date(Math.floor(t / HOUR_MS) * HOUR_MS).toISOString().slice(0, 13);
const counterKey = (hour: string, rpId: string, outcome: AuthOutcome): string => `stats:auth:${hour}:${rpId}:${outcome}`;

export function outcomeOfStatus(status: number): AuthOutcome {
  return status < 400 ? 'succeeded' : status < 500 ? 'refused' : 'failed';
}

export async function recordAuthOutcome(store: EphemeralStore, rpId: string, outcome: AuthOutcome, at: Date): Promise<void> {
  await store.hit(counterKey(hourOf(at.getTime()), rpId, outcome), RETAIN_MS);
}

export interface AuthOutcomeCounts {
  /** The start of each hour, oldest first (ISO 8601, UTC). */
  readonly hours: readonly string[];
  /** One row per RP and outcome that had any authentication in these hours; counts follow `hours`. */
  readonly series: ReadonlyArray<{ readonly rpId: string; readonly outcome: AuthOutcome; readonly counts: readonly number[] }>;
}

/** The counts of the last `hours` hours (the current one included) for these RPs. */
export async function readAuthOutcomes(store: EphemeralStore, rpIds: readonly string[], hours: number, now: Date): Promise<AuthOutcomeCounts> {
  const n = Math.max(1, Math.min(MAX_HOURS, Math.floor(hours)));
  const current = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
  const hourStarts = Array.from({ length: n }, (_, i) => current - (n - 1 - i) * HOUR_MS);
  const series = await Promise.all(
    rpIds.flatMap((rpId) =>
      authOutcomes.map(async (outcome) => ({
        rpId,
        outcome,
        counts: await Promise.all(hourStarts.map(async (h) => Number((await store.get(counterKey(hourOf(h), rpId, outcome))) ?? 0) || 0)),
      })),
    ),
  );
  return { hours: hourStarts.map((h) => new Date(h).toISOString()), series: series.filter((s) => s.counts.some((c) => c > 0)) };
}
