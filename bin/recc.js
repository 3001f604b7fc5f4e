#!/usr/bin/env node
// The CLI, from its bundle and code cache (load-bundle.js says why): `npm run build` makes both.
'use strict';
const { loadCli } = require('./load-bundle.js');

// A reader that went away (`recc stats spec.rec | head -1`) ends the command quietly, with the
// status a shell gives a command killed by SIGPIPE (128 + 13): Node ignores that signal, so a
// write fails with EPIPE instead, thrown (fs.writeSync) or as an 'error' event of process.stdout.
const CLOSED_PIPE = 141;
const closedPipe = (err) => err?.code === 'EPIPE';
process.on('uncaughtException', (err) => {
  if (closedPipe(err)) process.exit(CLOSED_PIPE);
  console.error(err?.stack ?? String(err));
  process.exit(1);
});

let cli;
try {
  cli = loadCli().cli;
} catch (err) {
  // a checkout built by tsc alone, or not built: say what to run, not where it failed
  if (err?.code !== 'ENOENT') throw err;
  console.error(`recc: ${err.path ?? 'the CLI bundle'} is missing; run \`npm run build\` in the recc package`);
  process.exit(2);
}
cli.main(process.argv).then(
  (code) => { process.exitCode = code; },
  (err) => {
    if (closedPipe(err)) return void (process.exitCode = CLOSED_PIPE);
    console.error(err?.stack ?? String(err));
    process.exitCode = 2;
  },
);
