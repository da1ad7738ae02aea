// What makes a data directory test material, and the one rule the service
// applies to it. A sandbox CA is created with the organisation name
// SANDBOX_CA_ORGANIZATION, so every certificate it makes says so in its
// issuer ("cardauth SANDBOX (NOT FOR PRODUCTION) Root CA", "… Card Issuing
// CA"), for anyone who opens one. The rule:
//   a CA whose root certificate's organisation name contains "SANDBOX" is a
//   sandbox CA; `cardauth serve` runs on one only with CARDAUTH_SANDBOX=1,
//   and with CARDAUTH_SANDBOX=1 only on one (creating it on a first start);
//   a sandbox service's results carry "sandbox": true.
// So a production configuration (no CARDAUTH_SANDBOX) refuses to start on
// sandbox material, and a sandbox can never sign results under a real CA.
import type { X509Certificate } from 'node:crypto';
import { AppError } from '../errors/app-error.js';

export const SANDBOX_CA_ORGANIZATION = 'cardauth SANDBOX (NOT FOR PRODUCTION)';
const MARK = 'SANDBOX';

/** The organisation name(s) of the root's subject contain SANDBOX. */
export function isSandboxCa(root: { readonly x509: X509Certificate }): boolean {
  return root.x509.subject
    .split('\n')
    .filter((line) => line.startsWith('O='))
    .some((line) => line.includes(MARK));
}

/** Whether the environment asks for a sandbox service (CARDAUTH_SANDBOX=1). */
export function sandboxRequested(env: NodeJS.ProcessEnv): boolean {
  return env.CARDAUTH_SANDBOX === '1';
}

/** Throws config_invalid when the CA and CARDAUTH_SANDBOX disagree; returns whether this is a sandbox. */
export function checkSandboxRule(root: { readonly x509: X509Certificate }, env: NodeJS.ProcessEnv): boolean {
  const sandboxCa = isSandboxCa(root);
  const requested = sandboxRequested(env);
  if (sandboxCa && !requested) {
    throw new AppError(
      'config_invalid',
      'This data directory holds a SANDBOX CA (test material, not for production): refusing to serve it. Run it as a sandbox with CARDAUTH_SANDBOX=1 (npm run sandbox), or point CARDAUTH_DATA_DIR at the production data directory.',
      500,
    );
  }
  if (requested && !sandboxCa) {
    throw new AppError('config_invalid', 'CARDAUTH_SANDBOX=1 runs a sandbox data directory only, and this CA is not a sandbox CA: refusing to mark its results as test material.', 500);
  }
  return sandboxCa;
}
