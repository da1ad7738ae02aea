// What the issuance commands (enrol, issue, card) work with: the registry,
// the engine's dependencies, the signed-in staff member, and the station's
// PC/SC readers. openIssuanceStation builds it from the environment (the
// station's composition); tests hand in their own.
//
// Environment (in addition to the service's: CARDAUTH_DATA_DIR, DATABASE_URL,
// REDIS_URL, CARDAUTH_KEY_STORE / CARDAUTH_KEY_PASSPHRASE(_FILE)):
//   Staff, one of (./staff-sign-in.ts):
//   - CARDAUTH_STAFF_TOKEN: a session token from `cardauth staff login` (kept
//     in Redis with REDIS_URL, else in the registry) or, with REDIS_URL, from
//     POST /v1/staff/login.
//   - CARDAUTH_STAFF_USER with CARDAUTH_STAFF_PASSWORD_FILE: the command signs
//     in itself (argon2id, rate-limited like any login). Never a password in
//     an argument or a variable.
//   CARDAUTH_MANUFACTURER_ROOTS: PEM files (separated by ':') of the card
//     manufacturers' attestation roots; Yubico's PIV root is always trusted.
// The management-key master secret: <data-dir>/keys/mgm-master.json, sealed
// with the key-store passphrase (created at first use).
import { join } from 'node:path';
import { openCa, openKeyStore, readPassphrase } from '../../../pki/index.js';
import type { CardChannel } from '../../card/channel.js';
import { PcscReaders } from '../../card/pcsc/readers.js';
import { loadConfig } from '../../config.js';
import { manufacturerRootsFromEnv } from '../../issuance/adapters/manufacturer-roots.js';
import { openMasterSecretFile } from '../../issuance/adapters/master-secret-file.js';
import { pkiAttestationVerifier, pkiCertificateIssuer } from '../../issuance/adapters/pki.js';
import type { EngineDeps } from '../../issuance/engine/context.js';
import { managementKeySource, memoryMasterHmac } from '../../issuance/lib/diversify-management-key.js';
import type { ApprovalGate } from '../../issuance/ports/approvals.js';
import type { Actor, IssuanceRegistry } from '../../issuance/ports/registry.js';
import { localCardholder } from '../../issuance/cardholder/local.js';
import type { CardholderSteps } from '../../issuance/ports/cardholder.js';
import type { PinPad, PukDisplay } from '../../issuance/ports/station.js';
import { stationPinPadFor } from '../../issuance/pin-pad/station-pin-pad.js';
import { sqlIssuanceRegistry } from '../../issuance/store/sql-registry.js';
import { openDatabase } from '../../registry/open-database.js';
import { staffApprovalGate } from '../../staff/index.js';
import { systemClock } from '../../util/clock.js';
import { createLogger } from '../../util/log.js';
import { CliError, type CliIo } from '../io.js';
import { openStaff } from './registry-env.js';
import { staffFromEnv } from './staff-sign-in.js';

export interface IssuanceStation {
  readonly registry: IssuanceRegistry;
  readonly engineDeps: EngineDeps;
  readonly approvals: ApprovalGate;
  readonly actor: Actor;
  /** Connect to the card in the named reader of this station. */
  connect(readerName: string): Promise<CardChannel>;
  close(): Promise<void>;
}

export type OpenStation = (io: CliIo) => Promise<IssuanceStation>;

export function pinPadFor(io: CliIo): PinPad {
  return stationPinPadFor(io.stdin as never, io.stderr);
}

/** The PIN and PUK steps at this station: its PIN pad and PUK display over the card's channel. */
export function cardholderAt(io: CliIo, channel: CardChannel, pukDisplay: PukDisplay): CardholderSteps {
  return localCardholder(channel, pinPadFor(io), pukDisplay);
}


export const openIssuanceStation: OpenStation = async (io) => {
  const env = io.env;
  const token = env['CARDAUTH_STAFF_TOKEN'];
  const user = env['CARDAUTH_STAFF_USER'];
  if (!token && !user) {
    throw new CliError('sign in first: set CARDAUTH_STAFF_TOKEN (with REDIS_URL), or CARDAUTH_STAFF_USER and CARDAUTH_STAFF_PASSWORD_FILE', 'staff_credentials_missing', 2);
  }
  const closers: Array<() => Promise<void>> = [];
  const close = async (): Promise<void> => {
    for (const c of closers.reverse()) await c().catch(() => undefined);
  };
  try {
    const config = loadConfig(env);
    const db = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
    closers.push(() => db.close());
    // Sessions and sign-in limits where `cardauth staff` keeps them: Redis, else the registry.
    const staffStore = await openStaff(io, db);
    closers.push(() => staffStore.close());
    const staff = staffStore.deps;
    const actor: Actor = await staffFromEnv(env, staff);
    const keyStore = openKeyStore(config.dataDir, env);
    closers.push(() => keyStore.close());
    const ca = await openCa({ dataDir: config.dataDir, keyStore });
    const master = openMasterSecretFile(join(config.dataDir, 'keys', 'mgm-master.json'), readPassphrase(env));
    const hmac = memoryMasterHmac(master);
    master.fill(0);
    const roots = manufacturerRootsFromEnv(env);
    const registry = sqlIssuanceRegistry(db);
    let readers: PcscReaders | undefined;
    closers.push(async () => readers?.close());
    return {
      registry,
      actor,
      approvals: staffApprovalGate(staff),
      engineDeps: {
        registry,
        issuer: pkiCertificateIssuer(ca),
        attestation: pkiAttestationVerifier(roots),
        managementKeys: managementKeySource(hmac),
        clock: systemClock,
        logger: createLogger({ level: config.logLevel }),
        country: ca.config.country,
      },
      async connect(readerName) {
        readers ??= await PcscReaders.open();
        return readers.connect(readerName);
      },
      close,
    };
  } catch (e) {
    await close();
    if (e instanceof CliError) throw e;
    // Staff, registry and CA failures carry a stable code and a public message.
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && e instanceof Error) throw new CliError(e.message, code, 1);
    throw e;
  }
};
