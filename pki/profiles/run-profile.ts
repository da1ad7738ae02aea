// Runs a profile: every modifier, then every validator; returns the draft
// only if all validators pass.
import { PkiError } from '../errors.js';
import { toPublicKeyObject } from '../lib/spki.js';
import { profiles } from './card-profiles.js';
import type { CertificateDraft, IssueRequest, ProfileContext } from './draft.js';

export function runProfile(request: IssueRequest, ctx: ProfileContext): CertificateDraft {
  const profile = (profiles as Record<string, (typeof profiles)[keyof typeof profiles] | undefined>)[request.profile];
  if (!profile) throw new PkiError('profile_unknown', `no certificate profile '${String(request.profile)}'`);
  const subject = request.subject as unknown as Record<string, unknown> | undefined;
  for (const field of ['country', 'surname', 'givenName', 'nationalId'] as const) {
    if (typeof subject?.[field] !== 'string') throw new PkiError('profile_subject_invalid', `subject.${field} must be a string`);
  }
  const draft: CertificateDraft = {
    serial: Buffer.alloc(0),
    subject: [],
    notBefore: ctx.now,
    notAfter: ctx.now,
    publicKey: toPublicKeyObject(request.publicKey),
    keyUsage: [],
    extKeyUsage: [],
    policies: [],
    isCa: false,
    ocspUrl: undefined,
    caIssuersUrl: undefined,
    crlUrl: undefined,
    subjectKeyId: Buffer.alloc(0),
    authorityKeyId: Buffer.alloc(0),
  };
  for (const modify of profile.modifiers) modify(draft, request, ctx);
  for (const validate of profile.validators) validate(draft, request, ctx);
  return draft;
}
