// Loads the CLI from its bundle, dist/recc.cjs (scripts/bundle-cli.mjs builds it from tsc's
// dist/cli/main.js), with the V8 code cache the build writes beside it, dist/recc.cjs.cache. A
// short command such as `recc check` spends most of its time starting: one file instead of ~120
// ES modules, and the functions compiled once at build time instead of at every start. Node 20
// caches compiled code for neither kind of module (module.enableCompileCache is Node 22), so the
// bundle is CommonJS run through vm.Script, which takes a cache. V8 accepts a cache only from its
// own version and flags, but of the source it checks just the length: the bundle's first line
// names its build (a hash of its text), the cache begins with the same line, and a cache serves
// the build it names only. Without a usable cache the bundle compiles as any script does.
// This file and bin/recc.js are CommonJS (bin/package.json): an ES module entry point makes Node
// start its ES module loader, ~9 ms; and no node:crypto here, which costs ~3 ms to load.
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname, join } = require('node:path');
const vm = require('node:vm');

const BUNDLE = join(__dirname, '../dist/recc.cjs');
const CACHE = `${BUNDLE}.cache`;

/** The CLI's exports (dist/cli/main.js), and what writes the code cache of the functions run so far (for the build). */
function loadCli() {
  const bytes = readFileSync(BUNDLE);
  const build = bytes.subarray(0, bytes.indexOf(10) + 1);
  // Node's own CommonJS wrapper, on the first line so that line numbers stay the bundle's. The
  // bundle is ASCII (scripts/bundle-cli.mjs checks), which latin1 decodes fastest. It holds no
  // import(), which a script could run on Node 20 only with an experimental option.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${bytes.toString('latin1')}\n})`, { filename: BUNDLE, cachedData: cacheOf(build) });
  const module = { exports: {} };
  script.runInThisContext().call(module.exports, module.exports, createRequire(BUNDLE), module, BUNDLE, dirname(BUNDLE));
  return { cli: module.exports, saveCodeCache: () => writeFileSync(CACHE, Buffer.concat([build, script.createCachedData()])) };
}

/** The code cache of this build of the bundle, if there is one. */
function cacheOf(build) {
  if (!build.toString('latin1').startsWith('// recc CLI bundle ')) return undefined;
  try {
    const data = readFileSync(CACHE);
    return data.subarray(0, build.length).equals(build) ? data.subarray(build.length) : undefined;
  } catch {
    return undefined;
  }
}

module.exports = { loadCli };
