// Secrets never reach a log: the PIN, PUK and API secrets never appear in
// any log line — proven over the logs of one full run of the real stack:
//   - `cardauth serve` (a real process, PostgreSQL + Redis so the CLI can run
//     beside it, debug logging, stderr captured), reached through a recording
//     proxy so every HTTP request and response of the run is kept;
//   - the CLI as staff use it: `staff add` (first admin), `staff login`,
//     `staff add` (officer), `enrol`, `issue` (the citizen's PIN on standard
//     input, through pcscd + vpcd to a firmware-sim card; the PUK printed once),
//     `rp add` (the API secret printed once), `cardauth terminal` (a wrong PIN,
//     then the right one: an authentication that succeeds), `card unblock-pin`
//     (a wrong PUK, then the PUK and a new PIN), and the terminal again with
//     the new PIN;
//   - staff sign-in over HTTP, wrong and right.
// Then every captured line — each process's stderr, stdout beyond the one
// line where the README says a secret is shown, the card simulator's stderr,
// every HTTP response (headers and body) and request body, the audit log and
// any log file under the data directory — is scanned for every secret in its
// plain forms: as typed, hex of its bytes (also space- or colon-separated),
// its bytes as a decimal list (Buffer#toJSON), base64 and base64url at each
// of the three byte alignments, raw bytes where it is binary, and for PINs
// the 8-byte 0xFF-padded PIV encoding (SP 800-73-4 Part 2 §3.2.1). The
// scanner is first shown to find each form of each secret planted in a line.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { VirtualCard, factoryRootPem, manufactureCard } from '../../firmware-sim/index.js';
import { openInProcessChannel } from '../../src/card/in-process.js';
import { openDatabase } from '../../src/registry/open-database.js';
import { readAuditLog } from '../../src/registry/index.js';
import { receiveStock } from '../../src/registry/repos/card-stock.js';
import { derivePeppers, pepperPath } from '../../src/rp/pepper.js';
import { attestationCertOf } from '../issuance/support/fixture.js';
import { REPO_ROOT, acquireReader, startSimCard, waitFor, type ReaderLease, type SimCardProcess } from '../support/pcsc.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { CARDAUTH_BIN as BIN, cardauth as runCardauth, childEnv, type Ran } from '../support/run-bin.js';


// ---------------------------------------------------------------- secrets and their forms

type SecretKind = 'digits' | 'text' | 'base64url-bytes' | 'base64-bytes';
interface Secret {
  readonly name: string;
  readonly value: string;
  readonly kind: SecretKind;
}

/** The bytes a secret is made of: the text's UTF-8, or the decoded bytes of a binary secret. */
function bytesOf(s: Secret): Buffer {
  if (s.kind === 'base64url-bytes') return Buffer.from(s.value, 'base64url');
  if (s.kind === 'base64-bytes') return Buffer.from(s.value, 'base64');
  return Buffer.from(s.value, 'utf8');
}

/**
 * base64 (or base64url) of `bytes` as it shows inside a longer encoded blob
 * whose bytes before it number ≡ k (mod 3): only the characters that depend
 * on the secret's bytes alone, so the search finds it at any byte offset.
 */
function embeddedBase64(bytes: Buffer, k: 0 | 1 | 2, enc: 'base64' | 'base64url'): string {
  const text = Buffer.concat([Buffer.alloc(k), bytes]).toString(enc).replace(/=+$/, '');
  const head = [0, 2, 3][k]!;
  const tail = (k + bytes.length) % 3 === 0 ? 0 : 1;
  return text.slice(head, text.length - tail);
}

interface Form {
  readonly form: string;
  readonly needle: string;
  /** Hex forms are matched whatever their letter case. */
  readonly caseless: boolean;
}

function formsOf(s: Secret): Form[] {
  const bytes = bytesOf(s);
  const forms: Form[] = [];
  const add = (form: string, needle: string, caseless = false) => {
    if (needle.length >= 6 && !forms.some((f) => f.needle === needle)) forms.push({ form, needle: caseless ? needle.toLowerCase() : needle, caseless });
  };
  add('as typed', s.value);
  add('JSON-escaped', JSON.stringify(s.value).slice(1, -1));
  const hexOf = (b: Buffer, sep: string) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(sep);
  for (const [label, b] of [['bytes', bytes], ...(s.kind.endsWith('bytes') ? [['text', Buffer.from(s.value, 'utf8')] as const] : [])] as const) {
    add(`hex of the ${label}`, hexOf(b, ''), true);
    add(`hex of the ${label}, space-separated`, hexOf(b, ' '), true);
    add(`hex of the ${label}, colon-separated`, hexOf(b, ':'), true);
    add(`decimal bytes of the ${label}`, [...b].join(','));
    for (const k of [0, 1, 2] as const) {
      add(`base64 of the ${label} (offset ${k})`, embeddedBase64(b, k, 'base64'));
      add(`base64url of the ${label} (offset ${k})`, embeddedBase64(b, k, 'base64url'));
    }
  }
  if (s.kind === 'digits' && bytes.length <= 8) {
    const piv = Buffer.concat([bytes, Buffer.alloc(8 - bytes.length, 0xff)]);
    add('PIV encoding (0xFF-padded, hex)', hexOf(piv, ''), true);
    add('PIV encoding (0xFF-padded, hex, space-separated)', hexOf(piv, ' '), true);
    add('PIV encoding (0xFF-padded, decimal bytes)', [...piv].join(','));
    for (const k of [0, 1, 2] as const) add(`PIV encoding (0xFF-padded, base64, offset ${k})`, embeddedBase64(piv, k, 'base64'));
  }
  return forms;
}

interface Capture {
  readonly source: string;
  readonly text: string;
}

interface Finding {
  readonly source: string;
  readonly line: number;
  readonly secret: string;
  readonly form: string;
  readonly excerpt: string;
}

function scan(captures: readonly Capture[], secrets: readonly Secret[]): Finding[] {
  const findings: Finding[] = [];
  const prepared = secrets.map((s) => ({ s, forms: formsOf(s) }));
  for (const c of captures) {
    const lower = c.text.toLowerCase();
    for (const { s, forms } of prepared) {
      for (const f of forms) {
        const text = f.caseless ? lower : c.text;
        for (let at = text.indexOf(f.needle); at >= 0; at = text.indexOf(f.needle, at + 1)) {
          const line = c.text.slice(0, at).split('\n').length;
          findings.push({ source: c.source, line, secret: s.name, form: f.form, excerpt: c.text.slice(Math.max(0, at - 60), at + f.needle.length + 60) });
        }
      }
    }
  }
  return findings;
}

function report(findings: readonly Finding[]): string {
  return findings
    .slice(0, 20)
    .map((f) => `${f.secret} (${f.form}) in ${f.source}:${f.line}: …${f.excerpt}…`)
    .join('\n');
}

// ---------------------------------------------------------------- processes

const captures: Capture[] = [];
/** Output a secret may be in by design (README: the PUK and the API secret shown once on stdout, a session token from `staff login`). */
const designated: Capture[] = [];

/** `cardauth <args>` to its end; its stderr goes to the scan. */
async function cardauth(label: string, args: string[], env: NodeJS.ProcessEnv, stdin = ''): Promise<Ran> {
  const r = await runCardauth(args, env, stdin);
  captures.push({ source: `${label} (stderr)`, text: r.stderr });
  return r;
}

/** Keep a command's stdout for the scan, minus the lines that show a secret by design (kept apart, checked on their own). */
function keepStdout(label: string, stdout: string, designatedLine?: RegExp): void {
  const lines = stdout.split('\n');
  captures.push({ source: `${label} (stdout)`, text: lines.filter((l) => !designatedLine?.test(l)).join('\n') });
  if (designatedLine) designated.push({ source: `${label} (stdout, designated)`, text: lines.filter((l) => designatedLine.test(l)).join('\n') });
}

interface Serve {
  readonly url: string;
  stop(): Promise<number | null>;
}

async function serve(env: NodeJS.ProcessEnv): Promise<Serve> {
  const child: ChildProcess = spawn(process.execPath, [BIN, 'serve'], { env: childEnv(env), cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exited = once(child, 'exit');
  const url = await waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`serve exited ${child.exitCode}: ${err}`);
      return /listening on (http:\/\/[\d.]+:\d+)/.exec(out)?.[1];
    },
    { what: 'cardauth serve to listen', timeoutMs: 60_000 },
  );
  return {
    url,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const [code] = await exited;
      captures.push({ source: 'cardauth serve (stderr: the service log)', text: err }, { source: 'cardauth serve (stdout)', text: out });
      return code as number | null;
    },
  };
}

// ---------------------------------------------------------------- a recording proxy

interface Exchange {
  readonly what: string;
  readonly requestBody: string;
  readonly responseHeaders: IncomingHttpHeaders;
  readonly responseBody: string;
}

function decoded(body: Buffer, encoding: string | undefined): Buffer {
  if (encoding === 'gzip') return gunzipSync(body);
  if (encoding === 'deflate') return inflateSync(body);
  if (encoding === 'br') return brotliDecompressSync(body);
  return body;
}

/** Forwards to `target` and keeps every request body and response (headers, decoded body). */
async function recordingProxy(target: string): Promise<{ url: string; exchanges: Exchange[]; close(): Promise<void> }> {
  const to = new URL(target);
  const exchanges: Exchange[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const up = request({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers }, (upRes) => {
        const got: Buffer[] = [];
        upRes.on('data', (c: Buffer) => got.push(c));
        upRes.on('end', () => {
          const resBody = Buffer.concat(got);
          exchanges.push({
            what: `${req.method} ${req.url} → ${upRes.statusCode}`,
            requestBody: body.toString('utf8'),
            responseHeaders: upRes.headers,
            responseBody: decoded(resBody, upRes.headers['content-encoding']).toString('utf8'),
          });
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          res.end(resBody);
        });
      });
      up.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      up.end(body);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    exchanges,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

// ---------------------------------------------------------------- the run

const ADMIN_PASSWORD = 'First pass phrase: tiger lily 42';
const OFFICER_PASSWORD = 'Second pass phrase: blue heron 17';
const KEY_PASSPHRASE = 'secrets-in-logs key store passphrase 9f3k';
// 7 digits (the PIV encoding pads with 0xFF), 8 digits after the unblock.
const CITIZEN_PIN = '5820731';
const WRONG_PIN = '9406158';
const NEW_PIN = '73920564';
const WRONG_PUK = '48150923';
const TERMINAL = 'atm-scan-1';
const NATIONAL_ID = 'SCAN00001';

describe('e2e: no PIN, PUK, password or API secret in any log line of a full run', function () {
  this.timeout(300_000);
  let dir: string;
  let pg: TestPostgres;
  let redis: TestRedis;
  let lease: ReaderLease;
  let sim: SimCardProcess | undefined;
  let service: Serve | undefined;
  let proxy: Awaited<ReturnType<typeof recordingProxy>> | undefined;
  const secrets: Secret[] = [];
  let puk = '';
  let rpSecret = '';
  const ran: Record<string, Ran> = {};
  let auditText = '';
  let dataDirLogs: Capture[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cardauth-secrets-in-logs-'));
    const data = join(dir, 'data');
    const factoryDir = join(dir, 'factory');
    const cardFile = join(dir, 'card.json');
    const serial = 61_000_000 + Math.floor(Math.random() * 1_000_000);
    [pg, redis, lease] = await Promise.all([
      startPostgres(),
      startRedis(),
      acquireReader(),
      manufactureCard({ serial, out: cardFile, factoryDir }).then(async () => writeFileSync(join(dir, 'factory-root.pem'), await factoryRootPem(factoryDir))),
    ]);
    const env: NodeJS.ProcessEnv = {
      CARDAUTH_DATA_DIR: data,
      DATABASE_URL: pg.url,
      REDIS_URL: redis.url,
      CARDAUTH_KEY_PASSPHRASE: KEY_PASSPHRASE,
      CARDAUTH_KEY_PASSPHRASE_FILE: '',
      CARDAUTH_MANUFACTURER_ROOTS: join(dir, 'factory-root.pem'),
      CARDAUTH_LOG_LEVEL: 'debug',
      CARDAUTH_HOST: '127.0.0.1',
      CARDAUTH_PORT: '0',
      CARDAUTH_WORKERS: '1',
    };
    for (const k of ['CARDAUTH_STAFF_TOKEN', 'CARDAUTH_STAFF_USER', 'CARDAUTH_STAFF_PASSWORD_FILE', 'CARDAUTH_RP_KEY']) env[k] = '';

    // The service initialises the empty data directory: registry, CA, pepper.
    service = await serve(env);
    proxy = await recordingProxy(service.url);
    const base = proxy.url;

    // Staff: the first admin from the CLI, a session, an officer added with it.
    ran.adminAdd = await cardauth('staff add (first admin)', ['staff', 'add', '--username', 'admin', '--role', 'admin', '--display-name', 'First Admin'], env, `${ADMIN_PASSWORD}\n`);
    assert.equal(ran.adminAdd.code, 0, ran.adminAdd.stderr);
    keepStdout('staff add (first admin)', ran.adminAdd.stdout);
    ran.login = await cardauth('staff login', ['staff', 'login', '--username', 'admin'], env, `${ADMIN_PASSWORD}\n`);
    assert.equal(ran.login.code, 0, ran.login.stderr);
    const cliToken = ran.login.stdout.trim();
    keepStdout('staff login', ran.login.stdout, /^\S{20,}$/);
    ran.officerAdd = await cardauth(
      'staff add (officer)',
      ['staff', 'add', '--username', 'olivia', '--role', 'officer', '--display-name', 'Olivia Officer'],
      { ...env, CARDAUTH_STAFF_TOKEN: cliToken },
      `${OFFICER_PASSWORD}\n`,
    );
    assert.equal(ran.officerAdd.code, 0, ran.officerAdd.stderr);
    keepStdout('staff add (officer)', ran.officerAdd.stdout);

    // Sign-in over HTTP: a wrong password, then the right one.
    const post = (path: string, body: unknown) => fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal((await post('/v1/staff/login', { username: 'admin', password: `${ADMIN_PASSWORD}!` })).status, 401);
    const login = await post('/v1/staff/login', { username: 'olivia', password: OFFICER_PASSWORD });
    assert.equal(login.status, 200);
    const httpToken = ((await login.json()) as { token: string }).token;
    assert.equal((await fetch(`${base}/v1/staff/me`, { headers: { authorization: `Bearer ${httpToken}` } })).status, 200);

    // The officer enrols the citizen and personalises the card at the station.
    writeFileSync(join(dir, 'olivia.pw'), `${OFFICER_PASSWORD}\n`, { mode: 0o600 });
    const officer = { ...env, CARDAUTH_STAFF_USER: 'olivia', CARDAUTH_STAFF_PASSWORD_FILE: join(dir, 'olivia.pw') };
    const stocked = (async () => {
      const ch = await openInProcessChannel(await VirtualCard.open(cardFile));
      const attestationCertDer = await attestationCertOf(ch);
      await ch.close();
      const db = await openDatabase({ url: pg.url, dataDir: data });
      try {
        await receiveStock(db, { serial, manufacturer: 'firmware-sim', attestationCertDer }, 'stock-clerk', new Date());
      } finally {
        await db.close();
      }
      sim = await startSimCard({ cardFile, port: lease.port });
    })();
    const enrol = cardauth('enrol', ['enrol', '--national-id', NATIONAL_ID, '--surname', 'Meas', '--given-name', 'Sokha', '--birth-date', '1991-02-03'], officer);
    // The RP is registered meanwhile (another process, the same registry and data directory).
    const rpAdd = cardauth('rp add', ['rp', 'add', '--name', 'Scan Bank', '--terminal', TERMINAL], { ...env, CARDAUTH_STAFF_TOKEN: cliToken });
    [ran.enrol] = await Promise.all([enrol, stocked]);
    assert.equal(ran.enrol.code, 0, ran.enrol.stderr);
    keepStdout('enrol', ran.enrol.stdout);
    const issue = cardauth('issue', ['issue', '--reader', lease.readerName, '--national-id', NATIONAL_ID], officer, `${CITIZEN_PIN}\n`);
    [ran.issue, ran.rpAdd] = await Promise.all([issue, rpAdd]);
    assert.equal(ran.issue.code, 0, ran.issue.stderr);
    puk = /^PUK for the citizen \(shown once, not stored\): (\d{8})$/m.exec(ran.issue.stdout)?.[1] ?? '';
    assert.match(puk, /^\d{8}$/, ran.issue.stdout);
    keepStdout('issue', ran.issue.stdout, /^PUK for the citizen /);
    assert.equal(ran.rpAdd.code, 0, ran.rpAdd.stderr);
    rpSecret = /^secret: +(\S+)$/m.exec(ran.rpAdd.stdout)?.[1] ?? '';
    const rpToken = /Authorization: Bearer (\S+)$/m.exec(ran.rpAdd.stdout)?.[1] ?? '';
    assert.match(rpSecret, /^[A-Za-z0-9_-]{43}$/);
    assert.ok(rpToken.endsWith(`.${rpSecret}`));
    keepStdout('rp add', ran.rpAdd.stdout, /^(secret|send): /);

    // The RP's challenges, completed by `cardauth terminal` at the reader.
    const terminal = async (label: string, pinLines: string): Promise<Ran> => {
      const res = await fetch(`${base}/v1/auth/challenges`, {
        method: 'POST',
        headers: { authorization: `Bearer ${rpToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ terminalId: TERMINAL, transaction: { amount: '25000.00', currency: 'KHR', payee: 'Scan Utilities', reference: 'SCAN-0001' } }),
      });
      assert.equal(res.status, 201, await res.clone().text());
      const { id } = (await res.json()) as { id: string };
      const r = await cardauth(
        label,
        ['terminal', '--reader', lease.readerName, '--server', base, '--challenge', id, '--terminal-id', TERMINAL, '--card-timeout', '30'],
        { ...env, CARDAUTH_RP_KEY: rpToken },
        pinLines,
      );
      keepStdout(label, r.stdout);
      assert.equal((await fetch(`${base}/v1/auth/challenges/${id}`, { headers: { authorization: `Bearer ${rpToken}` } })).status, 200);
      return r;
    };
    ran.terminal = await terminal('terminal (wrong PIN, then the PIN)', `${WRONG_PIN}\n${CITIZEN_PIN}\n`);
    assert.equal(ran.terminal.code, 0, ran.terminal.stdout + ran.terminal.stderr);
    assert.match(ran.terminal.stdout, /Wrong PIN\. 2 tries left\./);
    assert.match(ran.terminal.stdout, /^result: \S+$/m);

    // PIN unblock with the PUK at the station: a wrong PUK first.
    ran.unblockWrong = await cardauth('card unblock-pin (wrong PUK)', ['card', 'unblock-pin', '--reader', lease.readerName], officer, `${WRONG_PUK}\n${NEW_PIN}\n`);
    assert.equal(ran.unblockWrong.code, 1, ran.unblockWrong.stdout + ran.unblockWrong.stderr);
    assert.match(ran.unblockWrong.stderr, /\[lifecycle_wrong_puk\]/);
    keepStdout('card unblock-pin (wrong PUK)', ran.unblockWrong.stdout);
    ran.unblock = await cardauth('card unblock-pin', ['card', 'unblock-pin', '--reader', lease.readerName], officer, `${puk}\n${NEW_PIN}\n`);
    assert.equal(ran.unblock.code, 0, ran.unblock.stdout + ran.unblock.stderr);
    assert.match(ran.unblock.stdout, /unblocked/);
    keepStdout('card unblock-pin', ran.unblock.stdout);
    ran.terminalNewPin = await terminal('terminal (the new PIN)', `${NEW_PIN}\n`);
    assert.equal(ran.terminalNewPin.code, 0, ran.terminalNewPin.stdout + ran.terminalNewPin.stderr);

    // Every process has ended and flushed its log before the scan.
    await proxy.close();
    assert.equal(await service.stop(), 0);
    service = undefined;
    await sim!.stop();
    captures.push({ source: 'firmware-sim run (stderr)', text: sim!.stderr() });
    sim = undefined;

    const db = await openDatabase({ url: pg.url, dataDir: data });
    try {
      auditText = (await readAuditLog(db, { limit: 100_000 })).map((e) => JSON.stringify(e)).join('\n');
    } finally {
      await db.close();
    }
    assert.ok(auditText.includes('card.pin-unblock'), 'the audit log of the run was read');
    dataDirLogs = (readdirSync(data, { recursive: true, encoding: 'utf8' }) as string[])
      .filter((p) => /(^|\/)logs?(\/|$)|\.log$/i.test(p) && statSync(join(data, p)).isFile())
      .map((p) => ({ source: `data dir ${p}`, text: readFileSync(join(data, p), 'latin1') }));

    const pepperMaster = readFileSync(pepperPath(data), 'utf8').trim();
    const derived = derivePeppers(Buffer.from(pepperMaster, 'base64'));
    secrets.push(
      { name: 'the citizen\'s PIN', value: CITIZEN_PIN, kind: 'digits' },
      { name: 'the wrong PIN typed at the terminal', value: WRONG_PIN, kind: 'digits' },
      { name: 'the new PIN set with the PUK', value: NEW_PIN, kind: 'digits' },
      { name: 'the PUK', value: puk, kind: 'digits' },
      { name: 'the wrong PUK', value: WRONG_PUK, kind: 'digits' },
      { name: 'the RP API secret', value: rpSecret, kind: 'base64url-bytes' },
      { name: 'the admin password', value: ADMIN_PASSWORD, kind: 'text' },
      { name: 'the officer password', value: OFFICER_PASSWORD, kind: 'text' },
      { name: 'the wrong admin password', value: `${ADMIN_PASSWORD}!`, kind: 'text' },
      { name: 'the key-store passphrase', value: KEY_PASSPHRASE, kind: 'text' },
      { name: 'the pepper master secret', value: pepperMaster, kind: 'base64-bytes' },
      { name: 'the API-secret pepper', value: derived.apiSecret.toString('base64'), kind: 'base64-bytes' },
      { name: 'the subject pepper', value: derived.subject.toString('base64'), kind: 'base64-bytes' },
      { name: 'the CLI staff session token', value: cliToken, kind: 'text' },
      { name: 'the HTTP staff session token', value: httpToken, kind: 'text' },
    );
  });

  after(async () => {
    await proxy?.close().catch(() => undefined);
    await service?.stop().catch(() => undefined);
    await sim?.stop().catch(() => undefined);
    await lease?.release();
    await Promise.all([pg?.stop(), redis?.stop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the scanner finds every form of every secret of the run planted in a line', () => {
    assert.ok(secrets.length >= 15 && puk && rpSecret);
    for (const s of secrets) {
      const forms = formsOf(s);
      assert.ok(forms.some((f) => f.form.startsWith('hex')) && forms.some((f) => f.form.startsWith('base64')), s.name);
      if (s.kind === 'digits') {
        // For an 8-digit PIN the PIV encoding is its hex: one needle for both.
        const piv = Buffer.concat([Buffer.from(s.value), Buffer.alloc(8 - s.value.length, 0xff)]).toString('hex');
        assert.ok(forms.some((f) => f.needle === piv), s.name);
      }
      for (const f of forms) {
        const line = `{"t":"2026-01-01T00:00:00.000Z","level":"debug","msg":"apdu","data":"00${f.caseless ? f.needle.toUpperCase() : f.needle}9000"}`;
        const found = scan([{ source: 'planted', text: `clean line\n${line}\nclean line` }], [s]);
        assert.ok(found.some((x) => x.form === f.form && x.line === 2), `${s.name}: ${f.form} not found in ${line}`);
      }
    }
    // An encoded blob with the secret at any byte offset inside it.
    const pin = secrets[0]!;
    for (const pad of [0, 1, 2, 3, 4, 5]) {
      const blob = Buffer.concat([Buffer.alloc(pad, 0x42), bytesOf(pin), Buffer.from('trailing bytes')]);
      for (const enc of ['base64', 'base64url', 'hex'] as const) {
        assert.ok(scan([{ source: 'planted', text: `"apdu":"${blob.toString(enc)}"` }], [pin]).length > 0, `PIN in ${enc} at offset ${pad}`);
      }
      const piv = Buffer.concat([Buffer.alloc(pad, 0x42), Buffer.from(pin.value), Buffer.alloc(8 - pin.value.length, 0xff)]);
      assert.ok(scan([{ source: 'planted', text: JSON.stringify({ data: piv.toJSON().data }) }], [pin]).length > 0, `padded PIN as Buffer#toJSON at offset ${pad}`);
    }
    // And nothing in text that only looks alike.
    assert.deepEqual(scan([{ source: 'planted', text: `${CITIZEN_PIN.slice(0, 6)} ${Buffer.from(CITIZEN_PIN.slice(1)).toString('hex')}` }], [pin]), []);
  });

  it('every command of the run left output to scan, and the secrets shown by design were shown once, where the README says', () => {
    for (const source of ['cardauth serve (stderr: the service log)', 'issue (stderr)', 'terminal (wrong PIN, then the PIN) (stderr)', 'card unblock-pin (stderr)', 'rp add (stderr)']) {
      assert.ok(captures.some((c) => c.source === source), source);
    }
    const serviceLog = captures.find((c) => c.source === 'cardauth serve (stderr: the service log)')!.text;
    assert.match(serviceLog, /"msg":"card authentication succeeded"/, 'the service logged the run');
    assert.match(serviceLog, /"code":"staff_login_failed"/, 'and the refused sign-in');
    assert.match(serviceLog, /relying-party pepper created/, 'the service initialised the data directory');
    assert.equal(ran.issue!.stdout.split(puk).length - 1, 1, 'the PUK once on the stdout of issue');
    assert.equal(ran.rpAdd!.stdout.split(rpSecret).length - 1, 2, 'the API secret on the secret line and in the header example of rp add');
    // The scanner finds the real secrets in the real captured output where they are meant to be.
    const shown = (name: string) => scan(designated, secrets.filter((s) => s.name === name)).map((f) => f.source);
    assert.ok(shown('the PUK').includes('issue (stdout, designated)'));
    assert.ok(shown('the RP API secret').includes('rp add (stdout, designated)'));
    assert.ok(shown('the CLI staff session token').includes('staff login (stdout, designated)'));
    // Those lines show their one secret and no other.
    const own: Record<string, string> = {
      'issue (stdout, designated)': 'the PUK',
      'rp add (stdout, designated)': 'the RP API secret',
      'staff login (stdout, designated)': 'the CLI staff session token',
    };
    const others = scan(designated, secrets).filter((f) => f.secret !== own[f.source]);
    assert.equal(others.length, 0, report(others));
  });

  it('no secret in any log line: the service log, every CLI process\'s stderr and stdout, the card simulator', () => {
    const findings = scan(captures, secrets);
    assert.equal(findings.length, 0, report(findings));
  });

  it('no secret in any HTTP response of the run (headers or body), and no card secret or API secret in any request body', () => {
    const exchanges = proxy!.exchanges;
    assert.ok(exchanges.some((e) => e.what.startsWith('POST /v1/auth/challenges/') && e.what.endsWith('→ 200')), 'the terminal\'s responses went through the proxy');
    assert.ok(exchanges.length >= 10);
    // Session tokens are answers of POST /v1/staff/login by design; nothing else is.
    const responseSecrets = secrets.filter((s) => !/session token/.test(s.name));
    const responses = exchanges.map((e) => ({ source: `HTTP ${e.what}`, text: `${JSON.stringify(e.responseHeaders)}\n${e.responseBody}` }));
    const found = scan(responses, responseSecrets);
    assert.equal(found.length, 0, report(found));
    const sentToServer = secrets.filter((s) => /PIN|PUK|API secret|pepper|passphrase/.test(s.name));
    const requests = exchanges.map((e) => ({ source: `HTTP ${e.what} (request body)`, text: e.requestBody }));
    const sent = scan(requests, sentToServer);
    assert.equal(sent.length, 0, report(sent));
  });

  it('no secret in the audit log or in any log file under the data directory', () => {
    const found = scan([{ source: 'audit log', text: auditText }, ...dataDirLogs], secrets);
    assert.equal(found.length, 0, report(found));
  });
});
