#!/usr/bin/env node
// The CLI, from its bundle and code cache (load-bundle.js says why): `npm run build` makes both.
'use strict';
const { loadCli } = require('./load-bundle.js');

loadCli().cli.main(process.argv).then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(err?.stack ?? String(err)); process.exitCode = 2; },
);
