// AIA (RFC 5280 §4.2.2.1: OCSP + caIssuers), CRL distribution point
// (§4.2.1.13) and the key identifiers (§4.2.1.1, §4.2.1.2).
import { keyIdentifier } from '../../lib/spki.js';
import type { Modifier } from '../draft.js';
import { publicationUrls } from '../publication-urls.js';

export const setRevocationPointers: Modifier = (draft, _request, ctx) => {
  const urls = publicationUrls(ctx.baseUrl);
  draft.ocspUrl = urls.ocsp;
  draft.caIssuersUrl = urls.issuing;
  draft.crlUrl = urls.crl;
};

export const setKeyIdentifiers: Modifier = (draft, _request, ctx) => {
  draft.subjectKeyId = keyIdentifier(draft.publicKey);
  draft.authorityKeyId = ctx.issuerKeyId;
};
