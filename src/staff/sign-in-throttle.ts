// The records that throttle staff sign-in (src/staff/login.ts): one per
// account (by lower-cased username, whether or not the account exists) and
// one per client address. An IPv6 address counts by its /64 — what one
// household or host is routed — so that an attacker cannot step through the
// 2^64 addresses of its own prefix; an IPv4-mapped IPv6 address counts as
// the IPv4 address.
import { isIP } from 'node:net';
import type { AttemptSpec } from '../store/ephemeral.js';
import type { SignInThrottle } from './deps.js';

export const accountThrottleKey = (username: string): string => `staff:login-fail:acct:${username.toLowerCase().slice(0, 64)}`;

/** The address as the throttle counts it. */
export function addressBucket(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (isIP(address) !== 6) return address.slice(0, 64);
  const [head, tail = ''] = address.toLowerCase().split('::');
  const left = head === '' ? [] : head!.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const groups = address.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

export const addressThrottleKey = (address: string): string => `staff:login-fail:addr:${addressBucket(address)}`;

export function throttleSpec(key: string, t: SignInThrottle): AttemptSpec {
  return { key, free: t.free, delayMs: t.delayMs, maxDelayMs: t.maxDelayMs, lockAt: t.lockAt, windowMs: t.windowMs };
}
