// DESIGN.md, import rules: the card imports nothing from the host; pki/ is a
// library that imports nothing from src/; domain modules in src/ reach
// express, pg and redis only through ports built in the composition root.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';

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

describe('import rules (DESIGN.md)', () => {
  it('firmware-sim imports nothing from src/ or pki/', () => {
    assert.deepEqual(violations('firmware-sim', (s) => /^(src|pki)\//.test(s)), []);
  });

  it('pki imports nothing from src/', () => {
    assert.deepEqual(violations('pki', (s) => /^src\//.test(s)), []);
  });

  it('domain modules in src/ do not import express, pg, redis or pcsclite', () => {
    const domains = ['src/issuance', 'src/auth', 'src/staff', 'src/rp', 'src/sign'];
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

  it('the rules above actually see imports (self-check)', () => {
    assert.ok(imports(join(root, 'src/http/app.ts')).includes('express'));
    assert.ok(imports(join(root, 'src/http/app.ts')).includes('src/errors/app-error.js'));
  });
});
