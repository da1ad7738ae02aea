// Issues a card certificate: runs the profile pipeline (modifiers, then
// validators), encodes the validated draft and signs it with the issuing
// CA's key from the key store.
import type { CaCertificate } from '../ca/ca-certificate.js';
import type { Signer } from '../keystore/key-store.js';
import { buildName } from '../lib/names.js';
import { derToPem } from '../lib/pem.js';
import { serialHex } from '../lib/serial.js';
import type { IssueRequest, ProfileContext } from '../profiles/draft.js';
import { runProfile } from '../profiles/run-profile.js';
import type { CertSerialHex } from '../types.js';
import { draftExtensions } from './draft-extensions.js';
import { signCertificate } from './sign-certificate.js';

export interface IssuedCertificate {
  readonly der: Buffer;
  readonly pem: string;
  readonly serialHex: CertSerialHex;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

export async function issueCardCertificate(
  request: IssueRequest,
  issuer: CaCertificate,
  signer: Signer,
  ctx: ProfileContext,
): Promise<IssuedCertificate> {
  const draft = runProfile(request, ctx);
  const der = await signCertificate(
    {
      serial: draft.serial,
      issuer: issuer.subjectDer,
      subject: buildName(draft.subject),
      notBefore: draft.notBefore,
      notAfter: draft.notAfter,
      publicKey: draft.publicKey,
      extensions: draftExtensions(draft),
    },
    signer,
  );
  return { der, pem: derToPem(der, 'CERTIFICATE'), serialHex: serialHex(draft.serial), notBefore: draft.notBefore, notAfter: draft.notAfter };
}
