// readBody: the whole body within its bound, or a typed refusal — over the
// declared or streamed size, or a client that goes away mid-body.
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { isAppError } from '../../src/errors/app-error.js';
import { readBody } from '../../src/http/body.js';

function fakeRequest(headers: Record<string, string> = {}): PassThrough & { headers: Record<string, string> } {
  return Object.assign(new PassThrough(), { headers });
}
const code = (c: string) => (e: unknown) => isAppError(e) && e.code === c;

describe('readBody', () => {
  it('joins the chunks', async () => {
    const req = fakeRequest();
    const body = readBody(req as unknown as IncomingMessage, 16);
    req.write('{"a":');
    req.end('1}');
    assert.equal((await body).toString(), '{"a":1}');
  });

  it('refuses a declared or a streamed size over the bound with payload_too_large', async () => {
    await assert.rejects(readBody(fakeRequest({ 'content-length': '17' }) as unknown as IncomingMessage, 16), code('payload_too_large'));
    const req = fakeRequest();
    const body = readBody(req as unknown as IncomingMessage, 16);
    req.write(Buffer.alloc(10));
    req.write(Buffer.alloc(10));
    await assert.rejects(body, code('payload_too_large'));
  });

  it('refuses a body whose client went away before its end with invalid_request', async () => {
    const req = fakeRequest();
    const body = readBody(req as unknown as IncomingMessage, 16);
    req.write('{"a":');
    req.destroy();
    await assert.rejects(body, code('invalid_request'));
  });
});
