// `cardauth staff …`: staff accounts from the command line.
//   staff add --username U --role admin|supervisor|officer|auditor --display-name NAME
//       the new password is read without echo from the terminal, or one line
//       from standard input; never from an argument. With no admin yet, the
//       first admin is created without a session; afterwards an admin session
//       is needed (CARDAUTH_STAFF_TOKEN).
//   staff login --username U     prints a session token for CARDAUTH_STAFF_TOKEN
//   staff logout | whoami | list
//   staff disable|enable <username>
//   staff passwd [<username>]    new password for yourself (or, as admin, another account)
//   staff unlock <username>      lift the account's sign-in throttle: its lock after many
//                                failed sign-ins, or the waits before it (admin; audited)
// Sessions: Redis when REDIS_URL is set, else kept in the registry.
import { parseArgs } from 'node:util';
import { addStaff, changePassword, listStaffAccounts, setDisabled } from '../../staff/accounts.js';
import { staffError } from '../../staff/codes.js';
import { login } from '../../staff/login.js';
import { unlockSignIn } from '../../staff/unlock.js';
import type { StaffPrincipal } from '../../staff/principal.js';
import { authenticateSession, endSession } from '../../staff/sessions.js';
import { staffByUsername } from '../../registry/repos/staff.js';
import type { StaffDeps } from '../../staff/deps.js';
import { CliError, type CliIo } from '../io.js';
import { asCli, openMigratedRegistry, openStaff } from './registry-env.js';
import { secretReader } from './staff-secret.js';
import { connectServer, serverOf } from './server-client.js';

const USAGE = `usage:
  cardauth staff add --username <u> --role admin|supervisor|officer|auditor --display-name <name> [--dir <data-dir>]
  cardauth staff login --username <u> [--dir <data-dir>]
  cardauth staff logout | whoami | list [--dir <data-dir>]
  cardauth staff disable|enable <username> [--dir <data-dir>]
  cardauth staff passwd [<username>] [--dir <data-dir>]
  cardauth staff unlock <username> [--dir <data-dir>]
  --server URL (or CARDAUTH_SERVER) in place of --dir: the same over the staff API of a running service (all but passwd; the first admin is added directly)
(password: typed without echo, or one line on standard input; session: CARDAUTH_STAFF_TOKEN)
`;

const subcommands = ['add', 'login', 'logout', 'whoami', 'list', 'disable', 'enable', 'passwd', 'unlock'] as const;
type Sub = (typeof subcommands)[number];

async function session(deps: StaffDeps, io: CliIo): Promise<StaffPrincipal> {
  const token = io.env['CARDAUTH_STAFF_TOKEN'];
  if (!token) throw staffError('staff_session_required', 'Sign in first: cardauth staff login, then set CARDAUTH_STAFF_TOKEN');
  return authenticateSession(deps, token);
}

interface StaffView {
  id: string;
  username: string;
  role: string;
  displayName: string;
  disabled: boolean;
}

/** --server: the same actions over the staff API (the first admin is created directly, before the service runs). */
async function staffAtServer(
  sub: Sub,
  values: { username?: string | undefined; role?: string | undefined; 'display-name'?: string | undefined; json?: boolean | undefined },
  positionals: string[],
  server: string,
  io: CliIo,
  secrets: ReturnType<typeof secretReader>,
): Promise<number> {
  if (sub === 'login') {
    if (values.username === undefined) throw new CliError(`--username is required\n${USAGE}`, 'usage', 2);
    const password = await secrets.read(`Password for ${values.username}: `);
    const res = await fetch(`${server}/v1/staff/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: values.username, password }) }).catch((cause: Error) => {
      throw new CliError(`cannot reach the service at ${server} (${cause.message})`, 'server_unavailable', 1);
    });
    const body = (await res.json()) as { token?: string; code?: string; detail?: string; expiresAt?: string };
    if (!res.ok || body.token === undefined) throw new CliError(body.detail ?? 'sign-in refused', body.code ?? `http_${res.status}`, 1);
    io.stdout.write(`${body.token}\n`);
    io.stderr.write(`signed in${body.expiresAt ? ` until ${body.expiresAt}` : ''}; export CARDAUTH_STAFF_TOKEN=<the token above>\n`);
    return 0;
  }
  if (sub === 'passwd') throw new CliError('staff passwd has no --server form yet', 'usage', 2);
  const client = await connectServer(server, io);
  switch (sub) {
    case 'add': {
      for (const k of ['username', 'role', 'display-name'] as const) {
        if (values[k] === undefined) throw new CliError(`--${k} is required\n${USAGE}`, 'usage', 2);
      }
      const password = await secrets.read(`Password for ${values.username}: `);
      if (io.stdin.isTTY && (await secrets.read('Type it again: ')) !== password) throw new CliError('the two passwords differ', 'usage', 2);
      const v = await client.call<StaffView>('POST', '/v1/staff/accounts', { username: values.username, role: values.role, displayName: values['display-name'], password });
      io.stdout.write(values.json ? `${JSON.stringify(v)}\n` : `added ${v.role} ${v.username} (${v.displayName}) id ${v.id}\n`);
      return 0;
    }
    case 'logout':
      await client.call('POST', '/v1/staff/logout', {});
      io.stdout.write('signed out\n');
      return 0;
    case 'whoami': {
      const p = await client.call<{ username: string; role: string; displayName: string }>('GET', '/v1/staff/me');
      io.stdout.write(values.json ? `${JSON.stringify(p)}\n` : `${p.username} (${p.role}) ${p.displayName}\n`);
      return 0;
    }
    case 'list': {
      const r = await client.call<{ staff: StaffView[] }>('GET', '/v1/staff/accounts');
      for (const v of r.staff) io.stdout.write(`${v.username}\t${v.role}\t${v.disabled ? 'disabled' : 'active'}\t${v.displayName}\n`);
      return 0;
    }
    case 'disable':
    case 'enable': {
      const username = positionals[0];
      if (username === undefined) throw new CliError(`a username is required\n${USAGE}`, 'usage', 2);
      const target = (await client.call<{ staff: StaffView[] }>('GET', '/v1/staff/accounts')).staff.find((v) => v.username === username);
      if (target === undefined) throw new CliError(`No staff account ${username}`, 'staff_not_found', 1);
      const v = await client.call<StaffView>('PATCH', `/v1/staff/accounts/${encodeURIComponent(target.id)}`, { disabled: sub === 'disable' });
      io.stdout.write(`${v.username} is ${v.disabled ? 'disabled (its sessions have ended)' : 'enabled'}\n`);
      return 0;
    }
    case 'unlock': {
      const username = positionals[0];
      if (username === undefined) throw new CliError(`a username is required\n${USAGE}`, 'usage', 2);
      const target = (await client.call<{ staff: StaffView[] }>('GET', '/v1/staff/accounts')).staff.find((v) => v.username === username);
      if (target === undefined) throw new CliError(`No staff account ${username}`, 'staff_not_found', 1);
      await client.call('POST', `/v1/staff/accounts/${encodeURIComponent(target.id)}/unlock`, {});
      io.stdout.write(`${username}: sign-in throttle lifted\n`);
      return 0;
    }
  }
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (!(subcommands as readonly (string | undefined)[]).includes(sub)) {
    (sub === '--help' ? io.stdout : io.stderr).write(USAGE);
    return sub === '--help' ? 0 : 2;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: { dir: { type: 'string' }, username: { type: 'string' }, role: { type: 'string' }, 'display-name': { type: 'string' }, json: { type: 'boolean' }, server: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new CliError(`${(e as Error).message}\n${USAGE}`, 'usage', 2);
  }
  const { values, positionals } = parsed;
  const secrets = secretReader(io.stdin, io.stderr);
  const server = serverOf(values.server, io.env);
  if (server !== undefined) return staffAtServer(sub as Sub, values, positionals, server, io, secrets);
  const db = await asCli(() => openMigratedRegistry(io, values.dir));
  const staff = await asCli(() => openStaff(io, db));
  const deps = staff.deps;
  try {
    return await asCli(async () => {
      switch (sub as Sub) {
        case 'add': {
          for (const k of ['username', 'role', 'display-name'] as const) {
            if (values[k] === undefined) throw new CliError(`--${k} is required\n${USAGE}`, 'usage', 2);
          }
          // No session given: the first-admin path (refused with staff_admin_exists once an admin exists).
          const by = io.env['CARDAUTH_STAFF_TOKEN'] ? await session(deps, io) : undefined;
          const password = await secrets.read(`Password for ${values.username}: `);
          if (io.stdin.isTTY) {
            const again = await secrets.read('Type it again: ');
            if (again !== password) throw new CliError('the two passwords differ', 'usage', 2);
          }
          const v = await addStaff(deps, by, { username: values.username!, role: values.role!, displayName: values['display-name']!, password });
          io.stdout.write(values.json ? `${JSON.stringify(v)}\n` : `added ${v.role} ${v.username} (${v.displayName}) id ${v.id}\n`);
          return 0;
        }
        case 'login': {
          if (values.username === undefined) throw new CliError(`--username is required\n${USAGE}`, 'usage', 2);
          const password = await secrets.read(`Password for ${values.username}: `);
          const r = await login(deps, { username: values.username, password, address: 'cli' });
          io.stdout.write(`${r.token}\n`);
          io.stderr.write(`signed in as ${r.principal.username} (${r.principal.role}) until ${r.expiresAt.toISOString()}; export CARDAUTH_STAFF_TOKEN=<the token above>\n`);
          return 0;
        }
        case 'logout': {
          const token = io.env['CARDAUTH_STAFF_TOKEN'];
          if (token) await endSession(deps, token);
          io.stdout.write('signed out\n');
          return 0;
        }
        case 'whoami': {
          const p = await session(deps, io);
          io.stdout.write(values.json ? `${JSON.stringify(p)}\n` : `${p.username} (${p.role}) ${p.displayName}\n`);
          return 0;
        }
        case 'list': {
          const list = await listStaffAccounts(deps, await session(deps, io));
          for (const s of list) io.stdout.write(`${s.username}\t${s.role}\t${s.disabled ? 'disabled' : 'active'}\t${s.displayName}\n`);
          return 0;
        }
        case 'disable':
        case 'enable': {
          const username = positionals[0];
          if (username === undefined) throw new CliError(`a username is required\n${USAGE}`, 'usage', 2);
          const by = await session(deps, io);
          const target = await staffByUsername(db, username);
          if (!target) throw staffError('staff_not_found', `No staff account ${username}`);
          const v = await setDisabled(deps, by, target.id, sub === 'disable');
          io.stdout.write(`${v.username} is ${v.disabled ? 'disabled (its sessions have ended)' : 'enabled'}\n`);
          return 0;
        }
        case 'unlock': {
          const username = positionals[0];
          if (username === undefined) throw new CliError(`a username is required\n${USAGE}`, 'usage', 2);
          const u = await unlockSignIn(deps, await session(deps, io), { username });
          io.stdout.write(`${u.username}: sign-in throttle lifted (${u.failures} failed sign-ins on record${u.wasLocked ? ', it was locked' : ''})\n`);
          return 0;
        }
        case 'passwd': {
          const by = await session(deps, io);
          const username = positionals[0] ?? by.username;
          const target = await staffByUsername(db, username);
          if (!target) throw staffError('staff_not_found', `No staff account ${username}`);
          const password = await secrets.read(`New password for ${username}: `);
          await changePassword(deps, by, target.id, password);
          io.stdout.write(`password of ${username} changed; its sessions have ended\n`);
          return 0;
        }
      }
    });
  } finally {
    await staff.close();
    await db.close();
  }
}
