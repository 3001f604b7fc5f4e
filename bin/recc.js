#!/usr/bin/env node
// The CLI, from its bundle and code cache (load-bundle.js says why): `npm run build` makes both.
'use strict';
const { loadCli } = require('./load-bundle.js');

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
  (err) => { console.error(err?.stack ?? String(err)); process.exitCode = 2; },
);
