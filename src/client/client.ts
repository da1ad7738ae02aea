// The client of the cardauth relying-party API: create a challenge (with an
// Idempotency-Key, so a retried request never makes a second challenge),
// wait for its outcome by long-poll, verify the signed result against the
// service's JWK Set with npm `jose` (issuer, audience = this RP, the explicit
// typ, ES256 only, the challenge id) and, when present, its evidence.
//
// Credentials: the API secret (`Authorization: Bearer <keyId>.<secret>`) or
// a private key registered with the service (`Authorization:
// Client-Assertion <JWT>`, a fresh ES256 assertion per call: iss = sub = the
// RP id, aud = the service's issuer, jti, 60 s of life).
import { randomUUID, type KeyObject, type webcrypto } from 'node:crypto';
import { createRemoteJWKSet, customFetch, jwtVerify, SignJWT, type JWTVerifyGetKey } from 'jose';
import { verifyEvidence, type VerifiedEvidence } from './evidence.js';
import { CardauthApiError, type Challenge, type ChallengeRequest, type ChallengeState, type Configuration, type Delivery, type ResultClaims } from './types.js';

export type Credential = { readonly apiKey: string } | { readonly rpId: string; readonly kid: string; readonly privateKey: KeyObject | webcrypto.CryptoKey };

export interface CardauthClientOptions {
  /** The service's public base URL, e.g. https://auth.example.gov.kh (also the results' `iss`). */
  readonly baseUrl: string;
  readonly credential: Credential;
  /** Your RP id (the results' `aud`); with an API key, read once from GET /v1/rp/me when not given. */
  readonly rpId?: string;
  readonly fetch?: typeof fetch;
}

export const RESULT_TYP = 'cardauth-result+jwt';

export class CardauthClient {
  private readonly base: string;
  private readonly doFetch: typeof fetch;
  private jwks: JWTVerifyGetKey | undefined;
  private rpIdKnown: string | undefined;

  constructor(private readonly opts: CardauthClientOptions) {
    this.base = opts.baseUrl.replace(/\/$/, '');
    this.doFetch = opts.fetch ?? fetch;
    this.rpIdKnown = opts.rpId ?? ('rpId' in opts.credential ? opts.credential.rpId : undefined);
  }

  private async authorization(): Promise<string> {
    const c = this.opts.credential;
    if ('apiKey' in c) return `Bearer ${c.apiKey}`;
    const jwt = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: c.kid, typ: 'JWT' })
      .setIssuer(c.rpId)
      .setSubject(c.rpId)
      .setAudience(this.base)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime('60s')
      .sign(c.privateKey);
    return `Client-Assertion ${jwt}`;
  }

  private async call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: T; headers: Headers }> {
    const res = await this.doFetch(`${this.base}${path}`, {
      method,
      headers: { authorization: await this.authorization(), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    const parsed = text === '' ? undefined : (JSON.parse(text) as unknown);
    if (res.status >= 400) {
      const p = (parsed ?? {}) as Record<string, unknown>;
      throw new CardauthApiError(res.status, String(p['code'] ?? 'unknown'), String(p['detail'] ?? p['title'] ?? `HTTP ${res.status}`), p);
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  /** The discovery document (/.well-known/cardauth-configuration). */
  async configuration(): Promise<Configuration> {
    const res = await this.doFetch(`${this.base}/.well-known/cardauth-configuration`);
    if (!res.ok) throw new CardauthApiError(res.status, 'unknown', `HTTP ${res.status}`, {});
    return (await res.json()) as Configuration;
  }

  async rpId(): Promise<string> {
    this.rpIdKnown ??= (await this.call<{ id: string }>('GET', '/v1/rp/me')).body.id;
    return this.rpIdKnown;
  }

  /**
   * POST /v1/auth/challenges. With `idempotencyKey` (give one per payment:
   * e.g. your order id) a retry after a timeout answers the same challenge
   * (`replayed` true) instead of making a second one.
   */
  async createChallenge(req: ChallengeRequest, opts: { readonly idempotencyKey?: string } = {}): Promise<Challenge & { readonly replayed: boolean }> {
    const r = await this.call<Challenge>('POST', '/v1/auth/challenges', req, opts.idempotencyKey === undefined ? {} : { 'idempotency-key': JSON.stringify(opts.idempotencyKey) });
    return { ...r.body, replayed: r.headers.get('idempotent-replayed') === 'true' };
  }

  /** GET /v1/auth/challenges/{id}, long-polling up to `waitSeconds` (≤ 25) while pending. */
  async getChallenge(id: string, opts: { readonly waitSeconds?: number } = {}): Promise<ChallengeState> {
    const q = opts.waitSeconds === undefined ? '' : `?wait=${Math.min(25, Math.max(0, Math.floor(opts.waitSeconds)))}`;
    return (await this.call<ChallengeState>('GET', `/v1/auth/challenges/${encodeURIComponent(id)}${q}`)).body;
  }

  /** Long-poll until the challenge is no longer pending, or `timeoutMs` passed (then the pending state). */
  async waitForOutcome(id: string, opts: { readonly timeoutMs?: number } = {}): Promise<ChallengeState> {
    const until = Date.now() + (opts.timeoutMs ?? 300_000);
    for (;;) {
      const left = until - Date.now();
      const s = await this.getChallenge(id, { waitSeconds: Math.max(0, Math.min(25, Math.ceil(left / 1000))) });
      if (s.status !== 'pending' || Date.now() >= until) return s;
    }
  }

  async cancelChallenge(id: string): Promise<void> {
    await this.call('DELETE', `/v1/auth/challenges/${encodeURIComponent(id)}`);
  }

  async listDeliveries(q: { readonly status?: Delivery['status']; readonly limit?: number } = {}): Promise<Delivery[]> {
    const params = new URLSearchParams();
    if (q.status) params.set('status', q.status);
    if (q.limit) params.set('limit', String(q.limit));
    const s = params.toString();
    return (await this.call<{ deliveries: Delivery[] }>('GET', `/v1/rp/webhooks/deliveries${s ? `?${s}` : ''}`)).body.deliveries;
  }

  async redeliver(deliveryId: string): Promise<Delivery> {
    return (await this.call<Delivery>('POST', `/v1/rp/webhooks/deliveries/${encodeURIComponent(deliveryId)}/redeliver`)).body;
  }

  /**
   * Verify a result (compact JWS) offline against the service's JWK Set
   * (fetched once and again for an unknown kid): ES256, typ
   * cardauth-result+jwt, iss = the base URL, aud = this RP, and — given —
   * jti = the challenge id. `atTime`: check exp at another time (a stored
   * result checked later). With `issuingCa`, the evidence is checked too
   * (and required).
   */
  async verifyResult(
    jws: string,
    opts: { readonly challengeId?: string; readonly atTime?: Date; readonly issuingCa?: import('node:crypto').X509Certificate | string | Buffer } = {},
  ): Promise<{ readonly claims: ResultClaims; readonly evidence?: VerifiedEvidence }> {
    this.jwks ??= createRemoteJWKSet(new URL(`${this.base}/.well-known/jwks.json`), { [customFetch]: (u, init) => this.doFetch(u, init) });
    const { payload } = await jwtVerify(jws, this.jwks, {
      algorithms: ['ES256'],
      typ: RESULT_TYP,
      issuer: this.base,
      audience: await this.rpId(),
      requiredClaims: ['iat', 'exp', 'jti', 'sub'],
      ...(opts.atTime === undefined ? {} : { currentDate: opts.atTime }),
    });
    const claims = payload as unknown as ResultClaims;
    if (opts.challengeId !== undefined && claims.jti !== opts.challengeId) throw new Error(`the result is for challenge ${claims.jti}, not ${opts.challengeId}`);
    if (opts.issuingCa === undefined) return { claims };
    return { claims, evidence: verifyEvidence(claims, opts.issuingCa) };
  }
}
