// Parses a corpus of valid and broken texts with this build and with a reference build and
// compares the ASTs and diagnostics, for a change of the parser that must not change what it
// gives (this session's parser without a CST was checked this way on 21,411 inputs). The corpus:
// every `.rec` file of the repository and a generated spec, each with 60 mutations per seed
// (truncated, lines deleted, a token inserted, characters deleted). Run after `npm run build`
// here and in the reference (e.g. a worktree of the previous commit):
//   node bench/parse-corpus.mjs --against ROOT [--seeds N]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateSpec } from './lib/generate-spec.mjs';

const root = join(fileURLToPath(import.meta.url), '../..');
const arg = (name) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const against = arg('--against');
if (!against) {
  console.error('usage: node bench/parse-corpus.mjs --against ROOT_OF_A_REFERENCE_BUILD [--seeds N]');
  process.exit(2);
}
const seeds = Number(arg('--seeds') ?? 1);
const here = await import(pathToFileURL(join(root, 'dist/syntax/parse.js')).href);
const there = await import(pathToFileURL(join(against, 'dist/syntax/parse.js')).href);

const files = [];
const walk = (d) => {
  for (const f of readdirSync(d)) {
    const p = join(d, f);
    if (statSync(p).isDirectory()) {
      if (f !== 'node_modules' && !f.startsWith('.') && f !== 'dist') walk(p);
    } else if (f.endsWith('.rec')) files.push(p);
  }
};
for (const d of ['examples', 'stdlib', 'test', 'bench']) walk(join(root, d));
const texts = [...files.map((f) => readFileSync(f, 'utf8')), generateSpec(400).text];

const JUNK = ['(', ')', '{', '}', ',', 'let', '=', 'x', '+', '[', ']', '"', 'block', 'model', ':', '.', '///', 'not', '-', '1e', '\n'];
let inputs = 0;
let broken = 0;
let differ = 0;
for (let seed = 0; seed < seeds; seed++) {
  let rng = 12345 + seed * 7919;
  const rand = (n) => {
    rng = (rng * 1103515245 + 12345) & 0x7fffffff;
    return rng % n;
  };
  for (const t of texts) {
    const variants = seed === 0 ? [t] : [];
    for (let k = 0; k < 60; k++) {
      const at = rand(t.length + 1);
      const lines = t.split('\n');
      switch (rand(4)) {
        case 0:
          variants.push(t.slice(0, at));
          break;
        case 1:
          lines.splice(rand(lines.length), 1 + rand(2));
          variants.push(lines.join('\n'));
          break;
        case 2:
          variants.push(t.slice(0, at) + JUNK[rand(JUNK.length)] + t.slice(at));
          break;
        default:
          variants.push(t.slice(0, at) + t.slice(at + 1 + rand(8)));
      }
    }
    for (const v of variants) {
      inputs++;
      const a = JSON.stringify(here.parse(v, 'f.rec'));
      const b = JSON.stringify(there.parse(v, 'f.rec'));
      if (b.includes('"REC1')) broken++;
      if (a !== b && differ++ < 5) console.log(`differs: ${JSON.stringify(v.length > 200 ? `…${v.slice(-200)}` : v)}`);
    }
  }
}
console.log(`${inputs} inputs (${broken} with syntax diagnostics), ${differ} differ`);
process.exitCode = differ > 0 ? 1 : 0;
