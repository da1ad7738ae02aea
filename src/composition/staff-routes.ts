// The staff API routes, when the staff module provides them.
import type { AnyRoute } from '../http/route.js';
import type { StaffDeps } from '../staff/index.js';

export function staffRouteSet(_deps: StaffDeps): AnyRoute[] {
  return [];
}
