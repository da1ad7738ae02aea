// POST /v1/sign/requests/{id}/response: runs the checks of ./checks/index.ts
// in order, then completes the signature: the signature time-stamp from the
// CA's TSA (CAdES-B-T), the CMS, and for a PDF the signed PDF. Once the
// request is consumed every outcome — the signed containers or the public
// failure code — is stored for GET. As for authentication, a signature whose
// every check passed but which the service could not complete (registry or
// TSA unavailable: 503) puts the request back for the rest of its lifetime,
// so the terminal can send the same signature again without a new PIN.
// Logged: the request, RP, terminal, card and certificate serials and the
// document digest — never the document, the certificate bytes or the
// signature.
import { storeCall } from '../../auth/lib/store-call.js';
import { isAppError } from '../../errors/app-error.js';
import { assembleSignedData } from '../cades/assemble-signed-data.js';
import { timestampSignature } from '../cades/sign-detached.js';
import { SigningFailure } from '../codes.js';
import { embedSignature } from '../pdf/embed-signature.js';
import { signatureChecks } from './checks/index.js';
import { need, type SignCaller, type SignContext, type UnverifiedSignature } from './checks/context.js';
import { DEFAULT_SIGN_OUTCOME_TTL_SECONDS, type SignDeps } from './deps.js';
import { documentKey, outcomeKey, requestKey } from './store-keys.js';
import type { SignRequestId, SignRequestRecord, SignRequestState, SignResult } from './types.js';
import { unavailableError } from '../../errors/common-codes.js';

async function remember(deps: SignDeps, ctx: SignContext, outcome: SignRequestState): Promise<void> {
  await storeCall('store sign outcome', () =>
    deps.store.set(outcomeKey(ctx.caller.rpId, ctx.requestId), JSON.stringify(outcome), (deps.outcomeTtlSeconds ?? DEFAULT_SIGN_OUTCOME_TTL_SECONDS) * 1000),
  );
}

async function putBack(deps: SignDeps, ctx: SignContext, r: SignRequestRecord): Promise<boolean> {
  const left = r.expiresAt - deps.clock.now().getTime();
  if (left <= 0) return false;
  return deps.store.setIfAbsent(requestKey(ctx.caller.rpId, ctx.requestId), JSON.stringify(r), left).catch(() => false);
}

async function complete(deps: SignDeps, ctx: SignContext): Promise<SignResult> {
  const r = need(ctx.request, 'request');
  const signature = need(ctx.unverifiedSignature, 'signature bytes');
  const certDer = need(ctx.unverifiedCertDer, 'certificate bytes');
  let stamped: { token: Buffer; genTime: Date } | undefined;
  if (deps.timestamper) {
    try {
      stamped = await timestampSignature(deps.timestamper, signature);
    } catch (err) {
      throw unavailableError('The timestamping authority cannot answer now; send the signature again shortly.', { cause: String(err) });
    }
  }
  const cms = assembleSignedData({
    signedAttributes: need(ctx.signedAttributes, 'signed attributes'),
    signature,
    signerCertificate: certDer,
    chain: deps.chain,
    timestampToken: stamped?.token,
  });
  let pdf: Buffer | undefined;
  if (r.container === 'pades') {
    const prepared = await storeCall('read prepared PDF', () => deps.store.get(documentKey(r.rpId, r.id)));
    if (prepared === null) throw unavailableError('The prepared PDF is no longer available.');
    pdf = await embedSignature(Buffer.from(prepared, 'base64'), cms, Buffer.from(r.documentSha256, 'hex'));
  }
  const signer = need(ctx.signer, 'verified certificate');
  const status = need(ctx.status, 'status');
  return {
    cms: cms.toString('base64'),
    ...(pdf ? { pdf: pdf.toString('base64') } : {}),
    level: stamped ? 'B-T' : 'B-B',
    ...(stamped ? { timestampedAt: stamped.genTime.toISOString() } : {}),
    documentSha256: r.documentSha256,
    signer: {
      subject: signer.subject,
      serialNumber: signer.serialNumber ?? null,
      certSerial: signer.certSerialHex,
      certSha256: signer.certSha256,
      cardSerial: String(status.cardSerial),
    },
  };
}

export async function submitSignature(deps: SignDeps, caller: SignCaller, requestId: SignRequestId, unverified: UnverifiedSignature): Promise<SignResult> {
  const ctx: SignContext = { deps, caller, requestId, unverified, now: deps.clock.now() };
  let step = '';
  try {
    for (const check of signatureChecks) {
      step = check.name;
      const pending = check.run(ctx);
      if (pending !== undefined) await pending;
    }
    step = 'complete';
    const result = await complete(deps, ctx);
    await remember(deps, ctx, { status: 'completed', ...result });
    await deps.store.del(documentKey(caller.rpId, requestId)).catch(() => undefined);
    deps.log.info('document signed', {
      request: requestId,
      rp: caller.rpId,
      terminal: unverified.terminalId,
      container: ctx.request!.container,
      documentSha256: result.documentSha256,
      cardSerial: result.signer.cardSerial,
      certSerial: result.signer.certSerial,
      level: result.level,
    });
    return result;
  } catch (err) {
    const code = isAppError(err) ? err.code : 'internal_error';
    deps.log.warn('document signature refused', {
      request: requestId,
      rp: caller.rpId,
      terminal: unverified.terminalId,
      step,
      code,
      ...(err instanceof SigningFailure ? { reason: err.reason } : {}),
      ...(isAppError(err) ? {} : { error: String(err) }),
    });
    if (ctx.request !== undefined) {
      const retryable = code === 'unavailable' && (step === 'card-status' || step === 'complete');
      if (retryable && (await putBack(deps, ctx, ctx.request))) {
        deps.log.info('sign request put back after the service could not complete it', { request: requestId, rp: caller.rpId });
      } else {
        await remember(deps, ctx, { status: 'failed', code }).catch(() => undefined);
        await deps.store.del(documentKey(caller.rpId, requestId)).catch(() => undefined);
      }
    }
    throw err;
  }
}
