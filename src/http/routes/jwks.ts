// GET /.well-known/jwks.json (docs/architecture.md, "HTTP": public URLs; RFC 7517 §5): the public
// keys that sign authentication results — the current one and the previous
// ones still published after a rotation — so relying parties verify results
// offline with any JOSE library. After `cardauth ca rotate-result-key` the
// set changes without a restart: with `refresh` (LiveResultKeys) the route
// looks at the key-set file before answering (one stat, shared by concurrent
// requests), so a kid any process signs with is in every process's answer.
// max-age is short so a cache in front of the service follows a rotation
// soon; RPs should still refetch on an unknown kid.
import { z } from 'zod';
import type { ResultKeys, ResultPublicJwk } from '../../auth/ports.js';
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

export const JWKS_MAX_AGE_SECONDS = 60;

export function jwksRoutes(deps: { readonly keys: ResultKeys; readonly refresh?: () => Promise<void> }): AnyRoute[] {
  let bodyFor: readonly ResultPublicJwk[] | undefined;
  let body: { keys: ResultPublicJwk[] } = { keys: [] };
  const headers = { 'Cache-Control': `public, max-age=${JWKS_MAX_AGE_SECONDS}` };
  return [
    defineRoute({
      method: 'get',
      path: '/.well-known/jwks.json',
      operationId: 'getJwks',
      codes: [],
      summary: 'Public keys that sign authentication results (JWK Set)',
      tags: ['authentication'],
      responses: { 200: { description: 'JWK Set (RFC 7517)', schema: z.object({ keys: z.array(jwkSchema) }), contentType: 'application/jwk-set+json' } },
      async handle() {
        if (deps.refresh) await deps.refresh();
        const published = deps.keys.published;
        if (published !== bodyFor) {
          body = { keys: published.map((k) => ({ ...k })) };
          bodyFor = published;
        }
        return { body, contentType: 'application/jwk-set+json', headers };
      },
    }),
  ];
}
