// The CA's status ports (pki CertStatusLookup / RevokedListSource) read from
// the registry's certificates, so OCSP and the CRL say what issuance last
// wrote (flow 3 of docs/architecture.md). An unknown serial is 'unknown' (RFC 6960 §2.2),
// never 'good'.
import type { CertSerialHex, CertStatus, RevokedEntry } from '../../../pki/index.js';
import type { CertificateRecord, IssuanceRegistry } from '../ports/registry.js';

function toStatus(c: CertificateRecord): CertStatus {
  const at = c.statusChangedAt ?? new Date(0);
  if (c.status === 'good') return { status: 'good' };
  if (c.status === 'hold') return { status: 'hold', since: at };
  return { status: 'revoked', reason: c.revocationReason ?? 'unspecified', at };
}

export function registryStatusLookup(registry: IssuanceRegistry): (serial: CertSerialHex) => Promise<CertStatus> {
  return async (serial) => {
    const c = await registry.getCertificate(serial);
    return c === undefined ? { status: 'unknown' } : toStatus(c);
  };
}

export function registryRevokedList(registry: IssuanceRegistry, now: () => Date): () => Promise<RevokedEntry[]> {
  return async () =>
    (await registry.revokedCertificates(now())).map((c): RevokedEntry => {
      const s = toStatus(c);
      const serial = c.serialHex as unknown as CertSerialHex;
      if (s.status === 'hold') return { serial, status: 'hold', since: s.since };
      if (s.status === 'revoked') return { serial, status: 'revoked', reason: s.reason, at: s.at };
      throw new Error('a good certificate in the revoked list');
    });
}
