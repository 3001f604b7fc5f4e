// The second half of `npm run build`, after tsc: bundles the CLI (dist/cli/main.js and all it
// imports) into dist/recc.cjs and writes its V8 code cache, dist/recc.cjs.cache, which bin/recc.js
// loads through bin/load-bundle.js (that file says why). The bundle is tsc's output, so it runs
// the same code as dist/ and the tests; the lazy commands stay lazy (esbuild wraps each module
// imported by import() in a function it calls on the first import).
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));

// Outside the bundle, loaded from node_modules as before: native code (onnxruntime-node, tfjs-node),
// packages that find their own files at run time (the tfjs wasm binaries, prettier's plugins),
// and protobufjs (onnx-proto), which requires optional modules by computed names. All are CommonJS,
// so the bundle can require() them. The language server's library (vscode-languageserver) is in
// the bundle, run only by `recc lsp`: required from node_modules it took ~60 ms of the server's
// start (about a hundred files), bundled ~10; the larger bundle costs `recc check` ~0.8 ms (loading it:
// 11.85 against 11.05 ms, 12 runs each).
const external = ['onnxruntime-node', '@tensorflow/*', 'prettier', 'onnx-proto'];

const { outputFiles } = await build({
  write: false,
  entryPoints: [`${dist}cli/main.js`],
  outfile: `${dist}recc.cjs`,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // Less to read at each start; names stay, so stack traces still name the functions.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  charset: 'ascii',
  external,
  // import() of a package outside the bundle becomes require(): a script run by vm.Script (bin/load-bundle.js)
  // has no import() of its own on Node 20 without an experimental flag, and those packages are CommonJS.
  supported: { 'dynamic-import': false },
  // import.meta.url is the bundle's (src/package-root.ts relies on it being one folder below the root).
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: { js: "const importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  plugins: [chevrotainFromPackage(), lazyChildProcessForCommander()],
  logLevel: 'warning',
});

const code = outputFiles[0].contents;
// bin/load-bundle.js reads the bundle as latin1, which equals UTF-8 for ASCII only.
if (code.some((b) => b > 0x7f)) throw new Error('dist/recc.cjs is not ASCII');
// The first line names the build; the code cache names the build it was made from (bin/load-bundle.js).
writeFileSync(`${dist}recc.cjs`, Buffer.concat([Buffer.from(`// recc CLI bundle ${createHash('sha256').update(code).digest('hex')}\n`), code]));

// Functions compiled by the time of the cache are in it: run a check, as `recc check` would.
const { loadCli } = createRequire(import.meta.url)('../bin/load-bundle.js');
const { cli, saveCodeCache } = loadCli();
// Its `ok …` line is not the build's to print. recc check writes it with fs.writeSync on fd 1
// (src/cli/output.ts writeStdout), which the bundle reads from node:fs at each call: muted here.
const fs = createRequire(import.meta.url)('node:fs');
const writeSync = fs.writeSync;
fs.writeSync = (fd, ...rest) => (fd === 1 ? rest[0].length : writeSync(fd, ...rest));
const exit = await cli.main(['node', 'recc', 'check', fileURLToPath(new URL('../examples/pepnet-multidomain.rec', import.meta.url))]).finally(() => {
  fs.writeSync = writeSync;
});
if (exit !== 0) throw new Error(`recc check of the example failed (exit ${exit}); no code cache written`);
saveCodeCache();

/** src/syntax/chevrotain-package.ts in place of chevrotain.ts, whose top-level await a CommonJS bundle cannot hold. */
function chevrotainFromPackage() {
  return {
    name: 'chevrotain-from-package',
    setup(b) {
      b.onResolve({ filter: /^\.\/chevrotain\.js$/ }, (args) => (dirname(args.importer) === `${dist}syntax` ? { path: `${dist}syntax/chevrotain-package.js` } : undefined));
    },
  };
}

/**
 * commander requires node:child_process when it loads, for subcommands that are separate
 * executables, which recc has none of: ~5 ms of every start (loading it pulls in net, stream and
 * more). Its require gets an object that loads the module on first use instead.
 */
function lazyChildProcessForCommander() {
  return {
    name: 'lazy-child-process-for-commander',
    setup(b) {
      b.onResolve({ filter: /^(node:)?child_process$/ }, (args) => (/[\\/]commander[\\/]/.test(args.importer) ? { path: 'child_process', namespace: 'lazy-child-process' } : undefined));
      b.onLoad({ filter: /.*/, namespace: 'lazy-child-process' }, () => ({
        contents: "let loaded; module.exports = new Proxy({}, { get: (_, key) => (loaded ??= require('node:child_process'))[key] });",
        loader: 'js',
      }));
    },
  };
}
