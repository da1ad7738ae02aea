// Rewrites the error-code table in README.md from the registry.
import { readFileSync, writeFileSync } from 'node:fs';
import { errorCodesMarkdown, README_BEGIN, README_END } from '../src/composition/error-codes-markdown.js';

const path = new URL('../README.md', import.meta.url);
const text = readFileSync(path, 'utf8');
const start = text.indexOf(README_BEGIN);
const end = text.indexOf(README_END);
if (start < 0 || end < start) throw new Error('README.md has no error-code markers');
writeFileSync(path, text.slice(0, start + README_BEGIN.length) + '\n' + errorCodesMarkdown() + '\n' + text.slice(end));
console.log('README.md error codes updated');
