// RouteTable: the route definitions' express-5 paths matched without express.
import assert from 'node:assert/strict';
import { isAppError } from '../../src/errors/app-error.js';
import type { AnyRoute } from '../../src/http/route.js';
import { RouteTable } from '../../src/http/route-table.js';

const route = (method: AnyRoute['method'], path: string): AnyRoute =>
  ({ method, path, operationId: `${method} ${path}`, summary: '', tags: [], responses: {}, handle: async () => undefined }) as AnyRoute;

describe('RouteTable', () => {
  const routes = [
    route('post', '/v1/auth/challenges'),
    route('get', '/v1/auth/challenges/:id'),
    route('post', '/v1/auth/challenges/:id/response'),
    route('post', '/v1/issuance/cards/expire'),
    route('post', '/v1/issuance/cards/:serial'),
    route('get', '/pki/ocsp/*request'),
  ];
  const table = new RouteTable(routes);
  const op = (method: string, url: string) => table.match(method, url)?.route.operationId;

  it('matches literal paths by method, ignoring a query, one trailing slash and letter case', () => {
    assert.equal(op('POST', '/v1/auth/challenges'), 'post /v1/auth/challenges');
    assert.equal(op('POST', '/v1/auth/challenges/?x=1'), 'post /v1/auth/challenges');
    assert.equal(op('POST', '/V1/Auth/Challenges'), 'post /v1/auth/challenges');
    assert.equal(op('GET', '/v1/auth/challenges'), undefined);
    assert.equal(op('HEAD', '/v1/auth/challenges/ch_1'), undefined);
    assert.equal(op('POST', '/v1/auth/challenges//'), undefined);
  });

  it('captures :params (decoded) and prefers the route defined first', () => {
    assert.deepEqual(table.match('POST', '/v1/auth/challenges/ch_a%2Db/response')?.params, { id: 'ch_a-b' });
    assert.deepEqual(table.match('GET', '/v1/auth/challenges/ch_1?wait=1')?.params, { id: 'ch_1' });
    assert.equal(op('GET', '/v1/auth/challenges/'), undefined);
    assert.equal(op('GET', '/v1/auth/challenges/a/b'), undefined);
    assert.equal(op('POST', '/v1/issuance/cards/expire'), 'post /v1/issuance/cards/expire');
    assert.deepEqual(table.match('POST', '/v1/issuance/cards/1234')?.params, { serial: '1234' });
  });

  it('gives a *wildcard the rest of the path as decoded segments', () => {
    assert.deepEqual(table.match('GET', '/pki/ocsp/MEow%2BSA/Ab%3D%3D')?.params, { request: ['MEow+SA', 'Ab=='] });
    assert.equal(op('GET', '/pki/ocsp'), undefined);
  });

  it('refuses malformed percent-encoding in a matched route with invalid_request', () => {
    assert.throws(() => table.match('GET', '/v1/auth/challenges/%E0%A4%A'), (e: unknown) => isAppError(e) && e.code === 'invalid_request' && e.status === 400);
  });

  it('refuses path syntax it does not implement when the table is built', () => {
    assert.throws(() => new RouteTable([route('get', '/a/:id?')]), /unsupported path syntax/);
    assert.throws(() => new RouteTable([route('get', '/a/*rest/b')]), /last segment/);
  });
});
