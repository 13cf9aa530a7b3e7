#!/usr/bin/env node
// The command line runs the same TypeScript lib code as the extension, through tsx.
import { register } from 'tsx/esm/api';
register();
const { main } = await import('../cli/main.ts');
const { endQuietlyWhenPipeCloses } = await import('../cli/io.ts');
endQuietlyWhenPipeCloses();
process.exitCode = await main(process.argv.slice(2));
