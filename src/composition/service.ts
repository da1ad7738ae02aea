// The composition root of the HTTP service: builds the real adapters
// (PostgreSQL or PGlite, Redis or the in-process store, the CA over its key
// store) and hands the domain modules their ports. Nothing else in src/ picks
// an implementation.
import { join } from 'node:path';
import {
  addTsa,
  createCrlPublisher,
  defaultCaConfig,
  initCa,
  isPkiError,
  readPassphrase,
  openCa,
  openKeyStore,
  type CertificateAuthority,
  type KeyStore,
} from '../../pki/index.js';
import { watchResultKeys } from '../auth/adapters/result-keys.js';
import { assembleAuth } from './auth.js';
import { startWebhookDispatcher } from '../webhooks/dispatcher.js';
import { outboxOutcomeEvents } from '../webhooks/outcome-events.js';
import { webhookRoutes } from '../http/routes/webhooks.js';
import { rpAdminRoutes } from '../http/routes/rp-admin.js';
import { caLifetimeGauges, caLifetimeHelp, ocspResponderReadiness } from './ca-lifetimes.js';
import { ocspRenewalAudit } from './ocsp-renewal-audit.js';
import { watchOcspResponder } from './watch-ocsp-responder.js';
import { createPeppers, loadPeppers, pepperPath } from '../rp/pepper.js';
import { assembleConsole } from './console.js';
import { countAuthOutcomes } from './count-auth-outcomes.js';
import { createSignRouteSet } from '../http/routes/sign.js';
import type { Config } from '../config.js';
import { errorRegistry } from './error-registry.js';
import { openApiCatalogue } from './error-catalogue.js';
import { createApp, type HttpApp } from '../http/app.js';
import { HttpMetrics } from '../http/metrics.js';
import { clientAddressOf, parseTrustedProxies } from '../http/client-address.js';
import type { AnyRoute } from '../http/route.js';
import { documentationRoutes } from '../http/routes/documentation.js';
import { issuanceRoutes } from '../http/routes/issuance.js';
import { stationRoutes } from '../http/routes/stations.js';
import { operationsRoutes } from '../http/routes/operations.js';
import { pkiRoutes } from '../http/routes/pki.js';
import { staffRoutes } from '../http/routes/staff.js';
import { SANDBOX_CA_ORGANIZATION, checkSandboxRule, sandboxRequested } from '../sandbox/sandbox-ca.js';
import { registryRevokedList, registryStatusLookup } from '../issuance/adapters/cert-status.js';
import { manufacturerRootsFromEnv } from '../issuance/adapters/manufacturer-roots.js';
import { openMasterSecretFile } from '../issuance/adapters/master-secret-file.js';
import { pkiAttestationVerifier, pkiCertificateIssuer } from '../issuance/adapters/pki.js';
import { lazyMasterHmac, managementKeySource } from '../issuance/lib/diversify-management-key.js';
import { stationUpgradeHandler } from '../station/adapters/ws-server.js';
import { StationHub } from '../station/hub.js';
import { JobEvents } from '../station/jobs/job-events.js';
import { stationJobView } from '../station/jobs/job-view.js';
import { createStationJobs } from '../station/jobs/run-station-job.js';
import { sqlIssuanceRegistry } from '../issuance/store/sql-registry.js';
import { migrate } from '../registry/migrate.js';
import { openDatabase } from '../registry/open-database.js';
import { SqlCrlNumber } from '../registry/repos/crl-number.js';
import type { Database } from '../registry/sql.js';
import { watchStatusEpoch } from '../registry/status-epoch.js';
import { staffSessionAuth } from '../http/staff-auth.js';
import { staffApprovalGate, staffDeps } from '../staff/index.js';
import type { EphemeralStore } from '../store/ephemeral.js';
import { MemoryStore } from '../store/memory.js';
import { openRedisStore } from '../store/redis.js';
import { systemClock, type Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';

export interface Service {
  readonly app: HttpApp;
  readonly ca: CertificateAuthority;
  readonly db: Database;
  readonly store: EphemeralStore;
  /** This process's request figures (served on the metrics listener by `serve`). */
  readonly metrics: HttpMetrics;
  close(): Promise<void>;
}

export interface ServiceOptions {
  readonly config: Config;
  readonly env: NodeJS.ProcessEnv;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** Create the CA hierarchy when the data directory has none (the embedded default). */
  readonly initCaIfMissing?: boolean;
}

async function openOrInitCa(opts: ServiceOptions, keyStore: KeyStore, db: Database): Promise<CertificateAuthority> {
  const { config, logger } = opts;
  const crlNumbers = new SqlCrlNumber(db);
  try {
    const ca = await openCa({ dataDir: config.dataDir, keyStore, crlNumbers });
    if (ca.tsa !== undefined || !opts.initCaIfMissing) return ca;
    // A data directory made before the CA had a timestamping authority.
    await addTsa({ dataDir: config.dataDir, keyStore });
    return await openCa({ dataDir: config.dataDir, keyStore, crlNumbers });
  } catch (err) {
    if (!opts.initCaIfMissing || !isPkiError(err, 'ca_not_initialised')) throw err;
  }
  // First start: this process initialises the data directory. The RP pepper
  // first, so that a start interrupted before the CA is complete finds it on
  // the next try (kept, never replaced); every later start only loads it.
  if (createPeppers(pepperPath(config.dataDir)).created) logger.info('relying-party pepper created', { file: pepperPath(config.dataDir) });
  await initCa({
    dataDir: config.dataDir,
    keyStore,
    config: {
      ...defaultCaConfig,
      country: config.country,
      // A sandbox's CA says so in every certificate it makes (src/sandbox/sandbox-ca.ts).
      organization: sandboxRequested(opts.env) ? SANDBOX_CA_ORGANIZATION : (opts.env.CARDAUTH_CA_ORGANIZATION ?? 'cardauth National ID'),
      baseUrl: config.baseUrl,
    },
  });
  const ca = await openCa({ dataDir: config.dataDir, keyStore, crlNumbers });
  logger.info('certificate authority created', { root: ca.root.x509.subject, fingerprint256: ca.root.x509.fingerprint256 });
  return ca;
}

/** How often a process sharing PostgreSQL looks for status changes made elsewhere. */
const STATUS_POLL_MS = 1000;
/** How often a process looks for a result-key rotation (`cardauth ca rotate-result-key`, any process). */
const RESULT_KEYS_POLL_MS = 1000;
/** How often a process checks its OCSP responder certificate (renewal window, another process's renewal). */
const OCSP_RESPONDER_CHECK_MS = 60_000;

export async function buildService(opts: ServiceOptions): Promise<Service> {
  const { config, logger } = opts;
  const clock = opts.clock ?? systemClock;
  const now = (): Date => clock.now();
  const closers: Array<() => Promise<void>> = [];
  const close = async (): Promise<void> => {
    for (const c of closers.reverse()) await c().catch((err) => logger.warn('close failed', { err }));
  };
  try {
    const db = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, timeoutMs: config.dbTimeoutMs });
    closers.push(() => db.close());
    const migrated = await migrate(db);
    logger.info('registry ready', { kind: db.kind, migrations: migrated });

    const keyStore = openKeyStore(config.dataDir, opts.env);
    closers.push(() => keyStore.close());
    const ca = await openOrInitCa(opts, keyStore, db);
    // Test material never serves as production, nor the reverse.
    const sandbox = checkSandboxRule(ca.root, opts.env);
    if (sandbox) logger.warn('SANDBOX service: test CA and test cards, results marked "sandbox": true; not for production');
    // The delegated OCSP responder certificate lives a year: renewed here in
    // time (same key, audited), taken up when another process renewed it.
    const ocspWatch = await watchOcspResponder({
      ca,
      audit: ocspRenewalAudit(db, { actor: 'system', via: 'service' }),
      clock,
      log: logger,
      intervalMs: OCSP_RESPONDER_CHECK_MS,
    });
    closers.push(async () => ocspWatch.stop());

    const store: EphemeralStore = config.redisUrl
      ? await openRedisStore({ url: config.redisUrl, onError: (err) => logger.warn('redis connection error', { err }) })
      : new MemoryStore(clock);
    closers.push(() => store.close());

    const registry = sqlIssuanceRegistry(db);
    const ocsp = ca.createOcspResponder({ status: registryStatusLookup(registry) });
    const crl = createCrlPublisher({ createCrl: (o) => ca.createCrl(o), entries: registryRevokedList(registry, now), now });
    // Status changes made by this process show at once in its OCSP and CRL.
    const publication = {
      invalidate(): void {
        ocsp.invalidate();
        crl.invalidate();
      },
    };
    // Changes made by other processes sharing PostgreSQL (other workers,
    // staff tooling) show within a second (migration 023's status epoch).
    if (db.kind === 'postgres') {
      const watch = watchStatusEpoch(db, {
        intervalMs: STATUS_POLL_MS,
        onChange: () => publication.invalidate(),
        onError: (err) => logger.warn('status epoch poll failed', { err }),
      });
      closers.push(async () => watch.stop());
    }

    // Results are signed with the key set's current key and the JWKS lists
    // the previous ones until their publication ends; a rotation shows in
    // every process sharing the data directory within a second.
    const resultKeys = await watchResultKeys({
      read: () => ca.resultKeySet(),
      clock,
      intervalMs: RESULT_KEYS_POLL_MS,
      onError: (err) => logger.warn('result-key set could not be read; still signing with the previous set', { err }),
      onChange: (keys) => logger.info('result-signing keys changed', { kid: keys.current.kid, published: keys.published.map((k) => k.kid) }),
    });
    closers.push(async () => resultKeys.stop());

    const staff = staffDeps({ sql: db, store, clock });
    // Webhooks: outcomes and card status changes go to the outbox; this
    // process's dispatcher sends what is due (every process runs one; they
    // share the outbox without sending a claim twice).
    const peppers = loadPeppers(pepperPath(config.dataDir));
    const dispatcher = startWebhookDispatcher({
      sql: db,
      sealKey: peppers.webhookSeal,
      clock,
      log: logger,
      ...(config.webhookRetryMs === undefined ? {} : { retryScheduleMs: config.webhookRetryMs }),
    });
    closers.push(() => dispatcher.stop());
    const events = outboxOutcomeEvents({ sql: db, now: () => clock.now().getTime(), written: () => dispatcher.wake() });
    const auth = await assembleAuth({
      sql: db,
      store,
      ca,
      dataDir: config.dataDir,
      issuer: config.baseUrl,
      challengeTtlSeconds: config.challengeTtlSeconds,
      log: logger,
      clock,
      resultKeys,
      sandbox,
      ocsp,
      events,
    });

    // Thin issuance stations (docs/stations.md): the engine runs here, with the
    // CA, the management-key master secret (opened at first use) and the
    // registry; stations connect in and relay the card traffic of its jobs.
    const stationPepper = peppers.apiSecret;
    const stationHub = new StationHub({ sql: db, pepper: stationPepper, clock, log: logger });
    const stationUpgrade = stationUpgradeHandler(stationHub, logger);
    closers.push(async () => stationUpgrade.close());
    const jobEvents = new JobEvents();
    const approvals = staffApprovalGate(staff);
    const stationJobs = createStationJobs({
      hub: stationHub,
      sql: db,
      approvals,
      events: jobEvents,
      log: logger,
      engine: {
        registry,
        issuer: pkiCertificateIssuer(ca),
        attestation: pkiAttestationVerifier(manufacturerRootsFromEnv(opts.env)),
        managementKeys: managementKeySource(lazyMasterHmac(() => openMasterSecretFile(join(config.dataDir, 'keys', 'mgm-master.json'), readPassphrase(opts.env)))),
        clock,
        logger,
        country: ca.config.country,
        publication,
      },
    });

    const staffConsole = assembleConsole({ sql: db, store, clock, staff, apiPepper: auth.deps.peppers.apiSecret, baseUrl: config.baseUrl, logger });
    const metrics = new HttpMetrics();
    metrics.addGauges(caLifetimeHelp, async () => caLifetimeGauges(await ca.health(clock.now())));
    // Every route the service serves, in one list.
    const routes: AnyRoute[] = [
      ...pkiRoutes({ root: ca.root, issuing: ca.issuing, crl, ocsp }),
      ...countAuthOutcomes(auth.routes, { store, clock, logger }),
      ...createSignRouteSet({ sql: db, store, ca, authenticator: auth.authenticator, requestTtlSeconds: config.challengeTtlSeconds, log: logger, clock }).routes,
      ...webhookRoutes({ authenticator: auth.authenticator, store, sql: db, clock, wake: () => dispatcher.wake() }),
      ...staffRoutes({ staff, clientAddress: clientAddressOf(config.trustedProxies ? parseTrustedProxies(config.trustedProxies) : undefined), baseUrl: config.baseUrl }),
      ...rpAdminRoutes({
        sql: db,
        auth: staffSessionAuth(staff, 'rp.manage'),
        sealKey: peppers.webhookSeal,
        clock,
        changed: () => {
          auth.authenticator.invalidate();
          events.forget();
        },
      }),
      ...issuanceRoutes({
        registry,
        clock,
        country: config.country,
        approvals,
        auth: staffSessionAuth(staff),
        publication,
        stationJobView: (id) => stationJobView({ sql: db, registry, events: jobEvents }, id),
      }),
      ...stationRoutes({ sql: db, hub: stationHub, jobs: stationJobs, events: jobEvents, registry, pepper: stationPepper, clock, auth: staffSessionAuth(staff) }),
      ...operationsRoutes({
        readiness: {
          registry: async () => (await db.query('SELECT 1 AS ok')).length === 1,
          store: () => store.ping(),
          // Not ready while the responder certificate is expired or in its last days.
          ocspResponder: ocspResponderReadiness(ca, clock),
        },
      }),
      ...staffConsole.routes,
      ...documentationRoutes({ routes: () => routes, errorCodes: errorRegistry, catalogue: openApiCatalogue() }),
    ];

    const app = createApp({ routes, logger, errorCodes: errorRegistry, metrics, hsts: config.baseUrl.startsWith('https:'), upgrade: stationUpgrade, mounts: [staffConsole.mount] });
    return { app, ca, db, store, metrics, close };
  } catch (err) {
    await close();
    throw err;
  }
}
