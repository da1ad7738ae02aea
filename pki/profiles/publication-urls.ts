// The fixed publication paths (DESIGN.md "Public URLs") under the configured base URL.
export function publicationUrls(baseUrl: string): { root: string; issuing: string; crl: string; ocsp: string } {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    root: `${base}/pki/root.crt`,
    issuing: `${base}/pki/issuing.crt`,
    crl: `${base}/pki/issuing.crl`,
    ocsp: `${base}/pki/ocsp`,
  };
}
