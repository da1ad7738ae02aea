// Import rule (docs/architecture.md): firmware-sim/ is the card; it imports
// nothing from src/ or pki/.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { REPO_ROOT } from '../support/pcsc.js';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : /\.(ts|js)$/.test(n) ? [p] : [];
  });
}

describe('firmware-sim import boundary', () => {
  it('no file under firmware-sim/ imports from src/ or pki/', () => {
    const root = join(REPO_ROOT, 'firmware-sim');
    const all = files(root);
    assert.ok(all.length > 20);
    const offenders: string[] = [];
    for (const f of all) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)) {
        const spec = m[1]!;
        if (!spec.startsWith('.')) continue;
        const target = relative(REPO_ROOT, resolve(dirname(f), spec));
        if (!target.startsWith('firmware-sim')) offenders.push(`${relative(REPO_ROOT, f)} → ${spec}`);
      }
    }
    assert.deepEqual(offenders, []);
  });
});
