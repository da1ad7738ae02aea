// Test support for the terminal client: a citizen's card personalised as the
// issuance engine does it (9A P-256 generated on the card with PIN policy
// ALWAYS, certificate from a real CA written to the card, PIN changed from
// the factory value), and an in-memory authentication server behind a fake
// `fetch` whose challenges come from src/auth/create-challenge.ts and whose
// response check rebuilds the signing input from its own record.
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { p256 } from '@noble/curves/nist.js';
import { VirtualCard, manufactureCard } from '../../firmware-sim/index.js';
import type { CertificateAuthority } from '../../pki/index.js';
import { authCodes } from '../../src/auth/codes.js';
import { createChallenge, type ChallengeRequest } from '../../src/auth/create-challenge.js';
import { type IssuedChallenge } from '../../src/auth/wire.js';
import type { AuthDeps } from '../../src/auth/deps.js';
import { signingInput } from '../../src/auth/signing-input.js';
import type { RpId } from '../../src/rp/ids.js';
import { openInProcessChannel } from '../../src/card/in-process.js';
import { PivClient } from '../../src/card/piv/client.js';
import { factoryDefaults, pivKeySlots } from '../../src/card/piv/constants.js';
import { MemoryStore } from '../../src/store/memory.js';
import { systemClock } from '../../src/util/clock.js';
import { makeCa, type TestCa } from '../auth/support/fixture.js';

export const CITIZEN_PIN = '482915';

let nextSerial = 61_000_000 + Math.floor(Math.random() * 1_000_000);
let nextNid = 300_000_000 + Math.floor(Math.random() * 100_000_000);

export interface CitizenCard {
  readonly file: string;
  readonly card: VirtualCard;
  readonly certificateDer: Uint8Array;
  /** The certificate serial as the CA reports it (registry key). */
  readonly serialHex: string;
  readonly serial: number;
  readonly nationalId: string;
}

export interface CardFactory {
  readonly dir: string;
  /** A personalised citizen card (in memory, powered off, ready to insert). */
  citizenCard(opts?: { pin?: string }): Promise<CitizenCard>;
  /** A blank card straight from the simulated factory (no 9A key, no certificate). */
  blankCard(): Promise<VirtualCard>;
  cleanup(): void;
}

/**
 * In the enclosing mocha `describe`: a test CA and a card factory over it,
 * made once before its tests and removed after them; `set` receives the factory.
 */
export function useCardFactory(set: (cards: CardFactory) => void): void {
  let ca: TestCa | undefined;
  let cards: CardFactory | undefined;
  before(async () => {
    ca = await makeCa();
    cards = cardFactory(ca.ca);
    set(cards);
  });
  after(async () => {
    cards?.cleanup();
    await ca?.cleanup();
  });
}

export function cardFactory(ca: CertificateAuthority): CardFactory {
  const dir = mkdtempSync(join(tmpdir(), 'cardauth-terminal-'));
  const factoryDir = join(dir, 'factory');
  const blankFile = async (): Promise<{ file: string; serial: number }> => {
    const serial = nextSerial++;
    const file = join(dir, `card-${serial}.card`);
    await manufactureCard({ serial, out: file, factoryDir });
    return { file, serial };
  };
  return {
    dir,
    async blankCard() {
      return VirtualCard.open((await blankFile()).file);
    },
    async citizenCard(opts = {}) {
      const { file, serial } = await blankFile();
      const card = await VirtualCard.open(file);
      const channel = await openInProcessChannel(card);
      try {
        const opened = await PivClient.open(channel);
        if (!opened.ok) throw new Error('no PIV application on a blank card');
        const piv = opened.client;
        const auth = await piv.authenticateManagementKey(factoryDefaults.managementKey(), 'TDES');
        if (!auth.ok) throw new Error(`management key refused: ${auth.reason}`);
        const gen = await piv.generateKey(pivKeySlots.AUTHENTICATION, 'ECCP256', { pinPolicy: 'always', touchPolicy: 'never' });
        if (!gen.ok) throw new Error(`key generation refused: ${gen.reason}`);
        const nationalId = String(nextNid++);
        const cert = await ca.issueCardCertificate({
          publicKey: gen.publicKey,
          profile: 'card-auth',
          subject: { country: 'KH', surname: 'SOK', givenName: 'Dara', nationalId },
          notAfter: new Date(Date.now() + 2 * 365 * 86_400_000),
        });
        const w = await piv.writeCertificate(pivKeySlots.AUTHENTICATION, cert.der);
        if (!w.ok) throw new Error(`certificate write refused: ${w.reason}`);
        const c = await piv.changePin(factoryDefaults.pin, opts.pin ?? CITIZEN_PIN);
        if (!c.ok) throw new Error(`PIN change refused: ${c.reason}`);
        return { file, card, certificateDer: new Uint8Array(cert.der), serialHex: cert.serialHex, serial, nationalId };
      } finally {
        await channel.close();
      }
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface FakeRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export type FakeMode =
  | { readonly kind: 'normal' }
  | { readonly kind: 'refuse'; readonly status: number; readonly code: string }
  | { readonly kind: 'down' }
  | { readonly kind: 'network' };

/** The in-memory authentication server. */
export interface FakeServer {
  readonly url: string;
  readonly credential: string;
  readonly rpId: RpId;
  readonly fetch: typeof fetch;
  readonly requests: FakeRequest[];
  mode: FakeMode;
  create(req: ChallengeRequest): Promise<IssuedChallenge>;
  /** DELETE /v1/auth/challenges/{id} as the RP back end sends it: GET then reports it failed, a response is refused. */
  cancel(id: string): void;
  /** Responses the server accepted, by challenge id. */
  readonly accepted: Map<string, { certificate: Buffer; signature: Buffer; triesLeft: number | undefined }>;
}

export function fakeServer(): FakeServer {
  const rpId = 'rp_terminaltest' as RpId;
  const store = new MemoryStore();
  // createChallenge uses the store, the clock and the lifetimes only.
  const deps = { store, clock: systemClock, challengeTtlSeconds: 120 } as unknown as AuthDeps;
  const issued = new Map<string, IssuedChallenge>();
  const requests: FakeRequest[] = [];
  const accepted: FakeServer['accepted'] = new Map();
  const cancelled = new Set<string>();
  const problem = (status: number, code: string, title = code.replace(/_/g, ' ')) =>
    new Response(JSON.stringify({ type: 'about:blank', title, status, code }), {
      status,
      headers: { 'content-type': 'application/problem+json' },
    });
  const server: FakeServer = {
    url: 'http://cardauth.test',
    credential: 'ck_test.secret-value-of-the-rp',
    rpId,
    requests,
    accepted,
    mode: { kind: 'normal' },
    async create(req) {
      const ch = await createChallenge(deps, { rpId, ekycAttributes: ['givenName', 'surname'], hasEkycScope: true }, req);
      issued.set(ch.id, ch);
      return ch;
    },
    cancel(id) {
      cancelled.add(id);
    },
    fetch: (async (resource: string | URL | Request, init?: RequestInit) => {
      const url = new URL(String(resource));
      const headers = Object.fromEntries(new Headers(init?.headers).entries());
      const body = typeof init?.body === 'string' ? init.body : '';
      requests.push({ method: init?.method ?? 'GET', url: url.pathname, headers, body });
      const mode = server.mode;
      if (mode.kind === 'network') throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
      if (mode.kind === 'down') return problem(503, 'unavailable');
      if (headers.authorization !== `Bearer ${server.credential}`) return problem(401, 'unauthorized');
      const get = /^\/v1\/auth\/challenges\/([^/]+)$/.exec(url.pathname);
      if (get && (init?.method ?? 'GET') === 'GET') {
        const ch = issued.get(decodeURIComponent(get[1]!));
        if (!ch) return problem(404, 'challenge_not_found');
        if (accepted.has(ch.id)) return Response.json({ status: 'completed', result: 'x', claims: {} });
        if (cancelled.has(ch.id)) return Response.json({ status: 'failed', code: 'challenge_cancelled' });
        return Response.json({ status: 'pending', expiresAt: ch.expiresAt, challenge: ch });
      }
      const post = /^\/v1\/auth\/challenges\/([^/]+)\/response$/.exec(url.pathname);
      if (!post || init?.method !== 'POST') return problem(404, 'not_found');
      if (mode.kind === 'refuse') return problem(mode.status, mode.code);
      const ch = issued.get(decodeURIComponent(post[1]!));
      if (!ch) return problem(404, 'challenge_not_found');
      if (accepted.has(ch.id)) return problem(409, 'challenge_used');
      // As the service answers it (src/auth/codes.ts).
      if (cancelled.has(ch.id)) return problem(409, 'challenge_cancelled', authCodes.challenge_cancelled.title);
      const unverified = JSON.parse(body) as { terminalId: string; certificate: string; signature: string; triesLeft?: number };
      if (unverified.terminalId !== ch.terminalId) return problem(403, 'challenge_terminal_mismatch');
      // The server's own record, never what the client sent.
      const input = signingInput({ rpId: ch.rpId, nonce: Buffer.from(ch.nonce, 'base64url'), terminalId: ch.terminalId, transaction: ch.transaction });
      const certificate = Buffer.from(unverified.certificate, 'base64');
      const signature = Buffer.from(unverified.signature, 'base64');
      const jwk = new X509Certificate(certificate).publicKey.export({ format: 'jwk' });
      const point = Buffer.concat([Buffer.of(4), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
      if (!p256.verify(signature, input, point, { prehash: false, format: 'der', lowS: false })) return problem(401, 'authentication_failed');
      accepted.set(ch.id, { certificate, signature, triesLeft: unverified.triesLeft });
      const claims = {
        jti: ch.id,
        aud: rpId,
        terminal_id: ch.terminalId,
        txn: ch.transaction,
        cert_sha256: createHash('sha256').update(certificate).digest('hex'),
        pinVerified: 'on-card',
      };
      return Response.json({ result: `eyJhbGciOiJFUzI1NiJ9.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`, claims });
    }) as typeof fetch,
  };
  return server;
}
