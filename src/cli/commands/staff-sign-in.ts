// The staff member a command acts for, from the environment, the way the
// station commands sign in: CARDAUTH_STAFF_TOKEN (a session from `cardauth
// staff login`), or CARDAUTH_STAFF_USER with CARDAUTH_STAFF_PASSWORD_FILE (the
// command signs in itself: argon2id, rate-limited like any login). Never a
// password in an argument or a variable. A permission given is checked here,
// so a command refuses before it changes anything (the station commands check
// theirs per operation: src/issuance/permissions.ts).
import { readFileSync } from 'node:fs';
import { requirePermission, type Permission } from '../../access/permissions.js';
import { authenticateSession, login, type StaffDeps, type StaffPrincipal } from '../../staff/index.js';
import { CliError } from '../io.js';

export async function staffFromEnv(env: NodeJS.ProcessEnv, deps: StaffDeps, permission?: Permission): Promise<StaffPrincipal> {
  const token = env['CARDAUTH_STAFF_TOKEN'];
  const user = env['CARDAUTH_STAFF_USER'];
  let principal: StaffPrincipal;
  if (token) {
    principal = await authenticateSession(deps, token);
  } else if (user) {
    const file = env['CARDAUTH_STAFF_PASSWORD_FILE'];
    if (!file) throw new CliError('CARDAUTH_STAFF_USER needs CARDAUTH_STAFF_PASSWORD_FILE', 'staff_credentials_missing', 2);
    let password: string;
    try {
      password = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch {
      throw new CliError('cannot read CARDAUTH_STAFF_PASSWORD_FILE', 'file_unreadable', 2);
    }
    principal = (await login(deps, { username: user, password, address: 'cli' })).principal;
  } else {
    throw new CliError('sign in first: set CARDAUTH_STAFF_TOKEN (from cardauth staff login), or CARDAUTH_STAFF_USER and CARDAUTH_STAFF_PASSWORD_FILE', 'staff_credentials_missing', 2);
  }
  if (permission !== undefined) requirePermission(principal, permission);
  return principal;
}
