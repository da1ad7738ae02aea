// Get the card's signed response to the server and its answer back, when the
// service or the network falters for a moment (an ATM's line, a registry
// failing over). The signature is already made, so the citizen is not asked
// for the PIN again:
//   - "unavailable" (a 503, a network failure, no answer in time) says the
//     service did not decide: the same response is sent again after each of
//     the given pauses. A 503 at the card-status check leaves the challenge
//     pending on the server (src/auth/submit-response.ts);
//   - after a resend, `challenge_used` can mean that an earlier send was
//     completed and only its answer was lost: the challenge's state (GET)
//     then holds the signed result, which is what the terminal shows.
// Any other refusal is final at once. The RP verifies the result's JWS
// whichever way the terminal got it.
import { callServer, type ServerConfig } from './http.js';
import { submitResponse, type SubmitResponseResult } from './submit-response.js';

export interface DeliveryOptions {
  /** Pauses before each resend, ms (default 500, 1000, 2000: four sends in about 3.5 s). */
  readonly retryDelaysMs?: readonly number[];
  /** Told before each resend (1, 2, …), e.g. to show the citizen it is still trying. */
  readonly onRetry?: (attempt: number) => void;
  /** For tests. */
  readonly sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [500, 1000, 2000];

export async function deliverResponse(
  config: ServerConfig,
  submission: Parameters<typeof submitResponse>[1],
  opts: DeliveryOptions = {},
): Promise<SubmitResponseResult> {
  const delays = opts.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let sent = await submitResponse(config, submission);
  for (let attempt = 1; !sent.ok && sent.kind === 'unavailable' && attempt <= delays.length; attempt++) {
    opts.onRetry?.(attempt);
    await sleep(delays[attempt - 1]!);
    sent = await submitResponse(config, submission);
    if (!sent.ok && sent.kind === 'refused' && sent.code === 'challenge_used') return (await completedEarlier(config, submission.challengeId)) ?? sent;
  }
  return sent;
}

/** The result of a challenge an earlier send completed, or undefined. */
async function completedEarlier(config: ServerConfig, challengeId: string): Promise<SubmitResponseResult | undefined> {
  const a = await callServer(config, 'GET', `/v1/auth/challenges/${encodeURIComponent(challengeId)}`);
  if (a.kind !== 'ok') return undefined;
  const unverified = a.body as { status?: unknown; result?: unknown; claims?: unknown };
  if (unverified.status !== 'completed' || typeof unverified.result !== 'string' || typeof unverified.claims !== 'object' || unverified.claims === null) {
    return undefined;
  }
  return { ok: true, result: unverified.result, claims: unverified.claims as Record<string, unknown> };
}
