// Counts the outcome of every card response (POST /v1/auth/challenges/{id}/response)
// per relying party for the staff dashboard (src/activity/auth-outcomes.ts),
// by wrapping that route's handler. The count is written after the answer is
// decided and not waited for: the authentication's latency does not grow by
// a store round trip, and a counter that cannot be written loses a count,
// never an authentication.
import { isAppError } from '../errors/app-error.js';
import { outcomeOfStatus, recordAuthOutcome } from '../activity/auth-outcomes.js';
import type { AnyRoute } from '../http/route.js';
import type { EphemeralStore } from '../store/ephemeral.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';

export const COUNTED_OPERATION = 'submitChallengeResponse';

export function countAuthOutcomes(routes: readonly AnyRoute[], deps: { store: EphemeralStore; clock: Clock; logger: Logger }): AnyRoute[] {
  return routes.map((route) => {
    if (route.operationId !== COUNTED_OPERATION) return route;
    const record = (principal: unknown, status: number): void => {
      const rpId = (principal as { rp?: { id?: unknown } } | undefined)?.rp?.id;
      if (typeof rpId !== 'string') return;
      recordAuthOutcome(deps.store, rpId, outcomeOfStatus(status), deps.clock.now()).catch((err: unknown) =>
        deps.logger.warn('authentication count not written', { err }),
      );
    };
    return {
      ...route,
      async handle(input) {
        try {
          const result = await route.handle(input);
          record(input.principal, result?.status ?? 200);
          return result;
        } catch (err) {
          const status = (err as { status?: unknown }).status;
          record(input.principal, isAppError(err) || typeof status === 'number' ? Number(status) : 500);
          throw err;
        }
      },
    } satisfies AnyRoute;
  });
}
