// Error codes of the HTTP layer itself (request shape, not domain rules).
import { defineCodes } from '../errors/app-error.js';

export const httpCodes = defineCodes({
  invalid_request: { status: 400, title: 'The request does not match the schema' },
  invalid_json: { status: 400, title: 'The request body is not valid JSON' },
  unsupported_media_type: { status: 415, title: 'Unsupported content type' },
  payload_too_large: { status: 413, title: 'The request body is too large' },
  not_found: { status: 404, title: 'No such resource' },
  internal_error: { status: 500, title: 'Internal error' },
});
