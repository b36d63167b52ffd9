#!/usr/bin/env node
import { runCli } from './run-cli.js';

// why: `netchange next --help | head -1` closes the pipe early; a reader that stopped reading is not
// an error, so leave quietly instead of dying with an EPIPE stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

// why: no top-level await: the installed CLI runs this file as a CommonJS bundle (see launcher.ts).
void runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
