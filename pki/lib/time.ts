// Whole-second times: DER certificates, CRLs and OCSP responses carry no
// fractional seconds (RFC 5280 §4.1.2.5, RFC 6960 uses GeneralizedTime alike).
export function wholeSeconds(d: Date): Date {
  return new Date(Math.floor(d.getTime() / 1000) * 1000);
}
