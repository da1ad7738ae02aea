#!/usr/bin/env node
// The `firmware-sim` command (see cli.ts).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./cli.ts');
process.exitCode = await main(process.argv.slice(2));
