// The certificate path from a certificate to the national root (RFC 5280
// §6.1, for this hierarchy's shape: root → issuing CA → end entity): each
// link names its issuer and is signed by its key, every certificate above
// the end entity is a CA, and every one is valid at the time that matters
// (the signature time-stamp's, or now). Intermediates come from the
// container or from the caller; the root only ever from the caller.
import type { X509Certificate } from 'node:crypto';

export type ChainProblem = 'untrusted' | 'expired';

export interface ChainResult {
  readonly ok: boolean;
  readonly problem?: ChainProblem;
  readonly detail?: string;
  /** leaf, intermediates…, root */
  readonly path: readonly X509Certificate[];
}

const MAX_DEPTH = 4;

const validAt = (c: X509Certificate, at: Date): boolean => at.getTime() >= new Date(c.validFrom).getTime() && at.getTime() <= new Date(c.validTo).getTime();

export function checkChain(leaf: X509Certificate, candidates: readonly X509Certificate[], root: X509Certificate, at: Date): ChainResult {
  const path: X509Certificate[] = [leaf];
  let current = leaf;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    if (current.checkIssued(root) && current.verify(root.publicKey)) {
      path.push(root);
      const stale = path.find((c) => !validAt(c, at));
      if (stale) return { ok: false, problem: 'expired', detail: `${stale.subject.replace(/\n/g, ', ')} is not valid at ${at.toISOString()}`, path };
      return { ok: true, path };
    }
    const issuer = candidates.find((c) => c.ca && !c.raw.equals(current.raw) && current.checkIssued(c) && current.verify(c.publicKey));
    if (!issuer || path.some((p) => p.raw.equals(issuer.raw))) {
      return { ok: false, problem: 'untrusted', detail: `no issuer of ${current.subject.replace(/\n/g, ', ')} leads to the national root`, path };
    }
    path.push(issuer);
    current = issuer;
  }
  return { ok: false, problem: 'untrusted', detail: 'the certificate path is too long', path };
}
