// Assembles card + PIN authentication from the real pieces: the CA (verifier
// roots, the result-signing key from its key store), the registry (RP
// credentials and card status), the ephemeral store, and the pepper file in
// the data directory; returns the routes the service mounts.
import type { CertificateAuthority, OcspResponder } from '../../pki/index.js';
import { responderEvidence } from '../auth/adapters/ocsp-evidence.js';
import { pkiCardVerifier } from '../auth/adapters/pki-verifier.js';
import { OutcomeSignal } from '../auth/lib/outcome-signal.js';
import { registryCardStatus } from '../auth/adapters/registry-status.js';
import { resultKeys, signerFromKeyStore, type LiveResultKeys } from '../auth/adapters/result-keys.js';
import type { AuthDeps } from '../auth/deps.js';
import type { OutcomeEvents } from '../auth/ports.js';
import { webhookEventTypes } from '../webhooks/events.js';
import type { AnyRoute } from '../http/route.js';
import { authRoutes } from '../http/routes/auth.js';
import { jwksRoutes } from '../http/routes/jwks.js';
import { rpRoutes } from '../http/routes/rp.js';
import { terminalRoutes } from '../http/routes/terminal.js';
import { discoveryRoutes, RP_AUTH_METHODS } from '../http/routes/discovery.js';
import type { Sql } from '../registry/sql.js';
import { createRpAuthenticator, type RpAuthenticator } from '../rp/authenticate.js';
import { loadPeppers, pepperPath } from '../rp/pepper.js';
import type { EphemeralStore } from '../store/ephemeral.js';
import { systemClock, type Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';

export interface AuthAssembly {
  readonly routes: AnyRoute[];
  readonly deps: AuthDeps;
  readonly authenticator: RpAuthenticator;
}

export async function assembleAuth(opts: {
  readonly sql: Sql;
  readonly store: EphemeralStore;
  readonly ca: CertificateAuthority;
  readonly dataDir: string;
  /** Public base URL: the `iss` of results. */
  readonly issuer: string;
  readonly challengeTtlSeconds: number;
  readonly log: Logger;
  readonly clock?: Clock;
  /**
   * The result-signing keys following rotations (watchResultKeys over
   * `ca.resultKeySet()`; the caller stops it). Without it: the CA's current
   * key as of now, for good.
   */
  readonly resultKeys?: Pick<LiveResultKeys, 'keys' | 'refresh'>;
  /** A sandbox service: results carry `"sandbox": true` (src/sandbox/sandbox-ca.ts). */
  readonly sandbox?: boolean;
  /** The service's OCSP responder: with it, challenges may ask for evidence (a fresh OCSP response in the result). */
  readonly ocsp?: Pick<OcspResponder, 'respond'>;
  /** Webhook events of outcomes (src/webhooks/outcome-events.ts). */
  readonly events?: OutcomeEvents;
}): Promise<AuthAssembly> {
  const clock = opts.clock ?? systemClock;
  const peppers = loadPeppers(pepperPath(opts.dataDir));
  const keys = opts.resultKeys?.keys ?? resultKeys(signerFromKeyStore(await opts.ca.resultSigner()));
  const deps: AuthDeps = {
    store: opts.store,
    verifier: pkiCardVerifier({ root: opts.ca.root, issuing: opts.ca.issuing }),
    status: registryCardStatus(opts.sql),
    keys,
    ...(opts.ocsp === undefined ? {} : { evidenceOcsp: responderEvidence({ issuing: opts.ca.issuing, responder: opts.ocsp }) }),
    ...(opts.events === undefined ? {} : { events: opts.events }),
    peppers,
    clock,
    log: opts.log,
    issuer: opts.issuer,
    challengeTtlSeconds: opts.challengeTtlSeconds,
    ...(opts.sandbox === true ? { sandbox: true } : {}),
    outcomeSignal: new OutcomeSignal(),
  };
  const authenticator = createRpAuthenticator({ sql: opts.sql, apiPepper: peppers.apiSecret, clock, log: opts.log, assertions: { store: opts.store, audience: opts.issuer } });
  const routeDeps = { auth: deps, authenticator, store: opts.store };
  const routes = [
    ...authRoutes(routeDeps),
    ...terminalRoutes(routeDeps),
    ...rpRoutes(routeDeps),
    ...jwksRoutes({ keys, refresh: opts.resultKeys?.refresh }),
    ...discoveryRoutes({ auth: deps, authMethods: RP_AUTH_METHODS, ...(opts.events === undefined ? {} : { webhookEvents: webhookEventTypes }) }),
  ];
  return { routes, deps, authenticator };
}
