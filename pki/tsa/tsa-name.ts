// The TSA's subject Name: C, O of the CA and CN "<organization> Time-Stamping Authority".
import { buildName } from '../lib/names.js';
import { oid } from '../lib/oids.js';

export function tsaSubjectName(config: { readonly country: string; readonly organization: string }): Buffer {
  return buildName([
    { type: oid.countryName, value: config.country },
    { type: oid.organizationName, value: config.organization },
    { type: oid.commonName, value: `${config.organization} Time-Stamping Authority` },
  ]);
}
