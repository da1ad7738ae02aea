// One registry of public error codes: the README lists every code, and this
// test keeps the list and the registry equal.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { errorRegistry } from '../../src/composition/error-registry.js';
import { errorCodesMarkdown, README_BEGIN, README_END } from '../../src/composition/error-codes-markdown.js';

describe('error code registry', () => {
  it('codes are snake_case with an HTTP status and a title', () => {
    for (const [code, info] of Object.entries(errorRegistry)) {
      assert.match(code, /^[a-z][a-z0-9_]*$/, code);
      assert.ok(info.status >= 400 && info.status <= 599, `${code}: ${info.status}`);
      assert.ok(info.title.length > 3, code);
    }
  });

  it('the README lists exactly the registry', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const start = readme.indexOf(README_BEGIN);
    const end = readme.indexOf(README_END);
    assert.ok(start >= 0 && end > start, 'README.md has the error-code markers');
    const listed = readme.slice(start + README_BEGIN.length, end).trim();
    assert.equal(listed, errorCodesMarkdown(), 'run `npm run docs:errors` to refresh README.md');
  });
});
