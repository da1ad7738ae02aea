// `cardauth db`, `cardauth staff` and `cardauth audit` driven through main()
// with a fake terminal-less CliIo (passwords on standard input), against
// PGlite in a data directory and against PostgreSQL through DATABASE_URL.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { CliIo } from '../../src/cli/io.js';
import { PgliteDatabase } from '../../src/registry/pglite.js';
import { PostgresDatabase } from '../../src/registry/postgres.js';
import type { Database } from '../../src/registry/sql.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';
import { asTamperer, backends } from './support/backends.js';

// Loaded with import(): under mocha+tsx a static import gives this file another
// instance of src/cli/io.ts than the command modules main() imports, and its
// `instanceof CliError` would miss (the same trap test/pki/cli-ca.test.ts notes).
const { main } = await import('../../src/cli/main.js');

const ADMIN_PW = 'admin pass phrase 1';
const OFFICER_PW = 'officer pass phrase 2';

interface Run {
  code: number;
  out: string;
  err: string;
}

for (const kind of backends) {
  describe(`cardauth db / staff / audit (${kind})`, function () {
    this.timeout(120_000);
    let dir: string;
    let pg: TestPostgres | undefined;
    let env: NodeJS.ProcessEnv;

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'cardauth-cli-reg-'));
      env = { CARDAUTH_DATA_DIR: dir };
      if (kind === 'postgres') {
        pg = await startPostgres();
        env['DATABASE_URL'] = pg.url;
      }
    });
    after(async () => {
      await pg?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    async function cli(argv: string[], opts: { stdin?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
      const stdin = new PassThrough();
      stdin.end(opts.stdin ?? '');
      const out = new PassThrough();
      const err = new PassThrough();
      let o = '';
      let e = '';
      out.on('data', (c) => (o += String(c)));
      err.on('data', (c) => (e += String(c)));
      const io: CliIo = { stdin, stdout: out, stderr: err, env: { ...env, ...opts.env } };
      const code = await main(argv, io);
      return { code, out: o, err: e };
    }

    async function withDb(f: (db: Database) => Promise<void>): Promise<void> {
      const db = kind === 'postgres' ? new PostgresDatabase(pg!.url) : await PgliteDatabase.open(join(dir, 'registry'));
      try {
        await f(db);
      } finally {
        await db.close();
      }
    }

    it('db status / migrate: pending, applied, then up to date', async () => {
      const s1 = await cli(['db', 'status']);
      assert.equal(s1.code, 3, s1.err);
      assert.match(s1.out, /^pending\s+001_audit_log\.sql$/m);
      const m1 = await cli(['db', 'migrate']);
      assert.equal(m1.code, 0, m1.err);
      assert.match(m1.out, /applied 001_audit_log\.sql/);
      const m2 = await cli(['db', 'migrate']);
      assert.equal(m2.code, 0);
      assert.match(m2.out, new RegExp(`registry \\(${kind}\\) is up to date`));
      const s2 = await cli(['db', 'status']);
      assert.equal(s2.code, 0);
      assert.doesNotMatch(s2.out, /pending|CHANGED/);
      assert.equal((await cli(['db', 'drop'])).code, 2);
    });

    let adminToken = '';
    let officerToken = '';

    it('staff add creates the first admin with no session, then needs one', async () => {
      const a = await cli(['staff', 'add', '--username', 'root', '--role', 'admin', '--display-name', 'Root Admin'], { stdin: `${ADMIN_PW}\n` });
      assert.equal(a.code, 0, a.err);
      assert.match(a.out, /added admin root/);
      const b = await cli(['staff', 'add', '--username', 'root2', '--role', 'admin', '--display-name', 'Second'], { stdin: `${ADMIN_PW}\n` });
      assert.equal(b.code, 1);
      assert.match(b.err, /\[staff_admin_exists\]/);
      const weak = await cli(['staff', 'add', '--username', 'x12', '--role', 'officer', '--display-name', 'X'], { stdin: 'short\n', env: { CARDAUTH_STAFF_TOKEN: 'cas_' + 'A'.repeat(43) } });
      assert.equal(weak.code, 1);
      assert.match(weak.err, /\[staff_session_invalid\]/);
      assert.equal((await cli(['staff', 'add', '--username', 'x12', '--role', 'officer'])).code, 2, 'missing option is a usage error');
    });

    it('staff login gives a token the next commands accept; admin adds an officer', async () => {
      const bad = await cli(['staff', 'login', '--username', 'root'], { stdin: 'not the password\n' });
      assert.equal(bad.code, 1);
      assert.match(bad.err, /\[staff_login_failed\]/);
      const l = await cli(['staff', 'login', '--username', 'root'], { stdin: `${ADMIN_PW}\n` });
      assert.equal(l.code, 0, l.err);
      adminToken = l.out.trim();
      assert.match(adminToken, /^cas_/);
      const add = await cli(['staff', 'add', '--username', 'officer1', '--role', 'officer', '--display-name', 'Officer One'], {
        stdin: `${OFFICER_PW}\n`,
        env: { CARDAUTH_STAFF_TOKEN: adminToken },
      });
      assert.equal(add.code, 0, add.err);
      const lo = await cli(['staff', 'login', '--username', 'officer1'], { stdin: `${OFFICER_PW}\n` });
      officerToken = lo.out.trim();
      const who = await cli(['staff', 'whoami'], { env: { CARDAUTH_STAFF_TOKEN: officerToken } });
      assert.equal(who.out, 'officer1 (officer) Officer One\n');
      const forbidden = await cli(['staff', 'list'], { env: { CARDAUTH_STAFF_TOKEN: officerToken } });
      assert.equal(forbidden.code, 1);
      assert.match(forbidden.err, /\[staff_forbidden\]/);
      const list = await cli(['staff', 'list'], { env: { CARDAUTH_STAFF_TOKEN: adminToken } });
      assert.match(list.out, /^officer1\tofficer\tactive\tOfficer One$/m);
    });

    it('staff unlock: an admin lifts the sign-in throttle of an account (audited); an officer may not', async () => {
      // The throttle's timing is tested with a frozen clock (test/staff/staff.test.ts); here the command's wiring.
      for (let i = 0; i < 3; i++) assert.match((await cli(['staff', 'login', '--username', 'officer1'], { stdin: `wrong password ${i}\n` })).err, /\[staff_login_failed\]/);
      const refused = await cli(['staff', 'unlock', 'officer1'], { env: { CARDAUTH_STAFF_TOKEN: officerToken } });
      assert.match(refused.err, /\[staff_forbidden\]/);
      const u = await cli(['staff', 'unlock', 'officer1'], { env: { CARDAUTH_STAFF_TOKEN: adminToken } });
      assert.equal(u.code, 0, u.err);
      assert.match(u.out, /^officer1: sign-in throttle lifted \(3 failed sign-ins on record\)$/m);
      assert.match((await cli(['audit', 'list', '--limit', '3'])).out, /staff\.sign-in-unlock/);
      assert.equal((await cli(['staff', 'login', '--username', 'officer1'], { stdin: `${OFFICER_PW}\n` })).code, 0);
      assert.equal((await cli(['staff', 'unlock'], { env: { CARDAUTH_STAFF_TOKEN: adminToken } })).code, 2, 'a username is required');
    });

    it('disabling the officer ends the officer session at once', async () => {
      const d = await cli(['staff', 'disable', 'officer1'], { env: { CARDAUTH_STAFF_TOKEN: adminToken } });
      assert.equal(d.code, 0, d.err);
      const who = await cli(['staff', 'whoami'], { env: { CARDAUTH_STAFF_TOKEN: officerToken } });
      assert.equal(who.code, 1);
      assert.match(who.err, /\[staff_session_invalid\]/);
      const out = await cli(['staff', 'logout'], { env: { CARDAUTH_STAFF_TOKEN: adminToken } });
      assert.equal(out.code, 0);
      assert.equal((await cli(['staff', 'whoami'], { env: { CARDAUTH_STAFF_TOKEN: adminToken } })).code, 1);
    });

    it('audit verify passes, then names the entry altered in the table; --expect-head catches a rewrite', async () => {
      const ok = await cli(['audit', 'verify']);
      assert.equal(ok.code, 0, ok.out + ok.err);
      const m = /head (\d+):([0-9a-f]{64})/.exec(ok.out);
      assert.ok(m, ok.out);
      const head = `${m[1]}:${m[2]}`;
      assert.equal((await cli(['audit', 'verify', '--expect-head', head])).code, 0);
      const list = await cli(['audit', 'list', '--limit', '3']);
      assert.match(list.out, /staff\.disable/);

      await withDb((db) => asTamperer(db, `UPDATE audit_log SET actor = 'someone-else' WHERE seq = 2`));
      const broken = await cli(['audit', 'verify']);
      assert.equal(broken.code, 1);
      assert.match(broken.out, /BROKEN at entry 2 \(altered\)/);
      const json = JSON.parse((await cli(['audit', 'verify', '--json'])).out) as { ok: boolean; seq: number; problem: string };
      assert.deepEqual([json.ok, json.seq, json.problem], [false, 2, 'altered']);
      // repair entry 2 but rewrite the whole chain from there: hashes now agree with themselves, but not with the anchor
      await withDb(async (db) => {
        const { entryHash } = await import('../../src/registry/audit/canonical.js');
        const rows = await db.query<{ seq: number; at: Date; actor: string; action: string; subject: string; data: string }>(
          'SELECT seq, at, actor, action, subject, data FROM audit_log ORDER BY seq',
        );
        let prev: Uint8Array = new Uint8Array(32);
        const updates: string[] = [];
        for (const r of rows) {
          const h = entryHash({ seq: Number(r.seq), at: new Date(r.at), actor: r.actor, action: r.action, subject: r.subject, data: r.data, prevHash: prev });
          updates.push(`UPDATE audit_log SET prev_hash = '\\x${Buffer.from(prev).toString('hex')}', hash = '\\x${Buffer.from(h).toString('hex')}' WHERE seq = ${r.seq};`);
          prev = h;
        }
        updates.push(`UPDATE audit_head SET hash = '\\x${Buffer.from(prev).toString('hex')}';`);
        // hashes are unique: clear them first
        await asTamperer(db, `UPDATE audit_log SET hash = decode(lpad(to_hex(seq), 64, '0'), 'hex'); ${updates.join('\n')}`);
      });
      assert.equal((await cli(['audit', 'verify'])).code, 0, 'a consistent rewrite passes the chain check alone');
      const anchored = await cli(['audit', 'verify', '--expect-head', head]);
      assert.equal(anchored.code, 1);
      assert.match(anchored.out, /not the entry noted earlier/);
    });

    it('never prints a password', async () => {
      const all = await cli(['audit', 'list', '--limit', '100']);
      assert.ok(!all.out.includes(ADMIN_PW) && !all.out.includes(OFFICER_PW));
    });
  });
}
