#!/usr/bin/env node
// The `cardauth` command. TypeScript is loaded through tsx, so the installed
// package runs from its sources with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
