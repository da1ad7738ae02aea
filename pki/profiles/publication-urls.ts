// The fixed publication paths under the configured base URL. Issued
// certificates point at them (AIA, CRL distribution point), so they never
// change (docs/architecture.md, "HTTP").
export function publicationUrls(baseUrl: string): { root: string; issuing: string; crl: string; ocsp: string } {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    root: `${base}/pki/root.crt`,
    issuing: `${base}/pki/issuing.crt`,
    crl: `${base}/pki/issuing.crl`,
    ocsp: `${base}/pki/ocsp`,
  };
}
