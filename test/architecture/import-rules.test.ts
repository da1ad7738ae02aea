// Import rules (docs/architecture.md, "Import rules"): the card imports nothing from the host; pki/ is a
// library that imports nothing from src/; domain modules in src/ reach
// express, pg and redis only through ports built in the composition root.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { pkiCodes } from '../../pki/index.js';
import { authCodes } from '../../src/auth/codes.js';
import { cardCodes } from '../../src/card/codes.js';
import { commonCodes } from '../../src/errors/common-codes.js';
import { httpCodes } from '../../src/http/codes.js';
import { issuanceCodes } from '../../src/issuance/codes.js';
import { registryCodes } from '../../src/registry/codes.js';
import { rpCodes } from '../../src/rp/codes.js';
import { staffCodes } from '../../src/staff/codes.js';
import { terminalCodes } from '../../src/terminal/codes.js';

const root = resolve(import.meta.dirname, '../..');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'node_modules') continue;
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (/\.(ts|js|mts)$/.test(name)) out.push(p);
  }
  return out;
}

/** Every module specifier a file imports (static and dynamic), resolved to the repo when relative. */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [
    ...text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm),
    ...text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm),
    ...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => m[1]!);
  return specs.map((s) => (s.startsWith('.') ? relative(root, resolve(dirname(file), s)) : s));
}

function violations(dir: string, forbidden: (spec: string) => boolean): string[] {
  return sources(join(root, dir)).flatMap((f) =>
    imports(f)
      .filter(forbidden)
      .map((s) => `${relative(root, f)} imports ${s}`),
  );
}

/** Every circle in a file graph, each once, as the list of its files from its smallest name. */
function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const found = new Map<string, string[]>();
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): void => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (state.get(next) === 'open') {
        const circle = stack.slice(stack.indexOf(next));
        const start = circle.indexOf([...circle].sort()[0]!);
        const canonical = [...circle.slice(start), ...circle.slice(0, start)];
        found.set(canonical.join(' -> '), canonical);
      } else if (state.get(next) === undefined) {
        visit(next);
      }
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (state.get(node) === undefined) visit(node);
  return [...found.values()];
}

describe('import rules (docs/architecture.md)', () => {
  it('firmware-sim imports nothing from src/ or pki/', () => {
    assert.deepEqual(violations('firmware-sim', (s) => /^(src|pki)\//.test(s)), []);
  });

  it('pki imports nothing from src/', () => {
    assert.deepEqual(violations('pki', (s) => /^src\//.test(s)), []);
  });

  it('domain modules in src/ do not import express, pg, redis or pcsclite', () => {
    const domains = ['src/issuance', 'src/auth', 'src/staff', 'src/rp', 'src/sign', 'src/webhooks'];
    const adapters = /(^|\/)(adapters?|routes|http|pcsc|postgres|pglite|redis)(\/|\.|$)/;
    const found = domains
      .flatMap((d) => {
        try {
          return violations(d, (s) => /^(express|pg|redis|pcsclite|@electric-sql\/pglite)$/.test(s));
        } catch {
          return []; // the folder does not exist yet
        }
      })
      .filter((v) => !adapters.test(v.split(' ')[0]!));
    assert.deepEqual(found, []);
  });

  it('the host reaches the card only through APDUs: src/ imports firmware-sim only in the in-process channel', () => {
    const found = violations('src', (s) => /^firmware-sim\//.test(s)).filter(
      (v) => !/^src\/card\/in-process/.test(v) && !/^src\/composition/.test(v),
    );
    assert.deepEqual(found, []);
  });

  it('src/ reaches pki/ only through pki/index.ts', () => {
    assert.deepEqual(violations('src', (s) => /^pki\//.test(s) && s !== 'pki/index.js'), []);
  });

  it('no domain module imports the HTTP layer, the composition root or the CLI', () => {
    const domains = ['src/access', 'src/auth', 'src/card', 'src/errors', 'src/issuance', 'src/pin-pad', 'src/registry', 'src/rp', 'src/staff', 'src/store', 'src/terminal', 'src/util', 'src/webhooks'];
    assert.deepEqual(
      domains.flatMap((d) => violations(d, (s) => /^src\/(http|composition|cli)\//.test(s))),
      [],
    );
  });

  it('src/errors is the ground floor: it imports no area; the registry that gathers the areas sits above them', () => {
    assert.deepEqual(violations('src/errors', (s) => /^(src|pki)\//.test(s) && !s.startsWith('src/errors/')), []);
    const below = ['src/access', 'src/auth', 'src/card', 'src/http', 'src/issuance', 'src/pin-pad', 'src/registry', 'src/rp', 'src/staff', 'src/store', 'src/terminal', 'src/util', 'src/webhooks'];
    assert.deepEqual(below.flatMap((d) => violations(d, (s) => s === 'src/composition/error-registry.js')), []);
  });

  it('relying-party codes are declared in src/rp/codes.ts and nowhere else', () => {
    const others = { ...httpCodes, ...commonCodes, ...authCodes, ...staffCodes, ...registryCodes, ...issuanceCodes, ...cardCodes, ...terminalCodes, ...pkiCodes };
    assert.deepEqual(Object.keys(rpCodes).filter((c) => c in others), []);
    assert.ok(Object.keys(rpCodes).includes('rate_limited'));
  });

  it('one permission table: requirePermission is declared once, in src/access/permissions.ts', () => {
    const declaring = sources(join(root, 'src'))
      .filter((f) => /export (async )?function requirePermission\b|export const requirePermission\b|Permissions = \{/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(root, f));
    assert.deepEqual(declaring, ['src/access/permissions.ts']);
  });

  it('one PIN-pad abstraction: the terminal and the issuance station read keys only through src/pin-pad', () => {
    const rawReaders = ['src/terminal', 'src/issuance']
      .flatMap((d) => sources(join(root, d)))
      .filter((f) => /setRawMode\??\.?\((true|false)\)|\.on\('data'/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(root, f));
    assert.deepEqual(rawReaders, []);
  });

  it('no import circles in src/, pki/ or firmware-sim/ (type-only imports included)', () => {
    const graph = new Map<string, string[]>();
    for (const dir of ['src', 'pki', 'firmware-sim']) {
      for (const f of sources(join(root, dir))) {
        const from = relative(root, f);
        const to = imports(f)
          .filter((s) => /^(src|pki|firmware-sim)\//.test(s))
          .map((s) => s.replace(/\.js$/, '.ts'));
        graph.set(from, to);
      }
    }
    assert.deepEqual(findCycles(graph), []);
  });

  it('the cycle finder finds a circle (self-check)', () => {
    const g = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ]);
    assert.deepEqual(findCycles(g), [['a.ts', 'b.ts', 'c.ts']]);
  });

  it('the rules above actually see imports (self-check)', () => {
    assert.ok(imports(join(root, 'src/auth/result/pairwise-subject.ts')).includes('pki/index.js'));
    assert.ok(imports(join(root, 'src/http/app.ts')).includes('src/errors/app-error.js'));
  });
});
