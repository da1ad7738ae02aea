// The README's walkthrough ("A citizen's card from end to end") is run in the
// repository's directory: every file it tells the reader to create — the card,
// the factory directory, the manufacturer root, the password file — and the
// service's data directory must be ignored by git, so none is committed by
// accident (the factory directory holds a CA key, the password file a password).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../support/run-bin.js';

/** The shell block of the walkthrough section. */
function walkthrough(): string {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const section = readme.indexOf("### A citizen's card from end to end");
  assert.ok(section >= 0, 'the README has the walkthrough');
  const start = readme.indexOf('```sh\n', section);
  const end = readme.indexOf('\n```', start + 6);
  assert.ok(start > 0 && end > start);
  return readme.slice(start + 6, end);
}

/** Paths the commands write or name as files the reader makes: --out, --factory-dir, > redirections, *_FILE= and *_ROOTS= values. */
function createdPaths(block: string): string[] {
  const found = new Set<string>();
  for (const m of block.matchAll(/--out\s+(\S+)|--factory-dir\s+(\S+)|(?:^|\s)>\s*(\S+)|[A-Z_]+_(?:FILE|ROOTS)=(\S+)/g)) {
    // $PWD is the repository's directory in the walkthrough.
    const path = (m[1] ?? m[2] ?? m[3] ?? m[4]!).replace(/^\$PWD\//, '');
    if (m[2] !== undefined) found.add(`${path}/ca.key`);
    else found.add(path);
  }
  return [...found];
}

const ignored = (path: string): boolean => {
  try {
    execFileSync('git', ['check-ignore', '-q', '--no-index', path], { cwd: REPO });
    return true;
  } catch {
    return false;
  }
};

describe('.gitignore covers what the README walkthrough creates', () => {
  it('finds the walkthrough\'s files: card.json, factory/, factory-root.pem, olivia.pw', () => {
    const paths = createdPaths(walkthrough());
    for (const p of ['card.json', 'factory/ca.key', 'factory-root.pem', 'olivia.pw']) assert.ok(paths.includes(p), `${p} in ${paths.join(', ')}`);
  });

  it('every one of them, the card file\'s lock and temporaries, and the data directory are ignored', () => {
    const paths = createdPaths(walkthrough());
    const cards = paths.filter((p) => p.endsWith('.json'));
    const all = [...paths, ...cards.map((c) => `${c}.lock`), ...cards.map((c) => `.${c}.1234.0a1b2c3d.tmp`), '.data/registry/PG_VERSION'];
    const missing = all.filter((p) => !ignored(p));
    assert.deepEqual(missing, [], `not ignored by .gitignore: ${missing.join(', ')}`);
  });
});
