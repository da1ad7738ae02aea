// The service's root sends a browser to the staff console.
import { defineRoute, type AnyRoute } from '../http/route.js';
import { CONSOLE_PREFIX } from './mount.js';

export function consoleRoutes(): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/',
      operationId: 'rootRedirect',
      summary: 'Redirects to the staff console (/console/)',
      tags: ['console'],
      responses: { 302: { description: 'To /console/' } },
      async handle() {
        return { status: 302, headers: { Location: `${CONSOLE_PREFIX}/` } };
      },
    }),
  ];
}
