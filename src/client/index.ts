// @cardauth/client — the typed client for relying parties of cardauth:
// challenges with idempotency keys, long-poll, result and evidence
// verification, and webhook reception (signature, timestamp, replay).
export { CardauthClient, RESULT_TYP, type CardauthClientOptions, type Credential } from './client.js';
export { EvidenceError, verifyEvidence, type VerifiedEvidence } from './evidence.js';
export { MemoryReplayGuard, verifyWebhook, webhookListener, WebhookVerificationError, type ReplayGuard, type VerifyWebhookOptions } from './webhook.js';
export * from './types.js';
