// Structure check of a sign request received from the server (size bounds,
// structure; nothing trusted yet): the terminal rebuilds the signing input
// from the fields it shows before the card signs anything
// (./check-sign-request.ts).
import { z } from 'zod';
import { terminalError } from '../codes.js';
import type { TerminalSignRequest } from './types.js';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const schema = z.object({
  id: z.string().regex(/^sr_[A-Za-z0-9_-]{1,64}$/),
  nonce: z.string().regex(/^[A-Za-z0-9_-]{43}$/, '32 bytes, base64url'),
  expiresAt: z.string().max(64),
  rpId: z.string().min(1).max(64),
  rpName: z.string().min(1).max(200),
  terminalId: z.string().min(1).max(64),
  title: z.string().min(1).max(140),
  summary: z.string().min(1).max(1000),
  container: z.enum(['cades', 'pades']),
  document: z.object({ sha256: hex64, pdfSha256: hex64.optional() }),
  signingTime: z.string().max(64).refine((s) => !Number.isNaN(Date.parse(s)), 'a time'),
  signingInput: z.object({ domain: z.string().max(64), canonical: z.string().max(8192), input: hex64 }),
});

export function parseSignRequest(unverified: unknown): TerminalSignRequest {
  const r = schema.safeParse(unverified);
  if (!r.success) {
    const where = r.error.issues[0]?.path.join('.') ?? '';
    throw terminalError('challenge_invalid', `The sign request from the server is malformed${where ? ` (${where})` : ''}.`);
  }
  return r.data;
}
