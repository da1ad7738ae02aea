// Turns a validated card-certificate draft into its X.509 extensions, in a
// fixed order (RFC 5280 §4.2; criticality: keyUsage and basicConstraints
// critical as §4.2.1.3 and §4.2.1.9 recommend).
import {
  authorityInfoAccess,
  authorityKeyIdentifier,
  basicConstraints,
  certificatePolicies,
  crlDistributionPoints,
  extKeyUsage,
  keyUsage,
  subjectKeyIdentifier,
  type ExtensionDer,
} from '../lib/extensions.js';
import type { CertificateDraft } from '../profiles/draft.js';

export function draftExtensions(draft: CertificateDraft): ExtensionDer[] {
  const out = [basicConstraints(false), keyUsage(draft.keyUsage)];
  if (draft.extKeyUsage.length > 0) out.push(extKeyUsage(draft.extKeyUsage));
  out.push(certificatePolicies(draft.policies));
  if (draft.ocspUrl && draft.caIssuersUrl) out.push(authorityInfoAccess(draft.ocspUrl, draft.caIssuersUrl));
  if (draft.crlUrl) out.push(crlDistributionPoints(draft.crlUrl));
  out.push(subjectKeyIdentifier(draft.subjectKeyId), authorityKeyIdentifier(draft.authorityKeyId));
  return out;
}
