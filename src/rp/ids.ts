// Identifiers of relying parties and their terminals, and the citizen
// attributes an RP's eKYC policy may release. Branded so an RP id cannot be
// passed where a terminal id is meant; the zod schemas are the one place a
// string becomes one (HTTP routes parse with them, so no route casts).
import { randomBytes } from 'node:crypto';
import { z } from 'zod';

export const RP_ID = /^rp_[A-Za-z0-9_-]{4,40}$/;
export const TERMINAL_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

export const rpIdSchema = z.string().regex(RP_ID, 'an RP id (rp_…)').brand<'RpId'>();
export const terminalIdSchema = z.string().regex(TERMINAL_ID, '1-64 of A-Z a-z 0-9 . _ : -').brand<'TerminalId'>();

export type RpId = z.infer<typeof rpIdSchema>;
export type TerminalId = z.infer<typeof terminalIdSchema>;

export const isRpId = (s: string): s is RpId => RP_ID.test(s);
export const isTerminalId = (s: string): s is TerminalId => TERMINAL_ID.test(s);

/** A value read back from the registry, which only ever stored checked ids. */
export function storedRpId(s: string): RpId {
  if (!isRpId(s)) throw new Error(`registry holds a malformed RP id ${JSON.stringify(s.slice(0, 64))}`);
  return s;
}
export function storedTerminalId(s: string): TerminalId {
  if (!isTerminalId(s)) throw new Error(`registry holds a malformed terminal id ${JSON.stringify(s.slice(0, 64))}`);
  return s;
}

/** Citizen attributes an RP may be allowed to receive (eKYC). */
export const ekycAttributes = ['givenName', 'surname', 'birthDate', 'nationalId', 'country'] as const;
export type EkycAttribute = (typeof ekycAttributes)[number];

/** A new RP id: 9 random bytes from the platform CSPRNG. */
export function newRpId(): RpId {
  return `rp_${randomBytes(9).toString('base64url')}` as RpId;
}
