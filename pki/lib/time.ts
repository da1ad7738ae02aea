// X.509 time encoding (RFC 5280 §4.1.2.5): UTCTime through 2049, then
// GeneralizedTime; whole seconds only (no fractional seconds in DER here).
import * as pkijs from 'pkijs';

export function wholeSeconds(d: Date): Date {
  return new Date(Math.floor(d.getTime() / 1000) * 1000);
}

export function x509Time(d: Date): pkijs.Time {
  const value = wholeSeconds(d);
  return new pkijs.Time({ type: value.getUTCFullYear() < 2050 ? 0 : 1, value });
}
