// The wire types a relying party sees, written out for the client on its own
// (this package depends on nothing of the service): they follow the
// OpenAPI document at /openapi.json.
export interface Transaction {
  readonly amount: string;
  readonly currency: string;
  readonly payee: string;
  readonly reference?: string;
}

export interface ChallengeRequest {
  readonly terminalId: string;
  readonly transaction?: Transaction;
  readonly requestedAttributes?: readonly string[];
  readonly consentText?: string;
  readonly ttlSeconds?: number;
  /** The result carries the evidence (certificate, signature, preimage, fresh OCSP). */
  readonly evidence?: boolean;
}

export interface Challenge {
  readonly id: string;
  readonly nonce: string;
  readonly expiresAt: string;
  readonly rpId: string;
  readonly terminalId: string;
  readonly transaction: Transaction | null;
  readonly requestedAttributes: readonly string[];
  readonly consentText: string | null;
  readonly evidence?: true;
  readonly signingInput: {
    readonly algorithm: 'SHA-256';
    readonly domain: string;
    readonly transactionCanonical: string;
    readonly rpIdSha256: string;
    readonly nonceSha256: string;
    readonly terminalIdSha256: string;
    readonly transactionSha256: string;
    readonly input: string;
  };
}

export interface ResultEvidence {
  readonly cert: string;
  readonly sig: string;
  readonly signing_input_preimage: string;
  readonly ocsp: string;
}

export interface ResultClaims {
  readonly iss: string;
  readonly aud: string;
  readonly sub: string;
  readonly iat: number;
  readonly exp: number;
  readonly auth_time: number;
  readonly jti: string;
  readonly card_serial: string | null;
  readonly cert_serial: string;
  readonly cert_sha256: string;
  readonly terminal_id: string;
  readonly txn_hash: string | null;
  readonly txn: Transaction | null;
  readonly pinVerified: 'on-card';
  readonly tries_left?: number;
  readonly attributes?: Readonly<Record<string, string>>;
  readonly evidence?: ResultEvidence;
}

export type ChallengeState =
  | { readonly status: 'pending'; readonly expiresAt: string; readonly challenge?: Challenge }
  | { readonly status: 'completed'; readonly result: string; readonly claims: ResultClaims }
  | { readonly status: 'failed'; readonly code: string }
  | { readonly status: 'expired' };

export interface Delivery {
  readonly id: string;
  readonly webhookId: string;
  readonly type: string;
  readonly status: 'pending' | 'delivered' | 'failed';
  readonly attempts: number;
  readonly createdAt: string;
  readonly nextAttemptAt: string | null;
  readonly lastAttemptAt: string | null;
  readonly lastStatus: number | null;
  readonly lastError: string | null;
  readonly deliveredAt: string | null;
}

export type WebhookEvent =
  | { readonly type: 'auth.challenge.completed'; readonly timestamp: string; readonly data: { readonly challengeId: string; readonly terminalId: string; readonly result: string } }
  | { readonly type: 'auth.challenge.failed'; readonly timestamp: string; readonly data: { readonly challengeId: string; readonly terminalId: string; readonly code: string } }
  | {
      readonly type: 'card.suspended' | 'card.resumed' | 'card.revoked' | 'card.replaced';
      readonly timestamp: string;
      readonly data: { readonly subject: string; readonly cardSerial: string; readonly at: string; readonly reason?: string };
    };

export interface Configuration {
  readonly issuer: string;
  readonly jwks_uri: string;
  readonly api_version: string;
  readonly result_typ: string;
  readonly currencies_supported: readonly string[];
  readonly long_poll_max_wait_seconds: number;
  readonly result_retention_seconds: number;
  readonly evidence_supported: boolean;
  readonly token_endpoint_auth_methods_supported: readonly string[];
  readonly webhook_events_supported: readonly string[];
}

/** An answer of the API that was not a success: the problem document's code, status and detail. */
export class CardauthApiError extends Error {
  override readonly name = 'CardauthApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly problem: Readonly<Record<string, unknown>>,
  ) {
    super(message);
  }
}
