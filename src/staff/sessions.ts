// Staff sessions: a session token with expiry, stored in the ephemeral store
// (Redis, the in-process store, or the registry for CLI sessions without
// Redis); a disabled account's sessions end at once.
// The token is 32 random bytes, given to the client once; the store keeps only
// its SHA-256, so a store dump yields no usable token. A session ends at the
// absolute expiry or after idle time; every check re-reads the staff row, so
// disabling the account or changing its password (session_generation bump)
// ends all its sessions on their next use.
import { createHash, randomBytes } from 'node:crypto';
import { staffById, type StaffRow } from '../registry/repos/staff.js';
import { staffError } from './codes.js';
import type { StaffDeps } from './deps.js';
import type { StaffPrincipal } from './principal.js';

const PREFIX = 'cas_';
const TOKEN = /^cas_[A-Za-z0-9_-]{43}$/;
// Refresh the idle timer at most this often (one store write per minute per session, not per request).
const TOUCH_EVERY_MS = 60_000;

interface SessionRecord {
  staffId: string;
  generation: number;
  createdAt: number;
  lastSeenAt: number;
}

function key(token: string): { key: string; id: string } {
  const h = createHash('sha256').update(token, 'utf8').digest('hex');
  return { key: `staff:session:${h}`, id: h.slice(0, 16) };
}

function ttl(deps: StaffDeps, s: SessionRecord, now: number): number {
  return Math.min(s.createdAt + deps.policy.sessionAbsoluteMs, now + deps.policy.sessionIdleMs) - now;
}

export async function createSession(deps: StaffDeps, staff: StaffRow): Promise<{ token: string; expiresAt: Date; principal: StaffPrincipal }> {
  const token = PREFIX + randomBytes(32).toString('base64url');
  const now = deps.clock.now().getTime();
  const rec: SessionRecord = { staffId: staff.id, generation: staff.sessionGeneration, createdAt: now, lastSeenAt: now };
  const k = key(token);
  await deps.store.set(k.key, JSON.stringify(rec), ttl(deps, rec, now));
  return {
    token,
    expiresAt: new Date(now + deps.policy.sessionAbsoluteMs),
    principal: { staffId: staff.id, username: staff.username, displayName: staff.displayName, role: staff.role, sessionId: k.id },
  };
}

/** Resolve a session token to the staff member, or throw staff_session_invalid. */
export async function authenticateSession(deps: StaffDeps, token: string): Promise<StaffPrincipal> {
  if (!TOKEN.test(token)) throw staffError('staff_session_invalid', 'The staff session has ended or is not valid');
  const k = key(token);
  const raw = await deps.store.get(k.key);
  const now = deps.clock.now().getTime();
  let rec: SessionRecord | undefined;
  try {
    rec = raw === null ? undefined : (JSON.parse(raw) as SessionRecord);
  } catch {
    rec = undefined;
  }
  // The store's TTL normally removes ended sessions; the clock check makes that exact.
  if (!rec || now >= rec.createdAt + deps.policy.sessionAbsoluteMs || now >= rec.lastSeenAt + deps.policy.sessionIdleMs) {
    if (raw !== null) await deps.store.del(k.key);
    throw staffError('staff_session_invalid', 'The staff session has ended or is not valid');
  }
  const staff = await staffById(deps.sql, rec.staffId);
  if (!staff || staff.disabled || staff.sessionGeneration !== rec.generation) {
    await deps.store.del(k.key);
    throw staffError('staff_session_invalid', 'The staff session has ended or is not valid');
  }
  if (now - rec.lastSeenAt >= TOUCH_EVERY_MS) {
    const next = { ...rec, lastSeenAt: now };
    await deps.store.set(k.key, JSON.stringify(next), ttl(deps, next, now));
  }
  return { staffId: staff.id, username: staff.username, displayName: staff.displayName, role: staff.role, sessionId: k.id };
}

export async function endSession(deps: StaffDeps, token: string): Promise<void> {
  if (!TOKEN.test(token)) return;
  await deps.store.del(key(token).key);
}
