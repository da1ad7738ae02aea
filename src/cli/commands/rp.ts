// `cardauth rp …`: relying parties and their terminals (src/auth/README.md).
//   cardauth rp add --name <name> --terminal <id> [--terminal <id>…] [--scope auth|ekyc]…
//                   [--attribute givenName|surname|birthDate|nationalId|country]…
//                   [--rate <per minute>] [--terminal-rate <per minute>]
//   cardauth rp rotate <rp id> [--overlap <seconds>]   (default 86400)
//   cardauth rp terminal-key <rp id> --terminal <id>   a credential that speaks for that terminal only
//   cardauth rp revoke-key <key id> [--reason <text>]
//   cardauth rp update <rp id> [--name <name>] [--add-terminal <id>]… [--remove-terminal <id>]…
//                      [--scope auth|ekyc]… [--attribute <name>]… [--no-attributes]
//                      [--rate <per minute>] [--terminal-rate <per minute>]
//   cardauth rp disable <rp id> [--reason <text>]
//   cardauth rp enable <rp id> [--reason <text>]
//   cardauth rp add-key <rp id> --jwk <file>        a public ES256 key (JWK) for Authorization: Client-Assertion
//   cardauth rp remove-key <rp id> --kid <kid>
//   cardauth rp webhook add <rp id> --url <http(s) URL> [--event <type>]…   prints the signing secret once
//   cardauth rp webhook list <rp id>
//   cardauth rp webhook remove <webhook id>
//   cardauth rp list
// The API secret is printed once, on standard output, by add and rotate; the
// registry keeps only its keyed hash. Runs on the service host: the registry
// from DATABASE_URL or the data directory, the pepper from <data-dir>/rp/
// (written when that data directory was initialised; never created here).
// Admin staff only (DESIGN: "admin staff register relying parties"; the
// staff permission rp.manage): signed in as for the station commands —
// CARDAUTH_STAFF_TOKEN from `cardauth staff login`, or CARDAUTH_STAFF_USER
// with CARDAUTH_STAFF_PASSWORD_FILE — and every change is audited with that
// staff member as the actor.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config.js';
import { isAppError } from '../../errors/app-error.js';
import type { EkycAttribute } from '../../rp/ids.js';
import { migrate } from '../../registry/migrate.js';
import { openDatabase } from '../../registry/open-database.js';
import type { Sql } from '../../registry/sql.js';
import { loadPeppers, pepperPath } from '../../rp/pepper.js';
import { setRpStatus } from '../../rp/repo/set-rp-status.js';
import { updateRp, type RpChangeRecord } from '../../rp/repo/update-rp.js';
import { listRps } from '../../rp/repo/list-rps.js';
import { registerRp } from '../../rp/repo/register-rp.js';
import { issueTerminalCredential } from '../../rp/repo/issue-terminal-credential.js';
import { revokeCredential } from '../../rp/repo/revoke-credential.js';
import { rotateCredential } from '../../rp/repo/rotate-credential.js';
import { addClientKey } from '../../rp/repo/add-client-key.js';
import { listClientKeys } from '../../rp/repo/find-client-key.js';
import { removeClientKey } from '../../rp/repo/remove-client-key.js';
import { addWebhook } from '../../webhooks/repo/add-webhook.js';
import { listWebhooks } from '../../webhooks/repo/list-webhooks.js';
import { removeWebhook } from '../../webhooks/repo/remove-webhook.js';
import type { RpScope } from '../../rp/types.js';
import { CliError, type CliIo } from '../io.js';
import { asCli, openStaff } from './registry-env.js';
import { staffFromEnv } from './staff-sign-in.js';

const USAGE = `usage:
  cardauth rp add --name <name> --terminal <id> [--terminal <id>…] [--scope auth|ekyc]… [--attribute <name>]…
                  [--rate <per minute>] [--terminal-rate <per minute>]
  cardauth rp rotate <rp id> [--overlap <seconds>]
  cardauth rp terminal-key <rp id> --terminal <id>
  cardauth rp revoke-key <key id> [--reason <text>]
  cardauth rp update <rp id> [--name <name>] [--add-terminal <id>]… [--remove-terminal <id>]…
                     [--scope auth|ekyc]… [--attribute <name>]… [--no-attributes]
                     [--rate <per minute>] [--terminal-rate <per minute>]
  cardauth rp disable <rp id> [--reason <text>]
  cardauth rp enable <rp id> [--reason <text>]
  cardauth rp add-key <rp id> --jwk <file>
  cardauth rp remove-key <rp id> --kid <kid>
  cardauth rp webhook add <rp id> --url <http(s) URL> [--event <type>]…
  cardauth rp webhook list <rp id>
  cardauth rp webhook remove <webhook id>
  cardauth rp list
(as admin staff: CARDAUTH_STAFF_TOKEN from cardauth staff login, or CARDAUTH_STAFF_USER with CARDAUTH_STAFF_PASSWORD_FILE)
`;

/** One line per changed field of an update, as the operator reads it. */
function describeChanges(c: RpChangeRecord): string[] {
  const list = (xs: readonly string[]) => xs.join(',') || '-';
  const lines: string[] = [];
  if (c.name) lines.push(`name: "${c.name.from}" -> "${c.name.to}"`);
  if (c.scopes) lines.push(`scopes: ${list(c.scopes.from)} -> ${list(c.scopes.to)}`);
  if (c.ekycAttributes) lines.push(`attributes: ${list(c.ekycAttributes.from)} -> ${list(c.ekycAttributes.to)}`);
  if (c.terminalsAdded) lines.push(`terminals added: ${list(c.terminalsAdded)}`);
  if (c.terminalsRemoved) lines.push(`terminals removed: ${list(c.terminalsRemoved)}`);
  if (c.terminalKeysRemoved) lines.push(`their keys removed: ${list(c.terminalKeysRemoved)}`);
  if (c.rateLimitPerMinute) lines.push(`rate: ${c.rateLimitPerMinute.from}/min -> ${c.rateLimitPerMinute.to}/min`);
  if (c.terminalRatePerMinute) lines.push(`terminal rate: ${c.terminalRatePerMinute.from}/min -> ${c.terminalRatePerMinute.to}/min`);
  return lines;
}

export interface RpAdmin {
  readonly sql: Sql;
  readonly apiPepper: Buffer;
  /** Seals webhook signing secrets (Peppers.webhookSeal). */
  readonly webhookSeal: Buffer;
  readonly actor: string;
  readonly now: () => Date;
  close(): Promise<void>;
}

export type OpenRpAdmin = (io: CliIo) => Promise<RpAdmin>;

export const openRpAdmin: OpenRpAdmin = async (io) => {
  const config = loadConfig(io.env);
  // Load-only, and before the registry: a data directory the service was not
  // initialised in is refused (pepper_not_initialised) with nothing written,
  // not given a pepper of its own that no credential would match.
  let peppers;
  try {
    peppers = loadPeppers(pepperPath(config.dataDir));
  } catch (err) {
    if (isAppError(err)) throw new CliError(err.message, err.code, 1);
    throw err;
  }
  const db = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrate(db);
    const staff = await openStaff(io, db);
    try {
      const admin = await asCli(() => staffFromEnv(io.env, staff.deps, 'rp.manage'));
      return { sql: db, apiPepper: peppers.apiSecret, webhookSeal: peppers.webhookSeal, actor: `staff:${admin.staffId}`, now: () => new Date(), close: () => db.close() };
    } finally {
      await staff.close();
    }
  } catch (e) {
    await db.close();
    throw e;
  }
};

function positiveInt(v: string | undefined, what: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d{1,9}$/.test(v)) throw new CliError(`${what} must be a whole number`, 'usage', 2);
  return Number(v);
}

export async function runWith(args: string[], io: CliIo, open: OpenRpAdmin): Promise<number> {
  const [action, ...rest] = args;
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      strict: true,
      options: {
        name: { type: 'string' },
        terminal: { type: 'string', multiple: true },
        'add-terminal': { type: 'string', multiple: true },
        'remove-terminal': { type: 'string', multiple: true },
        'no-attributes': { type: 'boolean' },
        scope: { type: 'string', multiple: true },
        attribute: { type: 'string', multiple: true },
        rate: { type: 'string' },
        'terminal-rate': { type: 'string' },
        overlap: { type: 'string' },
        reason: { type: 'string' },
        jwk: { type: 'string' },
        kid: { type: 'string' },
        url: { type: 'string' },
        event: { type: 'string', multiple: true },
      },
    });
  } catch (e) {
    throw new CliError(`${(e as Error).message}\n${USAGE}`, 'usage', 2);
  }
  const { values, positionals } = parsed;
  if (!['add', 'rotate', 'terminal-key', 'revoke-key', 'update', 'disable', 'enable', 'list', 'add-key', 'remove-key', 'webhook'].includes(action ?? '')) throw new CliError(USAGE.trimEnd(), 'usage', 2);
  if (action === 'terminal-key' && values.terminal?.length !== 1) throw new CliError(`rp terminal-key: name one --terminal\n${USAGE}`, 'usage', 2);
  if (action === 'add-key' && values.jwk === undefined) throw new CliError(`rp add-key: name the public key with --jwk <file>\n${USAGE}`, 'usage', 2);
  if (action === 'remove-key' && values.kid === undefined) throw new CliError(`rp remove-key: name the key with --kid <kid>\n${USAGE}`, 'usage', 2);
  if (action === 'webhook') {
    const [sub, id] = positionals;
    if (!['add', 'list', 'remove'].includes(sub ?? '') || id === undefined) throw new CliError(`rp webhook: add <rp id> --url <URL>, list <rp id> or remove <webhook id>\n${USAGE}`, 'usage', 2);
    if (sub === 'add' && values.url === undefined) throw new CliError(`rp webhook add: name the endpoint with --url\n${USAGE}`, 'usage', 2);
  }
  let jwk: unknown;
  if (action === 'add-key') {
    // Read before the registry is opened: a file that is not JSON is a usage error.
    try {
      jwk = JSON.parse(readFileSync(values.jwk!, 'utf8'));
    } catch (e) {
      throw new CliError(`rp add-key: ${values.jwk} is not a readable JSON file (${(e as Error).message})`, 'usage', 2);
    }
  }
  if (action === 'update') {
    // Checked before the registry is opened: a call that names no change is a usage error.
    const given = ['name', 'add-terminal', 'remove-terminal', 'scope', 'attribute', 'no-attributes', 'rate', 'terminal-rate'] as const;
    if (!given.some((k) => values[k] !== undefined)) throw new CliError(`rp update: name at least one change\n${USAGE}`, 'usage', 2);
    if (values['no-attributes'] && values.attribute) throw new CliError('rp update: --attribute and --no-attributes exclude each other', 'usage', 2);
  }
  const rpIdArg = (what = 'an RP id'): string => {
    if (positionals[0] === undefined) throw new CliError(`${what} is required\n${USAGE}`, 'usage', 2);
    return positionals[0];
  };
  const admin = await open(io);
  try {
    switch (action) {
      case 'add': {
        if (values.name === undefined) throw new CliError(`--name is required\n${USAGE}`, 'usage', 2);
        const rate = positiveInt(values.rate, '--rate');
        const terminalRate = positiveInt(values['terminal-rate'], '--terminal-rate');
        const { rp, credential } = await registerRp(
          admin.sql,
          {
            name: values.name,
            scopes: (values.scope ?? ['auth']) as RpScope[],
            ekycAttributes: (values.attribute ?? []) as EkycAttribute[],
            terminals: values.terminal ?? [],
            ...(rate === undefined ? {} : { rateLimitPerMinute: rate }),
            ...(terminalRate === undefined ? {} : { terminalRatePerMinute: terminalRate }),
          },
          admin.apiPepper,
          admin.actor,
          admin.now(),
        );
        io.stdout.write(`rp ${rp.id} "${rp.name}" registered; scopes ${rp.scopes.join(',')}; terminals ${rp.terminals.join(',')}\n`);
        io.stdout.write(`key id:  ${credential.keyId}\nsecret:  ${credential.secret}\n`);
        io.stdout.write(`send:    Authorization: Bearer ${credential.token}\n`);
        io.stderr.write('The secret is shown once and is not stored; keep it in the RP\'s secret store now.\n');
        return 0;
      }
      case 'rotate': {
        const overlap = positiveInt(values.overlap, '--overlap') ?? 86_400;
        const { credential, oldValidUntil } = await rotateCredential(admin.sql, rpIdArg(), overlap, admin.apiPepper, admin.actor, admin.now());
        io.stdout.write(`new key id: ${credential.keyId}\nsecret:     ${credential.secret}\n`);
        io.stdout.write(`send:       Authorization: Bearer ${credential.token}\n`);
        io.stdout.write(`previous credentials stay valid until ${oldValidUntil.toISOString()}\n`);
        io.stderr.write('The secret is shown once and is not stored.\n');
        return 0;
      }
      case 'terminal-key': {
        const { credential, terminal } = await issueTerminalCredential(admin.sql, rpIdArg(), values.terminal![0]!, admin.apiPepper, admin.actor, admin.now());
        io.stdout.write(`terminal ${terminal} key id: ${credential.keyId}\nsecret:  ${credential.secret}\n`);
        io.stdout.write(`send:    Authorization: Bearer ${credential.token}\n`);
        io.stderr.write('The secret is shown once and is not stored; put it in that terminal\'s secret store now. It is refused for any other terminal.\n');
        return 0;
      }
      case 'revoke-key': {
        const keyId = rpIdArg('a key id');
        const { rpId, changed } = await revokeCredential(admin.sql, keyId, values.reason ?? '', admin.actor, admin.now());
        io.stdout.write(`key ${keyId} of ${rpId} ${changed ? 'revoked' : 'already past its validity'}\n`);
        return 0;
      }
      case 'update': {
        const rate = positiveInt(values.rate, '--rate');
        const terminalRate = positiveInt(values['terminal-rate'], '--terminal-rate');
        const { rp, changed } = await updateRp(
          admin.sql,
          rpIdArg(),
          {
            ...(values.name === undefined ? {} : { name: values.name }),
            ...(values.scope === undefined ? {} : { scopes: values.scope as RpScope[] }),
            ...(values['no-attributes'] ? { ekycAttributes: [] } : values.attribute === undefined ? {} : { ekycAttributes: values.attribute as EkycAttribute[] }),
            addTerminals: values['add-terminal'] ?? [],
            removeTerminals: values['remove-terminal'] ?? [],
            ...(rate === undefined ? {} : { rateLimitPerMinute: rate }),
            ...(terminalRate === undefined ? {} : { terminalRatePerMinute: terminalRate }),
          },
          admin.actor,
          admin.now(),
        );
        const lines = describeChanges(changed);
        io.stdout.write(lines.length === 0 ? `rp ${rp.id} "${rp.name}" unchanged\n` : `rp ${rp.id} "${rp.name}" updated\n${lines.map((l) => `  ${l}\n`).join('')}`);
        return 0;
      }
      case 'add-key': {
        const key = await addClientKey(admin.sql, rpIdArg(), jwk, admin.actor, admin.now());
        io.stdout.write(`client key ${key.kid} added to ${rpIdArg()}\n`);
        io.stdout.write(`sign each call: Authorization: Client-Assertion <JWT, ES256, header kid "${key.kid}", iss = sub = ${rpIdArg()}>\n`);
        return 0;
      }
      case 'remove-key': {
        const { changed } = await removeClientKey(admin.sql, rpIdArg(), values.kid!, admin.actor, admin.now());
        io.stdout.write(`client key ${values.kid} of ${rpIdArg()} ${changed ? 'removed' : 'already removed'}\n`);
        return 0;
      }
      case 'webhook': {
        const [sub, id] = positionals as [string, string];
        if (sub === 'add') {
          const { webhook, secret } = await addWebhook(admin.sql, { rpId: id, url: values.url!, events: values.event }, admin.webhookSeal, admin.actor, admin.now());
          io.stdout.write(`webhook ${webhook.id} of ${webhook.rpId}: ${webhook.url}\nevents:  ${webhook.events.join(',')}\nsecret:  ${secret}\n`);
          io.stderr.write('The signing secret is shown once; give it to the receiver now. Deliveries carry webhook-id, webhook-timestamp and webhook-signature (v1, HMAC-SHA256).\n');
          return 0;
        }
        if (sub === 'list') {
          for (const w of await listWebhooks(admin.sql, id, { includeRemoved: true })) {
            io.stdout.write(`${w.id}\t${w.url}\tevents=${w.events.join(',')}\tcreated ${w.createdAt.toISOString()}\t${w.removedAt ? `removed ${w.removedAt.toISOString()}` : 'live'}\n`);
          }
          return 0;
        }
        const { rpId, changed } = await removeWebhook(admin.sql, id, admin.actor, admin.now());
        io.stdout.write(`webhook ${id} of ${rpId} ${changed ? 'removed' : 'already removed'}\n`);
        return 0;
      }
      case 'disable':
      case 'enable': {
        const status = action === 'disable' ? 'disabled' : 'active';
        const { rp, changed } = await setRpStatus(admin.sql, rpIdArg(), status, values.reason ?? '', admin.actor, admin.now());
        io.stdout.write(`rp ${rp.id} "${rp.name}" ${changed ? (status === 'active' ? 'enabled' : 'disabled') : `already ${status}`}\n`);
        return 0;
      }
      default: {
        for (const rp of await listRps(admin.sql)) {
          io.stdout.write(
            `${rp.id}\t${rp.status}\t${rp.name}\tscopes=${rp.scopes.join(',')}\tattributes=${rp.ekycAttributes.join(',') || '-'}\t` +
              `terminals=${rp.terminals.join(',')}\trate=${rp.rateLimitPerMinute}/min\tterminal-rate=${rp.terminalRatePerMinute}/min\n`,
          );
          for (const c of rp.credentials) {
            const scope = c.terminal === undefined ? 'rp-wide' : `terminal ${c.terminal}`;
            io.stdout.write(`  key ${c.keyId}\t${scope}\tcreated ${c.createdAt.toISOString()}\t${c.validUntil ? `valid until ${c.validUntil.toISOString()}` : 'current'}\n`);
          }
          for (const k of await listClientKeys(admin.sql, rp.id)) {
            io.stdout.write(`  client key ${k.kid}\tES256\tcreated ${k.createdAt.toISOString()}\t${k.revokedAt ? `removed ${k.revokedAt.toISOString()}` : 'current'}\n`);
          }
        }
        return 0;
      }
    }
  } catch (err) {
    if (isAppError(err)) throw new CliError(err.message, err.code, 1);
    throw err;
  } finally {
    await admin.close();
  }
}

export function run(args: string[], io: CliIo): Promise<number> {
  return runWith(args, io, openRpAdmin);
}
