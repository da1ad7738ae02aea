// Named negative vectors for certification-path and attestation validation,
// in the manner of NIST PKITS: one vector per rule, named by the rule it
// breaks (RFC 5280 clause, X.690 clause, or this CA's own profile rule), each
// asserting the stable error code. Every vector is built for real (signed by
// the key it claims, so that only the named rule is broken) and run against
//   - the card-certificate verifier the authentication path uses
//     (createCardCertificateVerifier), or verifyAttestation;
//   - the real openssl binary, `openssl verify -x509_strict` on the same
//     certificates, where openssl checks the same rule: its error number and
//     depth are asserted. Where it does not, the vector says why.
// A valid control vector opens each table and passes both.
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { factoryRootPem, manufactureCard, VirtualCard } from '../../firmware-sim/index.js';
import {
  createCardCertificateVerifier,
  isPkiError,
  keyNames,
  manufacturerRoots,
  oid,
  POLICY_KEY_ON_CARD_PIN_ALWAYS,
  verifyAttestation,
  type AttestationInput,
  type CardCertificateVerifier,
  serialHex,
  type CertSerialHex,
  type PkiErrorCode,
  type Signer,
} from '../../pki/index.js';
import { signCertificate } from '../../pki/issue/sign-certificate.js';
import { ecdsaAlgorithm } from '../../pki/lib/algorithms.js';
import { bigInteger, bitString, explicit, objectIdentifier, octetString, seq, smallInteger, tlv, unsignedInteger, x509Time } from '../../pki/lib/der.js';
import { children, readOne } from '../../pki/lib/der-reader.js';
import * as ext from '../../pki/lib/extensions.js';
import { buildName } from '../../pki/lib/names.js';
import { derToPem } from '../../pki/lib/pem.js';
import { randomSerial } from '../../pki/lib/serial.js';
import { keyIdentifier, spkiDer } from '../../pki/lib/spki.js';
import { keySigner, makeAttestationLeaf, makeCaCert, type TestCert } from './attestation-chains.js';
import { attest, authenticateManagementKey, f9Certificate, generate, selectPiv, signDigest } from './card-apdu.js';
import { cardKey, makeTestCa, openssl, StatusTable, type TestCa } from './helpers.js';

const DAY = 86_400_000;

/** openssl's verification error numbers (OpenSSL 3, include/openssl/x509_vfy.h). */
const X509_V_ERR = {
  CERT_SIGNATURE_FAILURE: 7,
  CERT_NOT_YET_VALID: 9,
  CERT_HAS_EXPIRED: 10,
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 20,
  PATH_LENGTH_EXCEEDED: 25,
  INVALID_PURPOSE: 26,
  KEYUSAGE_NO_CERTSIGN: 32,
  UNHANDLED_CRITICAL_EXTENSION: 34,
  NO_EXPLICIT_POLICY: 43,
  INVALID_CA: 79,
  PATHLEN_INVALID_FOR_NON_CA: 80,
  KU_KEY_CERT_SIGN_INVALID_FOR_NON_CA: 82,
  MISSING_AUTHORITY_KEY_IDENTIFIER: 85,
} as const;

/** What `openssl verify` says about a vector: the error and the depth it names, or why it does not apply. */
type OpensslExpectation = 'accepts' | { readonly error: number; readonly depth: number } | { readonly notApplicable: string };

interface Verdict {
  readonly code: number;
  readonly errors: readonly { error: number; depth: number }[];
  readonly text: string;
}

let work: string;
let fileNo = 0;

async function opensslVerify(o: { root: string; untrusted: readonly string[]; leaf: string; extra?: readonly string[]; strict?: boolean }): Promise<Verdict> {
  const n = ++fileNo;
  const rootFile = join(work, `root-${n}.pem`);
  const leafFile = join(work, `leaf-${n}.pem`);
  writeFileSync(rootFile, o.root);
  writeFileSync(leafFile, o.leaf);
  const args = ['verify', ...(o.strict === false ? [] : ['-x509_strict']), ...(o.extra ?? []), '-CAfile', rootFile];
  if (o.untrusted.length > 0) {
    const chainFile = join(work, `chain-${n}.pem`);
    writeFileSync(chainFile, o.untrusted.join(''));
    args.push('-untrusted', chainFile);
  }
  args.push(leafFile);
  const r = await openssl(args);
  const text = r.stdout + r.stderr;
  const errors = [...text.matchAll(/error (\d+) at (\d+) depth lookup/g)].map((m) => ({ error: Number(m[1]), depth: Number(m[2]) }));
  return { code: r.code, errors, text };
}

function assertOpenssl(v: Verdict, expected: OpensslExpectation): void {
  if (expected === 'accepts') {
    assert.equal(v.code, 0, v.text);
    return;
  }
  if ('notApplicable' in expected) return;
  assert.notEqual(v.code, 0, `openssl accepted it:\n${v.text}`);
  assert.ok(
    v.errors.some((e) => e.error === expected.error && e.depth === expected.depth),
    `openssl: expected error ${expected.error} at depth ${expected.depth}, got:\n${v.text}`,
  );
}

/** A certificate over a hand-made TBSCertificate, signed by `signer` (for the vectors signCertificate cannot express). */
async function signTbs(tbs: Buffer, signer: Signer): Promise<Buffer> {
  return seq(tbs, ecdsaAlgorithm(signer.curve), bitString(await signer.sign(tbs, 'der')));
}

before(() => {
  work = mkdtempSync(join(tmpdir(), 'cardauth-vectors-'));
});
after(() => rmSync(work, { recursive: true, force: true }));

describe('path validation vectors: card certificate (the authentication path)', () => {
  let t: TestCa;
  let issuingSigner: Signer;
  let verifier: CardCertificateVerifier;
  const status = new StatusTable();
  const purposeAndPolicy = ['-purpose', 'sslclient', '-policy', POLICY_KEY_ON_CARD_PIN_ALWAYS, '-explicit_policy'];

  const cardName = (): Buffer => buildName([{ type: oid.countryName, value: 'LU' }, { type: oid.commonName, value: 'DOE,JANE' }]);
  const standard = (key: KeyObject): Buffer[] => [
    ext.basicConstraints(false),
    ext.keyUsage(['digitalSignature']),
    ext.extKeyUsage([oid.kpClientAuth]),
    ext.certificatePolicies([POLICY_KEY_ON_CARD_PIN_ALWAYS]),
    ext.subjectKeyIdentifier(keyIdentifier(key)),
    ext.authorityKeyIdentifier(t.ca.issuing.keyId),
  ];

  interface CardVector {
    readonly name: string;
    readonly make: () => Promise<Buffer>;
    /** The verifier's time and openssl's -attime (default now). */
    readonly at?: () => Date;
    readonly code: PkiErrorCode | 'accepted';
    readonly openssl: OpensslExpectation;
  }

  async function card(o: { key?: KeyObject; extensions?: (key: KeyObject) => Buffer[]; signer?: Signer; issuer?: Buffer; notBefore?: Date; notAfter?: Date } = {}): Promise<Buffer> {
    const key = o.key ?? cardKey();
    const der = await signCertificate(
      {
        serial: randomSerial(),
        issuer: o.issuer ?? t.ca.issuing.subjectDer,
        subject: cardName(),
        notBefore: o.notBefore ?? new Date(Date.now() - DAY),
        notAfter: o.notAfter ?? new Date(Date.now() + 365 * DAY),
        publicKey: key,
        extensions: (o.extensions ?? standard)(key),
      },
      o.signer ?? issuingSigner,
    );
    // The registry knows every vector as good: only the path rules can refuse it.
    status.set(readSerial(der), { status: 'good' });
    return der;
  }

  const vectors: CardVector[] = [
    {
      name: 'valid control: card-auth certificate issued by the issuing CA',
      make: () => card(),
      code: 'accepted',
      openssl: 'accepts',
    },
    {
      name: 'RFC 5280 §6.1.3 (a)(1) signature: signed by another key under the issuing CA\'s name and key identifier',
      make: () => {
        const forger = generateKeyPairSync('ec', { namedCurve: 'P-256' });
        return card({ signer: keySigner('forger', forger.privateKey, forger.publicKey) });
      },
      code: 'cert_signature_invalid',
      openssl: { error: X509_V_ERR.CERT_SIGNATURE_FAILURE, depth: 0 },
    },
    {
      name: 'RFC 5280 §6.1.3 (a)(4) name chaining: issuer name is not the issuing CA\'s subject',
      make: () => card({ issuer: buildName([{ type: oid.countryName, value: 'LU' }, { type: oid.commonName, value: 'Some Other CA' }]) }),
      code: 'cert_untrusted_issuer',
      openssl: { error: X509_V_ERR.UNABLE_TO_GET_ISSUER_CERT_LOCALLY, depth: 0 },
    },
    {
      name: 'RFC 5280 §6.1.3 (a)(2) validity: notBefore is in the future',
      make: () => card({ notBefore: new Date(Date.now() + DAY), notAfter: new Date(Date.now() + 30 * DAY) }),
      code: 'cert_not_yet_valid',
      openssl: { error: X509_V_ERR.CERT_NOT_YET_VALID, depth: 0 },
    },
    {
      name: 'RFC 5280 §6.1.3 (a)(2) validity: notAfter is in the past',
      make: () => card({ notBefore: new Date(Date.now() - 30 * DAY), notAfter: new Date(Date.now() - DAY) }),
      code: 'cert_expired',
      openssl: { error: X509_V_ERR.CERT_HAS_EXPIRED, depth: 0 },
    },
    {
      name: 'RFC 5280 §6.1.3 (a)(2) validity: the issuing CA has expired at the time of use (the card certificate has not)',
      make: () => card({ notAfter: new Date(t.ca.issuing.notAfter.getTime() + 30 * DAY) }),
      at: () => new Date(t.ca.issuing.notAfter.getTime() + DAY),
      code: 'cert_expired',
      openssl: { error: X509_V_ERR.CERT_HAS_EXPIRED, depth: 1 },
    },
    {
      name: 'RFC 5280 §4.2 unknown critical extension',
      make: () => card({ extensions: (k) => [...standard(k), ext.extension('1.3.6.1.4.1.99999.1', true, Buffer.from([0x05, 0x00]))] }),
      code: 'cert_unknown_critical_extension',
      openssl: { error: X509_V_ERR.UNHANDLED_CRITICAL_EXTENSION, depth: 0 },
    },
    {
      name: 'RFC 5280 §4.1.1.2 signatureAlgorithm differs from the TBSCertificate signature field',
      make: async () => {
        const good = await card();
        const [tbs] = children(readOne(good));
        const sig = await issuingSigner.sign(tbs!.der, 'der');
        return seq(tbs!.der, ecdsaAlgorithm('P-384'), bitString(sig));
      },
      code: 'cert_unsupported_algorithm',
      openssl: { notApplicable: 'openssl 3.0 verifies with the outer algorithm and reports a signature failure (7), not the mismatch' },
    },
    {
      name: 'RFC 5280 §4.2.1.9 basicConstraints: an end-entity card certificate asserts cA',
      make: () => card({ extensions: (k) => [ext.basicConstraints(true, 0), ...standard(k).slice(1)] }),
      code: 'cert_is_ca',
      openssl: { notApplicable: 'openssl accepts a CA certificate at depth 0 as a TLS client certificate' },
    },
    {
      name: 'RFC 5280 §4.2.1.3 keyUsage: an end-entity card certificate asserts keyCertSign',
      make: () => card({ extensions: (k) => standard(k).map((e, i) => (i === 1 ? ext.keyUsage(['digitalSignature', 'keyCertSign']) : e)) }),
      code: 'cert_is_ca',
      openssl: { error: X509_V_ERR.KU_KEY_CERT_SIGN_INVALID_FOR_NON_CA, depth: 0 },
    },
    {
      name: 'RFC 5280 §4.2.1.3 keyUsage: digitalSignature absent',
      make: () => card({ extensions: (k) => standard(k).map((e, i) => (i === 1 ? ext.keyUsage(['nonRepudiation']) : e)) }),
      code: 'cert_wrong_purpose',
      openssl: { error: X509_V_ERR.INVALID_PURPOSE, depth: 0 },
    },
    {
      name: 'RFC 5280 §4.2.1.12 extKeyUsage: id-kp-clientAuth absent',
      make: () => card({ extensions: (k) => standard(k).map((e, i) => (i === 2 ? ext.extKeyUsage(['1.3.6.1.5.5.7.3.4']) : e)) }),
      code: 'cert_wrong_purpose',
      openssl: { error: X509_V_ERR.INVALID_PURPOSE, depth: 0 },
    },
    {
      name: 'RFC 5280 §4.2.1.4 / §6.1.5 certificatePolicies: another policy instead of "key on card, PIN always"',
      make: () => card({ extensions: (k) => standard(k).map((e, i) => (i === 3 ? ext.certificatePolicies(['2.25.1']) : e)) }),
      code: 'cert_wrong_policy',
      openssl: { error: X509_V_ERR.NO_EXPLICIT_POLICY, depth: 0 },
    },
    {
      name: 'RFC 5280 §4.2.1.4 / §6.1.5 certificatePolicies: no policies extension',
      make: () => card({ extensions: (k) => standard(k).filter((_, i) => i !== 3) }),
      code: 'cert_wrong_policy',
      openssl: { error: X509_V_ERR.NO_EXPLICIT_POLICY, depth: 0 },
    },
    {
      name: 'RFC 5280 §4.2 an extension appears twice',
      make: () => card({ extensions: (k) => [...standard(k), ext.extKeyUsage([oid.kpClientAuth])] }),
      code: 'cert_malformed',
      // openssl marks a certificate with a repeated extension invalid and then finds no issuer for it
      openssl: { error: X509_V_ERR.UNABLE_TO_GET_ISSUER_CERT_LOCALLY, depth: 0 },
    },
    {
      name: 'RFC 5280 §4.1.2.1 extensions in a version 2 certificate',
      make: async () => {
        const key = cardKey();
        const tbs = seq(
          explicit(0, smallInteger(1)),
          unsignedInteger(randomSerial()),
          ecdsaAlgorithm('P-256'),
          t.ca.issuing.subjectDer,
          seq(x509Time(new Date(Math.floor(Date.now() / 1000) * 1000 - DAY)), x509Time(new Date(Math.floor(Date.now() / 1000) * 1000 + 365 * DAY))),
          cardName(),
          spkiDer(key),
          explicit(3, seq(...standard(key))),
        );
        return signTbs(tbs, issuingSigner);
      },
      code: 'cert_malformed',
      openssl: { notApplicable: 'openssl reads extensions whatever the version field says' },
    },
    {
      name: 'X.690 §11.5 DER: an extension\'s critical FALSE written out',
      make: () =>
        card({
          extensions: (k) =>
            standard(k).map((e, i) => (i === 2 ? seq(objectIdentifier(oid.extKeyUsage), tlv(0x01, Uint8Array.of(0)), octetString(seq(objectIdentifier(oid.kpClientAuth)))) : e)),
        }),
      code: 'cert_malformed',
      openssl: { notApplicable: 'openssl decodes a BOOLEAN DEFAULT written out (a BER leniency)' },
    },
    {
      name: 'X.690 §11.5 DER: basicConstraints cA FALSE written out',
      make: () => card({ extensions: (k) => [ext.extension(oid.basicConstraints, true, seq(tlv(0x01, Uint8Array.of(0)))), ...standard(k).slice(1)] }),
      code: 'cert_malformed',
      openssl: { notApplicable: 'openssl decodes a BOOLEAN DEFAULT written out (a BER leniency)' },
    },
    {
      name: 'profile: the card key is not EC P-256 (P-384)',
      make: () => card({ key: generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey }),
      code: 'cert_unsupported_algorithm',
      openssl: { notApplicable: 'a rule of this CA\'s card profile, not of RFC 5280' },
    },
    {
      name: 'profile: larger than 4096 bytes',
      make: async () => Buffer.alloc(4097, 0x30),
      code: 'cert_too_large',
      openssl: { notApplicable: 'a size bound of this service, checked before parsing' },
    },
  ];

  before(async () => {
    t = await makeTestCa();
    issuingSigner = await t.keyStore.getSigner(keyNames.issuing);
    verifier = createCardCertificateVerifier({ issuing: t.ca.issuing, root: t.ca.root, status: status.lookup });
  });
  after(() => t.cleanup());

  for (const v of vectors) {
    it(`${v.name} → ${v.code}`, async () => {
      const der = await v.make();
      const at = v.at?.();
      if (v.code === 'accepted') await verifier.verify(der, at);
      else await assert.rejects(verifier.verify(der, at), (e) => isPkiError(e, v.code as PkiErrorCode));
      if (v.openssl !== 'accepts' && 'notApplicable' in v.openssl) return;
      const verdict = await opensslVerify({
        root: t.ca.root.pem,
        untrusted: [t.ca.issuing.pem],
        leaf: derToPem(der, 'CERTIFICATE'),
        extra: [...purposeAndPolicy, ...(at ? ['-attime', String(Math.floor(at.getTime() / 1000))] : [])],
      });
      assertOpenssl(verdict, v.openssl);
    });
  }
});

describe('path validation vectors: card attestation (verifyAttestation)', () => {
  interface AttestationVector {
    readonly name: string;
    /** The attestation, its F9 certificate, the intermediates nearest-to-F9 first, and the one configured root. */
    readonly make: () => Promise<{ leaf: Buffer; f9: Buffer; intermediates?: Buffer[]; root: string }>;
    readonly code: PkiErrorCode | 'accepted';
    readonly openssl: OpensslExpectation;
  }

  let root: TestCert;
  const f9Of = (o: Partial<Parameters<typeof makeCaCert>[0]> = {}): Promise<TestCert> =>
    makeCaCert({ cn: 'Test PIV Attestation', issuer: root, pathLen: 0, keyUsage: ['keyCertSign'], ...o });
  /** Leaves carry an authorityKeyIdentifier so that openssl's -x509_strict applies to them (Yubico's own leaves have none). */
  const leafUnder = async (f9: TestCert): Promise<Buffer> => (await makeAttestationLeaf(f9, { serial: 5150, aki: true })).der;

  const vectors: AttestationVector[] = [
    {
      name: 'valid control: root → F9 (cA, pathLen 0, keyCertSign) → attestation',
      make: async () => {
        const f9 = await f9Of();
        return { leaf: await leafUnder(f9), f9: f9.der, root: root.pem };
      },
      code: 'accepted',
      openssl: 'accepts',
    },
    {
      name: 'valid control: root → intermediate (pathLen 1) → F9 (pathLen 0) → attestation',
      make: async () => {
        const inter = await makeCaCert({ cn: 'Test Intermediate', issuer: root, pathLen: 1 });
        const f9 = await makeCaCert({ cn: 'Test PIV Attestation', issuer: inter, pathLen: 0, keyUsage: ['keyCertSign'] });
        return { leaf: await leafUnder(f9), f9: f9.der, intermediates: [inter.der], root: root.pem };
      },
      code: 'accepted',
      openssl: 'accepts',
    },
    {
      name: 'RFC 5280 §6.1.4 (k) the F9 certificate is not a CA (basicConstraints without cA)',
      make: async () => {
        const f9 = await f9Of({ basic: 'not-ca', pathLen: undefined });
        return { leaf: await leafUnder(f9), f9: f9.der, root: root.pem };
      },
      code: 'attestation_chain_invalid',
      openssl: { error: X509_V_ERR.INVALID_CA, depth: 1 },
    },
    {
      name: 'RFC 5280 §6.1.4 (k) the F9 certificate has no basicConstraints',
      make: async () => {
        const f9 = await f9Of({ basic: 'absent', pathLen: undefined });
        return { leaf: await leafUnder(f9), f9: f9.der, root: root.pem };
      },
      code: 'attestation_chain_invalid',
      openssl: { error: X509_V_ERR.INVALID_CA, depth: 1 },
    },
    {
      name: 'RFC 5280 §6.1.4 (k) an intermediate is not a CA',
      make: async () => {
        const inter = await makeCaCert({ cn: 'Test Intermediate not a CA', issuer: root, basic: 'not-ca', keyUsage: ['keyCertSign'] });
        const f9 = await makeCaCert({ cn: 'Test PIV Attestation', issuer: inter, pathLen: 0, keyUsage: ['keyCertSign'] });
        return { leaf: await leafUnder(f9), f9: f9.der, intermediates: [inter.der], root: root.pem };
      },
      code: 'attestation_chain_invalid',
      openssl: { error: X509_V_ERR.INVALID_CA, depth: 2 },
    },
    {
      name: 'RFC 5280 §6.1.4 (n) the F9 certificate\'s keyUsage lacks keyCertSign',
      make: async () => {
        const f9 = await f9Of({ keyUsage: ['digitalSignature'] });
        return { leaf: await leafUnder(f9), f9: f9.der, root: root.pem };
      },
      code: 'attestation_chain_invalid',
      openssl: { error: X509_V_ERR.KEYUSAGE_NO_CERTSIGN, depth: 1 },
    },
    {
      name: 'RFC 5280 §6.1.4 (l), (m) pathLenConstraint exceeded: an intermediate with pathLen 0 above a CA F9',
      make: async () => {
        const inter = await makeCaCert({ cn: 'Test Intermediate pathLen 0', issuer: root, pathLen: 0 });
        const f9 = await makeCaCert({ cn: 'Test PIV Attestation', issuer: inter, pathLen: 0, keyUsage: ['keyCertSign'] });
        return { leaf: await leafUnder(f9), f9: f9.der, intermediates: [inter.der], root: root.pem };
      },
      code: 'attestation_chain_invalid',
      openssl: { error: X509_V_ERR.PATH_LENGTH_EXCEEDED, depth: 2 },
    },
    {
      name: 'RFC 5280 §6.1.4 (l), (m) pathLenConstraint exceeded: the root\'s pathLen 0 with an intermediate below it',
      make: async () => {
        const strictRoot = await makeCaCert({ cn: 'Test PIV Root pathLen 0', pathLen: 0 });
        const inter = await makeCaCert({ cn: 'Test Intermediate', issuer: strictRoot, pathLen: 1 });
        const f9 = await makeCaCert({ cn: 'Test PIV Attestation', issuer: inter, pathLen: 0, keyUsage: ['keyCertSign'] });
        return { leaf: await leafUnder(f9), f9: f9.der, intermediates: [inter.der], root: strictRoot.pem };
      },
      code: 'attestation_chain_invalid',
      openssl: { error: X509_V_ERR.PATH_LENGTH_EXCEEDED, depth: 3 },
    },
    {
      name: 'RFC 5280 §6.1.3 (a)(1) the attestation is not signed by the F9 key',
      make: async () => {
        const f9 = await f9Of();
        const forger = generateKeyPairSync('ec', { namedCurve: 'P-256' });
        // the F9 certificate's name and key identifier, another key's signature
        return { leaf: (await makeAttestationLeaf(f9, { serial: 5150, aki: true, signWith: forger.privateKey })).der, f9: f9.der, root: root.pem };
      },
      code: 'attestation_signature_invalid',
      openssl: { error: X509_V_ERR.CERT_SIGNATURE_FAILURE, depth: 0 },
    },
    {
      name: 'RFC 5280 §6.1.3 (a)(4) name chaining: the attestation\'s issuer is not the F9 certificate\'s subject',
      make: async () => {
        const f9 = await f9Of();
        const renamed: TestCert = { ...f9, subjectDer: buildName([{ type: oid.commonName, value: 'Not the F9 certificate' }]) };
        return { leaf: await leafUnder(renamed), f9: f9.der, root: root.pem };
      },
      code: 'attestation_signature_invalid',
      openssl: { error: X509_V_ERR.UNABLE_TO_GET_ISSUER_CERT_LOCALLY, depth: 0 },
    },
    {
      name: 'RFC 5280 §6.1.3 (a)(1) the F9 certificate is not signed by the root key (root\'s name and key identifier)',
      make: async () => {
        const forger = generateKeyPairSync('ec', { namedCurve: 'P-256' });
        const f9 = await f9Of({ signWith: forger.privateKey });
        return { leaf: await leafUnder(f9), f9: f9.der, root: root.pem };
      },
      code: 'attestation_untrusted_root',
      openssl: { error: X509_V_ERR.CERT_SIGNATURE_FAILURE, depth: 1 },
    },
    {
      name: 'RFC 5280 §6.1 trust anchor: the chain ends at a root that is not configured',
      make: async () => {
        const f9 = await f9Of();
        const elsewhere = await makeCaCert({ cn: 'Some Other Manufacturer Root' });
        return { leaf: await leafUnder(f9), f9: f9.der, root: elsewhere.pem };
      },
      code: 'attestation_untrusted_root',
      openssl: { error: X509_V_ERR.UNABLE_TO_GET_ISSUER_CERT_LOCALLY, depth: 1 },
    },
    {
      name: 'RFC 5280 §4.2.1.9 a pathLenConstraint in a certificate that is not a CA (F9)',
      make: async () => {
        const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
        const subjectDer = buildName([{ type: oid.commonName, value: 'Test PIV Attestation pathLen without cA' }]);
        const now = Math.floor(Date.now() / 1000) * 1000;
        const tbs = seq(
          explicit(0, smallInteger(2)),
          unsignedInteger(randomSerial()),
          ecdsaAlgorithm('P-256'),
          root.subjectDer,
          seq(x509Time(new Date(now - DAY)), x509Time(new Date(now + 365 * DAY))),
          subjectDer,
          spkiDer(publicKey),
          explicit(3, seq(
            ext.extension(oid.basicConstraints, true, seq(smallInteger(0))),
            ext.keyUsage(['keyCertSign']),
            ext.subjectKeyIdentifier(keyIdentifier(publicKey)),
            ext.authorityKeyIdentifier(keyIdentifier(root.publicKey)),
          )),
        );
        const f9der = await signTbs(tbs, keySigner('root', root.privateKey, root.publicKey));
        const f9: TestCert = { der: f9der, pem: derToPem(f9der, 'CERTIFICATE'), subjectDer, publicKey, privateKey };
        return { leaf: await leafUnder(f9), f9: f9der, root: root.pem };
      },
      code: 'attestation_malformed',
      openssl: { error: X509_V_ERR.PATHLEN_INVALID_FOR_NON_CA, depth: 1 },
    },
    {
      name: 'X.690 §11.5 DER: the F9 certificate\'s basicConstraints cA FALSE written out',
      make: async () => {
        const f9 = await f9Of({ basic: 'explicit-false', pathLen: undefined });
        return { leaf: await leafUnder(f9), f9: f9.der, root: root.pem };
      },
      code: 'attestation_malformed',
      openssl: { notApplicable: 'openssl decodes a BOOLEAN DEFAULT written out (a BER leniency); it refuses the path for the non-CA anyway' },
    },
  ];

  before(async () => {
    root = await makeCaCert({ cn: 'Test PIV Root' });
  });

  for (const v of vectors) {
    it(`${v.name} → ${v.code}`, async () => {
      const { leaf, f9, intermediates, root: rootPem } = await v.make();
      const input: AttestationInput = { unverifiedAttestation: leaf, unverifiedF9Certificate: f9, unverifiedIntermediates: intermediates, roots: manufacturerRoots([rootPem]) };
      if (v.code === 'accepted') assert.equal(verifyAttestation(input).serial, 5150);
      else assert.throws(() => verifyAttestation(input), (e) => isPkiError(e, v.code as PkiErrorCode));
      if (v.openssl !== 'accepts' && 'notApplicable' in v.openssl) return;
      const verdict = await opensslVerify({
        root: rootPem,
        untrusted: [f9, ...(intermediates ?? [])].map((d) => derToPem(d, 'CERTIFICATE')),
        leaf: derToPem(leaf, 'CERTIFICATE'),
      });
      assertOpenssl(verdict, v.openssl);
    });
  }

  describe('with firmware-sim cards (the card\'s own Yubico-format certificates)', () => {
    const SERIAL = 27_182_818;
    let dir: string;
    let rootPem: string;
    let victimF9: Buffer;
    let victimAttestation: Buffer;
    let forged: Buffer;
    let genuine: Buffer;
    let attackerF9: Buffer;

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'cardauth-vectors-cards-'));
      const factory = join(dir, 'factory');
      await manufactureCard({ serial: SERIAL, out: join(dir, 'victim.json'), factoryDir: factory });
      await manufactureCard({ serial: SERIAL + 1, out: join(dir, 'attacker.json'), factoryDir: factory });
      rootPem = await factoryRootPem(factory);
      const victim = await VirtualCard.open(join(dir, 'victim.json'));
      await selectPiv(victim);
      await authenticateManagementKey(victim);
      await generate(victim, '9A', 3);
      victimAttestation = await attest(victim, '9A');
      victimF9 = await f9Certificate(victim);
      // The attacker's card: a 9A key, its genuine attestation (an end-entity
      // certificate), and that key signing — by GENERAL AUTHENTICATE over the
      // TBS hash — an "attestation" of a software key with PIN ALWAYS and the victim's serial.
      const attacker = await VirtualCard.open(join(dir, 'attacker.json'));
      await selectPiv(attacker);
      await authenticateManagementKey(attacker);
      const attackerKey = await generate(attacker, '9A', 1);
      genuine = await attest(attacker, '9A');
      attackerF9 = await f9Certificate(attacker);
      const software = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const [, , , , , genuineSubject] = children(children(readOne(genuine))[0]!);
      const cardSigner: Signer = {
        name: 'attacker card 9A',
        curve: 'P-256',
        publicKey: attackerKey,
        sign: async (data) => signDigest(attacker, '9A', createHash('sha256').update(data).digest()),
      };
      forged = await signCertificate(
        {
          serial: randomSerial(),
          issuer: Buffer.from(genuineSubject!.der),
          // a name of its own, so that it is not self-issued (its issuer's CN is the same)
          subject: buildName([{ type: oid.commonName, value: 'YubiKey PIV Attestation 9a' }, { type: oid.serialNumber, value: String(SERIAL) }]),
          notBefore: new Date(Date.now() - DAY),
          notAfter: new Date(Date.now() + DAY),
          publicKey: software.publicKey,
          extensions: [
            ext.extension(oid.yubicoFirmware, false, Uint8Array.of(5, 4, 3)),
            ext.extension(oid.yubicoSerial, false, bigInteger(BigInt(SERIAL))),
            ext.extension(oid.yubicoPolicy, false, Uint8Array.of(3, 1)),
            ext.extension(oid.yubicoFormFactor, false, Uint8Array.of(1)),
          ],
        },
        cardSigner,
      );
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('valid control: a card\'s attestation under its F9 certificate → accepted; openssl verify accepts it (without -x509_strict, which wants an authorityKeyIdentifier Yubico-format attestations do not carry: error 85)', async () => {
      const v = verifyAttestation({ unverifiedAttestation: victimAttestation, unverifiedF9Certificate: victimF9, roots: manufacturerRoots([rootPem]), expected: { serial: SERIAL, pinPolicy: 'always' } });
      assert.equal(v.serial, SERIAL);
      const plain = await opensslVerify({ root: rootPem, untrusted: [derToPem(victimF9, 'CERTIFICATE')], leaf: derToPem(victimAttestation, 'CERTIFICATE'), strict: false });
      assert.equal(plain.code, 0, plain.text);
      const strict = await opensslVerify({ root: rootPem, untrusted: [derToPem(victimF9, 'CERTIFICATE')], leaf: derToPem(victimAttestation, 'CERTIFICATE') });
      assert.deepEqual(strict.errors, [{ error: X509_V_ERR.MISSING_AUTHORITY_KEY_IDENTIFIER, depth: 0 }], strict.text);
    });

    it('RFC 5280 §6.1.4 (k) the chained forgery: a card\'s genuine end-entity attestation certificate presented as the F9 certificate → attestation_chain_invalid; openssl: invalid CA (79) at depth 1', async () => {
      assert.throws(
        () =>
          verifyAttestation({
            unverifiedAttestation: forged,
            unverifiedF9Certificate: genuine,
            unverifiedIntermediates: [attackerF9],
            roots: manufacturerRoots([rootPem]),
            expected: { serial: SERIAL, pinPolicy: 'always' },
          }),
        (e) => isPkiError(e, 'attestation_chain_invalid'),
      );
      const verdict = await opensslVerify({
        root: rootPem,
        untrusted: [genuine, attackerF9].map((d) => derToPem(d, 'CERTIFICATE')),
        leaf: derToPem(forged, 'CERTIFICATE'),
        strict: false,
      });
      assertOpenssl(verdict, { error: X509_V_ERR.INVALID_CA, depth: 1 });
    });
  });
});

/** The certificate's serial as the registry keys it. */
function readSerial(der: Buffer): CertSerialHex {
  return serialHex(children(children(readOne(der))[0]!)[1]!.value);
}
