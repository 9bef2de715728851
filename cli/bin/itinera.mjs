#!/usr/bin/env node
// Runs the TypeScript sources directly, as the rest of the repository does (tsx is a root dependency).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv);
