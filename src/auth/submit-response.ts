// POST /v1/auth/challenges/{id}/response: runs the checks of ./checks/index.ts
// in order, then signs the result. Once the challenge is consumed every
// outcome — success or the public failure code — is stored for
// GET /v1/auth/challenges/{id}, with one exception: a response whose every
// check passed but whose card status the registry could not answer (503
// `unavailable`, fail closed) puts the challenge back as it was, for the rest
// of its lifetime, so the terminal can send the same signed response again
// once the registry answers, instead of the citizen starting over with a new
// challenge and the PIN. Single use still holds: the challenge is back only
// because this call did not use it, and the next taker consumes it again. The
// log keeps the internal reason of a folded failure; it never sees the
// certificate bytes, the signature, or any secret.
import { isAppError } from '../errors/app-error.js';
import { AuthFailure } from './codes.js';
import type { AuthDeps } from './deps.js';
import { responseChecks } from './checks/index.js';
import type { Consumed, ResponseCaller, Submitted } from './checks/context.js';
import { challengeKey, challengeMetaKey, outcomeKey, type ChallengeMeta, type StoredOutcome } from './lib/store-keys.js';
import { CANCELLED } from './lib/explain-missing-challenge.js';
import type { StoredOutcomeEvent } from './ports.js';
import { unavailableError } from '../errors/common-codes.js';
import { storeCall } from './lib/store-call.js';
import { buildClaims } from './result/build-claims.js';
import { signJwsJson } from './result/sign-jws.js';
import type { ChallengeId, ResultClaims, UnverifiedResponse } from './wire.js';
import type { ChallengeRecord } from './types.js';
import type { RpId } from '../rp/ids.js';

export interface AuthResult {
  readonly result: string;
  readonly claims: ResultClaims;
  /** `{"result": …, "claims": …}` as the API answers it: the claims serialised once, for the JWS and the answer. */
  readonly json: string;
}

async function remember(deps: AuthDeps, rpId: RpId, id: ChallengeId, outcome: StoredOutcome): Promise<void> {
  await storeCall('store outcome', () => deps.store.set(outcomeKey(rpId, id), JSON.stringify(outcome), (deps.outcomeTtlSeconds ?? 900) * 1000));
  deps.outcomeSignal?.notify(outcomeKey(rpId, id));
}

/**
 * Write the webhook event of a stored outcome before the outcome is
 * answered. The outcome is in the ephemeral store already (GET shows it);
 * when the event cannot be written the answer is 503 `unavailable`, and the
 * resend that follows (challenge_used) writes it: see pushStoredOutcome.
 */
async function pushed(deps: AuthDeps, event: StoredOutcomeEvent): Promise<void> {
  if (deps.events === undefined) return;
  try {
    await deps.events.outcomeStored(event);
  } catch (err) {
    deps.log.error('webhook event not written', { challenge: event.challengeId, rp: event.rpId, err: String(err) });
    throw unavailableError('The outcome is stored but could not be reported yet; send the response again, or read the challenge.', { cause: err });
  }
}

/** The event of an outcome already stored, written again (best effort; logged when it cannot be). */
async function pushStoredOutcome(deps: AuthDeps, rpId: RpId, id: ChallengeId): Promise<void> {
  try {
    const [metaRaw, outcomeRaw] = await Promise.all([deps.store.get(challengeMetaKey(rpId, id)), deps.store.get(outcomeKey(rpId, id))]);
    if (metaRaw === null || outcomeRaw === null) return;
    const meta = JSON.parse(metaRaw) as ChallengeMeta;
    const o = JSON.parse(outcomeRaw) as StoredOutcome;
    const base = { rpId, challengeId: id, terminalId: meta.terminalId ?? '', at: deps.clock.now() };
    if (o.status === 'failed') {
      if (o.code === CANCELLED) return; // the RP's own cancellation is not pushed back to it
      await deps.events!.outcomeStored({ ...base, status: 'failed', code: o.code });
      return;
    }
    const claims = JSON.parse(Buffer.from(o.result.split('.')[1] ?? '', 'base64url').toString('utf8')) as ResultClaims;
    await deps.events!.outcomeStored({ ...base, at: new Date(claims.iat * 1000), status: 'completed', result: o.result, cardSerial: claims.card_serial, subject: claims.sub });
  } catch (err) {
    deps.log.error('webhook event of a stored outcome not written', { challenge: id, rp: rpId, err: String(err) });
  }
}

/**
 * Put a challenge this call consumed back under its key for the rest of its
 * lifetime (SET NX: never over a challenge of the same id). False when it has
 * expired or the store refused; the caller then records the failure.
 */
async function putBack(deps: AuthDeps, rpId: RpId, id: ChallengeId, ch: ChallengeRecord, now: Date): Promise<boolean> {
  const left = ch.expiresAt - now.getTime();
  if (left <= 0) return false;
  return deps.store.setIfAbsent(challengeKey(rpId, id), JSON.stringify(ch), left).catch(() => false);
}

export async function submitResponse(
  deps: AuthDeps,
  caller: ResponseCaller,
  challengeId: ChallengeId,
  unverified: UnverifiedResponse,
): Promise<AuthResult> {
  const ctx: Submitted = { deps, caller, challengeId, unverified, now: deps.clock.now() };
  let step: { readonly name: string; readonly whenUnavailable?: 'put-back' } = { name: 'start' };
  try {
    const checked = await responseChecks.run(ctx, (check) => {
      step = check;
    });
    step = { name: 'sign-result' };
    const claims = buildClaims({
      issuer: deps.issuer,
      subjectPepper: deps.peppers.subject,
      challenge: checked.challenge,
      preimage: checked.preimage,
      card: checked.card,
      status: checked.status,
      allowedAttributes: caller.rp.scopes.includes('ekyc') ? caller.rp.ekycAttributes : [],
      triesLeft: unverified.triesLeft,
      now: ctx.now,
      ...(deps.sandbox === true ? { sandbox: true } : {}),
      evidence: checked.evidence,
    });
    const claimsJson = JSON.stringify(claims);
    const result = await signJwsJson(deps.keys.current, claimsJson);
    await remember(deps, caller.rp.id, challengeId, { status: 'completed', result });
    step = { name: 'webhook-event' };
    await pushed(deps, {
      rpId: caller.rp.id,
      challengeId,
      terminalId: checked.challenge.terminalId,
      at: ctx.now,
      status: 'completed',
      result,
      cardSerial: claims.card_serial,
      subject: claims.sub,
    });
    deps.log.info('card authentication succeeded', {
      challenge: challengeId,
      rp: caller.rp.id,
      terminal: unverified.terminalId,
      cardSerial: claims.card_serial,
      certSerial: claims.cert_serial,
    });
    return { result, claims, json: `{"result":${JSON.stringify(result)},"claims":${claimsJson}}` };
  } catch (err) {
    const code = isAppError(err) ? err.code : 'internal_error';
    deps.log.warn('card authentication refused', {
      challenge: challengeId,
      rp: caller.rp.id,
      terminal: unverified.terminalId,
      step: step.name,
      code,
      ...(err instanceof AuthFailure ? { reason: err.reason } : {}),
      ...(isAppError(err) ? {} : { error: String(err) }),
    });
    // Only a challenge this call consumed gets a failed outcome (readable by
    // the RP that owns it); a refusal before consumption leaves it usable.
    // This call can only have consumed one of its own RP's challenges (the
    // keys name the RP), so the outcome lands on the caller's own key.
    const consumed = (ctx as Partial<Consumed>).challenge;
    if (consumed !== undefined) {
      // A check that declares it: every check before it passed, so nothing
      // was decided against this response; the challenge goes back.
      const putBackNow = code === 'unavailable' && step.whenUnavailable === 'put-back';
      if (putBackNow && (await putBack(deps, caller.rp.id, challengeId, consumed, deps.clock.now()))) {
        deps.log.info('challenge put back after the registry could not answer', { challenge: challengeId, rp: caller.rp.id });
      } else if (step.name !== 'webhook-event') {
        await remember(deps, caller.rp.id, challengeId, { status: 'failed', code }).catch(() => undefined);
        // The failure is answered only once its event is written (else 503, and a resend writes it).
        await pushed(deps, { rpId: caller.rp.id, challengeId, terminalId: consumed.terminalId, at: ctx.now, status: 'failed', code });
      }
    } else if (code === 'challenge_used' && deps.events !== undefined) {
      // A resend of a challenge already decided: the send that decided it may
      // have stored the outcome and died (or been answered 503) before its
      // webhook event was written. Writing it again is harmless (once per challenge).
      await pushStoredOutcome(deps, caller.rp.id, challengeId);
    }
    throw err;
  }
}
