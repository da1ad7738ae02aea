// GET /.well-known/jwks.json (DESIGN.md public URLs; RFC 7517 §5): the public
// keys that sign authentication results — the current one and the previous
// ones still published after a rotation — so relying parties verify results
// offline with any JOSE library.
import { z } from 'zod';
import type { ResultKeys } from '../../auth/ports.js';
import { defineRoute, type AnyRoute } from '../route.js';

const jwkSchema = z.object({
  kty: z.literal('EC'),
  crv: z.literal('P-256'),
  x: z.string(),
  y: z.string(),
  kid: z.string(),
  alg: z.literal('ES256'),
  use: z.literal('sig'),
});

export function jwksRoutes(deps: { readonly keys: ResultKeys }): AnyRoute[] {
  const body = { keys: deps.keys.published.map((k) => ({ ...k })) };
  return [
    defineRoute({
      method: 'get',
      path: '/.well-known/jwks.json',
      operationId: 'getJwks',
      summary: 'Public keys that sign authentication results (JWK Set)',
      tags: ['authentication'],
      responses: { 200: { description: 'JWK Set (RFC 7517)', schema: z.object({ keys: z.array(jwkSchema) }), contentType: 'application/jwk-set+json' } },
      async handle() {
        return { body, contentType: 'application/jwk-set+json', headers: { 'Cache-Control': 'public, max-age=300' } };
      },
    }),
  ];
}
