// Keeps the delegated OCSP responder certificate (RFC 6960 §4.2.2.2) valid:
// takes up a certificate another process has renewed (ocsp.crt, shared by
// every process of a data directory), and re-certifies the responder key once
// the certificate is inside its renewal window (ocsp-responder-lifetime.ts),
// or when asked to (`cardauth ca renew-ocsp`). The key stays in the key store
// (file or HSM); only the certificate is new, signed by the issuing CA.
//
// One renewal at a time across processes: an O_EXCL lock file next to
// ocsp.crt; a lock older than STALE_LOCK_MS is a crashed renewal and is
// cleared, since nobody would be there to clear it before the certificate
// runs out. Under the lock the file is read again, so a certificate another
// process has just renewed is taken up, not renewed a second time.
// The new certificate goes to a temporary file; the caller's audit sink, if it
// has one, records the renewal; only then is the file renamed over ocsp.crt.
// A failed audit leaves the old certificate in place (and is retried on the
// next round: renewal starts weeks before the end).
import { closeSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { PkiError } from '../errors.js';
import type { Signer } from '../keystore/key-store.js';
import { derToPem } from '../lib/pem.js';
import { serialHex } from '../lib/serial.js';
import { spkiDer } from '../lib/spki.js';
import type { CertSerialHex } from '../types.js';
import { loadCaCertificate, type CaCertificate } from './ca-certificate.js';
import { certifyOcspResponder } from './certify-ocsp-responder.js';
import { pkiDir, pkiFiles } from './files.js';
import { ocspResponderStateAt } from './ocsp-responder-lifetime.js';

const STALE_LOCK_MS = 10 * 60_000;

export type OcspRenewalTrigger = 'automatic' | 'manual';

/** What an audit entry of a renewal records (no secret: certificates are public). */
export interface OcspRenewalEvent {
  readonly trigger: OcspRenewalTrigger;
  readonly serialHex: CertSerialHex;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly previousSerialHex: CertSerialHex;
  readonly previousNotAfter: Date;
}

/** Records a renewal before it takes effect; a rejection cancels the renewal. */
export type OcspRenewalAudit = (event: OcspRenewalEvent) => Promise<void>;

export interface OcspMaintenance {
  /** none: nothing to do; adopted: another process's renewal taken up; renewed: certified here; busy: a renewal runs elsewhere. */
  readonly action: 'none' | 'adopted' | 'renewed' | 'busy';
  readonly certificate: CaCertificate;
}

export interface MaintainOcspResponderInput {
  readonly dataDir: string;
  readonly issuing: CaCertificate;
  readonly issuingSigner: Signer;
  readonly responderSigner: Signer;
  /** The certificate this process signs with now. */
  readonly current: CaCertificate;
  readonly now: Date;
  /** Renew even outside the renewal window (`cardauth ca renew-ocsp`). */
  readonly force?: boolean;
  readonly trigger: OcspRenewalTrigger;
  readonly audit?: OcspRenewalAudit;
}

function ocspFile(dataDir: string): string {
  return join(pkiDir(dataDir), pkiFiles.ocsp);
}

/** ocsp.crt as it is on disk, if it is a responder certificate of this CA for this key; else undefined. */
function readUsable(input: MaintainOcspResponderInput): CaCertificate | undefined {
  let cert: CaCertificate;
  try {
    cert = loadCaCertificate(readFileSync(ocspFile(input.dataDir), 'utf8'), 'OCSP responder');
  } catch {
    return undefined;
  }
  const ours =
    cert.x509.checkIssued(input.issuing.x509) &&
    cert.x509.verify(input.issuing.x509.publicKey) &&
    spkiDer(cert.x509.publicKey).equals(spkiDer(input.responderSigner.publicKey));
  return ours ? cert : undefined;
}

function takeLock(dataDir: string): (() => void) | undefined {
  const file = `${ocspFile(dataDir)}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      try {
        writeSync(fd, `${process.pid} ${new Date().toISOString()}\n`);
      } finally {
        closeSync(fd);
      }
      return () => rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new PkiError('ca_state_corrupt', `cannot create ${file}`, { cause: err });
      let age: number;
      try {
        age = Date.now() - statSync(file).mtimeMs;
      } catch {
        continue; // released meanwhile: try again
      }
      if (age < STALE_LOCK_MS) return undefined;
      rmSync(file, { force: true });
    }
  }
  return undefined;
}

/** Whether `cert` needs no renewal at `now`. */
function fine(cert: CaCertificate, now: Date): boolean {
  return ocspResponderStateAt(cert, now) === 'valid';
}

export async function maintainOcspResponder(input: MaintainOcspResponderInput): Promise<OcspMaintenance> {
  const { current, now } = input;
  const onDisk = readUsable(input);
  const newer = onDisk !== undefined && !onDisk.der.equals(current.der) && onDisk.notAfter.getTime() > current.notAfter.getTime() ? onDisk : undefined;
  const best = newer ?? current;
  if (!input.force && fine(best, now)) return { action: newer ? 'adopted' : 'none', certificate: best };

  const unlock = takeLock(input.dataDir);
  if (!unlock) {
    if (input.force) throw new PkiError('ca_busy', 'another process is renewing the OCSP responder certificate');
    return { action: newer ? 'adopted' : 'busy', certificate: best };
  }
  try {
    // Under the lock: another process may have renewed since the first look.
    const again = readUsable(input);
    if (!input.force && again !== undefined && !again.der.equals(current.der) && fine(again, now)) {
      return { action: 'adopted', certificate: again };
    }
    const previous = again ?? best;
    const der = await certifyOcspResponder({
      issuerName: input.issuing.subjectDer,
      issuerKeyId: input.issuing.keyId,
      issuerNotAfter: input.issuing.notAfter,
      subjectName: previous.subjectDer,
      responder: input.responderSigner,
      issuer: input.issuingSigner,
      now,
    });
    const fresh = loadCaCertificate(der, 'OCSP responder');
    if (!spkiDer(fresh.x509.publicKey).equals(spkiDer(input.responderSigner.publicKey))) {
      throw new PkiError('ca_state_corrupt', 'renewed OCSP certificate does not carry the responder key');
    }
    const file = ocspFile(input.dataDir);
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, derToPem(der, 'CERTIFICATE'), { mode: 0o644 });
    try {
      await input.audit?.({
        trigger: input.trigger,
        serialHex: serialHex(fresh.x509.serialNumber),
        notBefore: fresh.notBefore,
        notAfter: fresh.notAfter,
        previousSerialHex: serialHex(previous.x509.serialNumber),
        previousNotAfter: previous.notAfter,
      });
      renameSync(tmp, file);
    } catch (err) {
      rmSync(tmp, { force: true });
      throw err;
    }
    return { action: 'renewed', certificate: fresh };
  } finally {
    unlock();
  }
}
