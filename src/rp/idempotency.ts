// Idempotent creation for relying parties (draft-ietf-httpapi-idempotency-key-header,
// §2 the header, §2.6 the errors): a request carrying an Idempotency-Key is
// run once per RP and key; the same key with the same request answers what
// the first run answered, with the same status and body; the same key with
// another request is refused (422 idempotency_key_reused), and a second
// request while the first is still running is refused (409
// idempotency_key_in_use) instead of being run twice.
//
// The key is claimed with SET NX in the ephemeral store (Redis across
// processes, one atomic command), so of concurrent requests exactly one runs.
// The claim is short-lived (a run that dies leaves it for IN_FLIGHT_MS at
// most); the answer then replaces it for as long as the caller says — for a
// challenge, its lifetime. A run that fails releases the key, so the same
// request may be sent again. The store key names the RP and the SHA-256 of
// the key, never the key itself: keys are the RP's and may be long.
import { createHash } from 'node:crypto';
import type { EphemeralStore } from '../store/ephemeral.js';
import { unavailableError } from '../errors/common-codes.js';
import { rpError } from './codes.js';
import type { RpId } from './ids.js';

/** Longest a claimed key stays "in use" when its run never finishes (the process died). */
export const IN_FLIGHT_MS = 10_000;
/** An Idempotency-Key: 1–255 visible ASCII characters (the draft's sf-string, quoted or bare). */
const KEY_TEXT = /^[\x21-\x7e]{1,255}$/;

/** What a run answered, kept to be answered again. */
export interface StoredAnswer {
  readonly status: number;
  /** The JSON body exactly as sent. */
  readonly json: string;
  readonly headers: Readonly<Record<string, string>>;
}

type Entry = { readonly s: 'in-flight'; readonly fp: string } | ({ readonly s: 'done'; readonly fp: string } & StoredAnswer);

/**
 * The key from the header value: a Structured Field string (`"…"`, RFC 8941
 * §3.3.3, as the draft defines it) or, as many clients send it, the bare
 * text. Undefined when absent; idempotency_key_invalid when malformed.
 */
export function parseIdempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (Array.isArray(header)) throw rpError('idempotency_key_invalid', 'Send one Idempotency-Key header.');
  let text = header.trim();
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) text = text.slice(1, -1);
  if (!KEY_TEXT.test(text) || text.includes('"') || text.includes('\\')) {
    throw rpError('idempotency_key_invalid', 'The Idempotency-Key must be 1 to 255 visible ASCII characters (a UUID is a good one).');
  }
  return text;
}

export const idempotencyStoreKey = (rpId: RpId, key: string) => `idem:${rpId}:${createHash('sha256').update(key, 'utf8').digest('base64url')}`;

async function storeStep<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    throw unavailableError('The idempotency store is unavailable; try again shortly.', { cause: err });
  }
}

/**
 * Run `run` once for (rpId, key). `fingerprint` identifies the request (the
 * caller hashes its canonical form); `run` returns the answer and how long
 * to keep it.
 */
export async function runIdempotent(
  store: EphemeralStore,
  scope: { readonly rpId: RpId; readonly key: string; readonly fingerprint: string },
  run: () => Promise<{ readonly answer: StoredAnswer; readonly keepMs: number }>,
): Promise<{ readonly answer: StoredAnswer; readonly replayed: boolean }> {
  const storeKey = idempotencyStoreKey(scope.rpId, scope.key);
  const claim: Entry = { s: 'in-flight', fp: scope.fingerprint };
  // Two tries: a finished entry can expire between our SET NX and our GET.
  for (let attempt = 0; attempt < 2; attempt++) {
    if (await storeStep(() => store.setIfAbsent(storeKey, JSON.stringify(claim), IN_FLIGHT_MS))) {
      let done;
      try {
        done = await run();
      } catch (err) {
        await store.del(storeKey).catch(() => undefined);
        throw err;
      }
      const entry: Entry = { s: 'done', fp: scope.fingerprint, ...done.answer };
      await storeStep(() => store.set(storeKey, JSON.stringify(entry), Math.max(1, done.keepMs)));
      return { answer: done.answer, replayed: false };
    }
    const raw = await storeStep(() => store.get(storeKey));
    if (raw === null) continue;
    const seen = JSON.parse(raw) as Entry;
    if (seen.fp !== scope.fingerprint) {
      throw rpError('idempotency_key_reused', 'This Idempotency-Key was used with another request; use a new key for a new request.');
    }
    if (seen.s === 'in-flight') {
      throw rpError('idempotency_key_in_use', 'A request with this Idempotency-Key is still being processed; retry shortly.');
    }
    return { answer: { status: seen.status, json: seen.json, headers: seen.headers }, replayed: true };
  }
  throw rpError('idempotency_key_in_use', 'A request with this Idempotency-Key is still being processed; retry shortly.');
}
