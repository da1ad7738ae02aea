// What the staff console adds to the service: the API routes its pages need
// that the CLI reached through the registry directly (audit, relying-party
// administration, dashboard figures, stock, a citizen's cards), the root
// redirect, and the /console/ mount serving the pages. Every route here is
// a route definition like any other, in the OpenAPI document, behind the
// staff session and the permission table.
import { consoleMount } from '../console/mount.js';
import { consoleRoutes } from '../console/routes.js';
import type { Mount } from '../http/app.js';
import type { AnyRoute } from '../http/route.js';
import { auditRoutes } from '../http/routes/audit.js';
import { citizenCardRoutes } from '../http/routes/citizen-cards.js';
import { dashboardRoutes } from '../http/routes/dashboard.js';
import { relyingPartyRoutes } from '../http/routes/relying-parties.js';
import { stockRoutes } from '../http/routes/stock.js';
import { staffSessionAuth } from '../http/staff-auth.js';
import type { Sql } from '../registry/sql.js';
import type { StaffDeps } from '../staff/deps.js';
import type { EphemeralStore } from '../store/ephemeral.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';

export function assembleConsole(opts: {
  readonly sql: Sql;
  readonly store: EphemeralStore;
  readonly clock: Clock;
  readonly staff: StaffDeps;
  /** The key of the RP API-secret hashes. */
  readonly apiPepper: Buffer;
  readonly baseUrl: string;
  readonly logger: Logger;
}): { routes: AnyRoute[]; mount: Mount } {
  const auth = staffSessionAuth(opts.staff);
  return {
    routes: [
      ...consoleRoutes(),
      ...dashboardRoutes({ sql: opts.sql, store: opts.store, clock: opts.clock, auth }),
      ...auditRoutes({ sql: opts.sql, auth }),
      ...relyingPartyRoutes({ sql: opts.sql, apiPepper: opts.apiPepper, clock: opts.clock, auth }),
      ...stockRoutes({ sql: opts.sql, auth }),
      ...citizenCardRoutes({ sql: opts.sql, auth }),
    ],
    mount: consoleMount({ baseUrl: opts.baseUrl, logger: opts.logger }),
  };
}
