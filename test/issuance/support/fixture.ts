// Fixtures for the issuance tests: a real CA (pki/, encrypted-file key store)
// in a temporary directory, a firmware-sim factory and blank cards made by
// it, the real attestation verifier against the factory root, a random
// management-key master secret, and a registry (memory by default; the SQL
// tests pass theirs).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileKeyStore, initCa, manufacturerRoots, openCa, type CertificateAuthority } from '../../../pki/index.js';
import { VirtualCard, describeCard, factoryRootPem, manufactureCard } from '../../../firmware-sim/index.js';
import type { CardDescription } from '../../../firmware-sim/index.js';
import { openInProcessChannel } from '../../../src/card/in-process.js';
import type { CardChannel } from '../../../src/card/channel.js';
import { cardSerial } from '../../../src/card/piv/constants.js';
import { readCertificate } from '../../../src/card/piv/read-certificate.js';
import { PivClient } from '../../../src/card/piv/index.js';
import { pkiAttestationVerifier, pkiCertificateIssuer } from '../../../src/issuance/adapters/pki.js';
import type { EngineDeps } from '../../../src/issuance/engine/context.js';
import { deriveManagementKey, managementKeySource, memoryMasterHmac } from '../../../src/issuance/lib/diversify-management-key.js';
import type { Actor, IssuanceRegistry } from '../../../src/issuance/ports/registry.js';
import type { PinPad, PukDisplay } from '../../../src/issuance/ports/station.js';
import { MemoryIssuanceRegistry } from '../../../src/issuance/store/memory-registry.js';
import type { CardSerial } from '../../../src/issuance/types.js';
import { silentLogger } from '../../../src/util/log.js';
import { issuanceError } from '../../../src/issuance/codes.js';
import { systemClock } from '../../../src/util/clock.js';

export const PASSPHRASE = 'issuance test passphrase';
export const COUNTRY = 'LU';
export const officer: Actor = { staffId: 'officer-1', role: 'officer' };
export const supervisor: Actor = { staffId: 'supervisor-1', role: 'supervisor' };

export interface IssuanceFixture {
  readonly dir: string;
  readonly factoryDir: string;
  readonly ca: CertificateAuthority;
  readonly master: Uint8Array;
  readonly deps: EngineDeps;
  readonly registry: IssuanceRegistry;
  readonly factoryRootPem: string;
  cleanup(): Promise<void>;
}

export async function makeFixture(opts: { registry?: IssuanceRegistry; dir?: string; factoryDir?: string } = {}): Promise<IssuanceFixture> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'cardauth-issuance-'));
  const factoryDir = opts.factoryDir ?? join(dir, 'factory');
  const keyStore = FileKeyStore.open(join(dir, 'keys'), PASSPHRASE);
  try {
    await initCa({
      dataDir: dir,
      keyStore,
      config: { country: COUNTRY, organization: 'cardauth Test', baseUrl: 'http://127.0.0.1:8080', issuingCurve: 'P-256', maxCardValidityDays: 1826 },
    });
  } catch (e) {
    if ((e as { code?: string }).code !== 'ca_already_initialised') throw e;
  }
  const ca = await openCa({ dataDir: dir, keyStore });
  const rootPem = await factoryRootPem(factoryDir);
  // Kept in the fixture directory so a child process (kill test) derives the same card keys.
  const masterFile = join(dir, 'mgm-master.bin');
  if (!existsSync(masterFile)) writeFileSync(masterFile, randomBytes(32), { mode: 0o600 });
  const master = Uint8Array.from(readFileSync(masterFile));
  const registry = opts.registry ?? new MemoryIssuanceRegistry();
  const deps: EngineDeps = {
    registry,
    issuer: pkiCertificateIssuer(ca),
    attestation: pkiAttestationVerifier(manufacturerRoots([rootPem])),
    managementKeys: managementKeySource(memoryMasterHmac(master)),
    clock: systemClock,
    logger: silentLogger,
    country: COUNTRY,
  };
  return {
    dir,
    factoryDir,
    ca,
    master,
    deps,
    registry,
    factoryRootPem: rootPem,
    async cleanup() {
      await keyStore.close();
      if (opts.dir === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

let nextSerial = 10_000_000 + Math.floor(Math.random() * 1_000_000) * 10;
export function freshSerial(): CardSerial {
  nextSerial += 1;
  return cardSerial(nextSerial);
}

/** Manufacture a blank card file; returns its path and serial. */
export async function blankCard(f: IssuanceFixture, serial: CardSerial = freshSerial()): Promise<{ file: string; serial: CardSerial }> {
  const file = join(f.dir, `card-${serial}.json`);
  await manufactureCard({ serial, out: file, factoryDir: f.factoryDir });
  return { file, serial };
}

/** The F9 certificate of a card, as stock intake records it. */
export async function attestationCertOf(channel: CardChannel): Promise<Uint8Array> {
  const piv = await PivClient.open(channel);
  if (!piv.ok) throw new Error('no PIV');
  const r = await readCertificate(channel, 0xf9);
  if (!r.ok) throw new Error('no F9 certificate');
  return r.der;
}

/** Open an in-process channel on a card file (the card persists to the file). */
export async function openCard(file: string): Promise<{ card: VirtualCard; channel: CardChannel }> {
  const card = await VirtualCard.open(file);
  const channel = await openInProcessChannel(card);
  return { card, channel };
}

/** A PIN pad that types the given PINs in turn (the last one again if asked more often). */
export function scriptedPinPad(...pins: string[]): PinPad & { asked: number } {
  const pad = {
    asked: 0,
    async readNewPin() {
      const pin = pins[Math.min(pad.asked, pins.length - 1)]!;
      pad.asked++;
      return Uint8Array.from(Buffer.from(pin, 'ascii'));
    },
    async readPin() {
      return pad.readNewPin();
    },
  };
  return pad;
}

export function capturingPukDisplay(): PukDisplay & { shown: string[] } {
  const d = {
    shown: [] as string[],
    async show(puk: string) {
      d.shown.push(puk);
    },
  };
  return d;
}

export function describe(file: string): Promise<CardDescription> {
  return describeCard(file);
}

export function managementKeyOf(f: IssuanceFixture, serial: CardSerial, type: 'AES256' | 'TDES' = 'AES256'): Promise<Uint8Array> {
  return deriveManagementKey(memoryMasterHmac(f.master), serial, type);
}

/** Four-eyes approvals as the staff module grants them, for tests: approver ≠ requester, single use. */
export class TestApprovals {
  readonly granted = new Map<string, { action: string; subject: string; requester: string; approver: string; used: boolean }>();
  grant(id: string, g: { action: string; subject: string; requester: string; approver: string }): void {
    this.granted.set(id, { ...g, used: false });
  }
  async consume(use: { approvalId: string; action: string; subject: string; actor: { staffId: string } }): Promise<{ approvedBy: string }> {
    const g = this.granted.get(use.approvalId);
    if (g === undefined || g.used || g.action !== use.action || g.subject !== use.subject || g.requester !== use.actor.staffId || g.approver === g.requester) {
      throw issuanceError('lifecycle_approval_required', 'No matching approval');
    }
    g.used = true;
    return { approvedBy: g.approver };
  }
}
