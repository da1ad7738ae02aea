// Signing a document at a terminal, start to end (the terminal's side of
// docs/signing.md):
//   1. refuse a request whose text cannot be shown as it is, rebuild the
//      signing input v2 from the fields to be shown and refuse on any
//      difference (./check-sign-request.ts);
//   2. wait for the card, SELECT PIV, read the signature certificate (9C);
//   3. show who asks, the title, the summary and the digest's fingerprint;
//   4. build the CAdES signed attributes from what was shown and the card's
//      certificate; PIN pad → VERIFY → GENERAL AUTHENTICATE 9C over their
//      SHA-256 (PIN policy ALWAYS), again on a wrong PIN while the card has
//      tries; the signature checked against the certificate;
//   5. send certificate + signature (again, without the PIN, while the
//      service cannot decide), show the outcome.
// The PIN lives only in the pad's buffer and is zeroed after the VERIFY.
import { wrongPinStatus } from '../describe-outcome.js';
import { isAppError } from '../../errors/app-error.js';
import { signatureMatchesCertificate } from '../../sign/cades/sign-detached.js';
import { signDigestWithPin } from '../../sign/card-digest-signer.js';
import { requestSignedAttributes } from '../../sign/flow/request-signing-input.js';
import { silentLogger, type Logger } from '../../util/log.js';
import { outcomeOfError } from '../authenticate.js';
import { terminalError } from '../codes.js';
import type { ServerConfig } from '../server/http.js';
import type { PinPad } from '../../pin-pad/types.js';
import type { CardSession } from '../wait-for-card.js';
import { checkSignRequest, shortFingerprint } from './check-sign-request.js';
import { describeSignOutcome } from './describe-sign-outcome.js';
import { readSignatureCertificate } from './read-signature-certificate.js';
import { deliverSignature } from './server.js';
import type { DocumentDisplay, SignOutcome, TerminalSignRequest } from './types.js';

export interface SignDocumentOptions {
  readonly request: TerminalSignRequest;
  readonly terminalId: string;
  readonly card: () => Promise<CardSession>;
  readonly display: DocumentDisplay;
  readonly pinPad: PinPad;
  readonly server: ServerConfig;
  readonly maxPinAttempts?: number;
  readonly retryDelaysMs?: readonly number[];
  readonly log?: Logger;
}

export async function signDocument(opts: SignDocumentOptions): Promise<SignOutcome> {
  const log = (opts.log ?? silentLogger).child({ signRequest: opts.request.id, terminalId: opts.terminalId });
  let session: CardSession | undefined;
  let outcome: SignOutcome;
  try {
    outcome = await run(opts, (s) => (session = s));
  } catch (e) {
    outcome = outcomeOfError(e) as SignOutcome;
    if (outcome.kind === 'card-error') log.warn('terminal card fault', { code: outcome.code, error: e });
  } finally {
    await session?.channel.close({ disposition: 'reset' }).catch(() => undefined);
  }
  log.info('terminal signing run ended', { outcome: outcome.kind, ...('code' in outcome ? { code: outcome.code } : {}) });
  opts.display.showOutcome(outcome, describeSignOutcome(outcome));
  return outcome;
}

async function run(opts: SignDocumentOptions, keep: (s: CardSession) => void): Promise<SignOutcome> {
  const { request, display } = opts;
  const { fields, input } = checkSignRequest(request, opts.terminalId);

  display.status('Insert your ID card');
  const session = await opts.card();
  keep(session);
  display.status('Reading card…');
  const cert = await readSignatureCertificate(session.piv);
  display.showDocument({
    requester: `${request.rpName} (${request.rpId})`,
    title: request.title,
    summary: request.summary,
    fingerprint: shortFingerprint(request.document.sha256),
  });
  const attrs = requestSignedAttributes({ ...fields, container: request.container, signingTime: new Date(request.signingTime) }, input, cert.der);

  const status = await session.piv.pinStatus();
  if (status.state === 'blocked') return { kind: 'pin-blocked' };
  let triesLeft = status.state === 'not-verified' ? status.triesLeft : undefined;
  const max = opts.maxPinAttempts ?? 3;
  let signature: Uint8Array | undefined;
  let lastWrong: SignOutcome | undefined;
  for (let attempt = 0; attempt < max && signature === undefined; attempt++) {
    const pulled = new AbortController();
    const unsubscribe = session.onRemoved?.(() => pulled.abort());
    let pin: Uint8Array | null;
    try {
      pin = await opts.pinPad.readPin({ prompt: 'Enter your PIN to sign', triesLeft, signal: pulled.signal });
    } finally {
      unsubscribe?.();
    }
    if (pulled.signal.aborted) {
      pin?.fill(0);
      return { kind: 'card-removed' };
    }
    if (pin === null) return lastWrong ?? { kind: 'pin-entry-cancelled' };
    display.status('Signing…');
    let r;
    try {
      r = await signDigestWithPin(session.piv, pin, attrs.digest);
    } catch (e) {
      if (isAppError(e) && e.code === 'pin_format_invalid') {
        display.status('A PIN is 6 to 8 digits. Try again.');
        continue;
      }
      throw e;
    }
    if (r.ok) {
      signature = r.signature;
    } else if (r.reason === 'blocked') {
      return { kind: 'pin-blocked' };
    } else {
      triesLeft = r.triesLeft;
      lastWrong = { kind: 'wrong-pin', triesLeft: r.triesLeft };
      display.status(wrongPinStatus(r.triesLeft));
    }
  }
  if (signature === undefined) return lastWrong ?? { kind: 'pin-entry-cancelled' };
  if (!signatureMatchesCertificate(attrs.der, signature, cert.der)) {
    throw terminalError('card_not_supported', 'The card\'s signature does not match its signature certificate.');
  }

  display.status('Contacting the service…');
  const sent = await deliverSignature(
    opts.server,
    { requestId: request.id, terminalId: opts.terminalId, certificate: cert.der, signature },
    { ...(opts.retryDelaysMs ? { retryDelaysMs: opts.retryDelaysMs } : {}), onRetry: () => display.status('The service did not answer; trying again (no new PIN needed)…') },
  );
  if (sent.ok) return { kind: 'signed', level: sent.level, cms: sent.cms, ...(sent.pdf ? { pdf: sent.pdf } : {}) };
  if (sent.kind === 'refused') return { kind: 'server-refused', code: sent.code, status: sent.status, title: sent.title };
  return { kind: 'server-unavailable', detail: sent.detail };
}
