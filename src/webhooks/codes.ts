// Stable public error codes of webhooks to relying parties.
import { codedErrors, defineCodes } from '../errors/app-error.js';

export const webhookCodes = defineCodes({
  webhook_invalid: { status: 400, title: 'The webhook endpoint is invalid' },
  webhook_not_found: { status: 404, title: 'No such webhook endpoint' },
  webhook_delivery_not_found: { status: 404, title: 'No such webhook delivery' },
});

export const [webhookError, isWebhookError] = codedErrors(webhookCodes);
