// Language server latency, measured as an editor sees it (over stdio, `recc lsp --stdio`):
// didChange → publishDiagnostics on a generated 2,000-line spec (many blocks and lets), and
// completion requests on it. Targets (issue 13): each edit's median <= 30 ms and p90 <= 60 ms, cold
// open <= 250 ms, completion <= 10 ms. Run after `npm run build`:
//   node bench/lsp.mjs [lines] [--against ROOT_OF_A_REFERENCE_BUILD]
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver-protocol/node';
import { generateSpec } from './lib/generate-spec.mjs';

const root = join(fileURLToPath(import.meta.url), '../..');
const targetLines = /^\d+$/.test(process.argv[2] ?? '') ? Number(process.argv[2]) : 2000;

const stats = (t) => {
  const s = [...t].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], p90: s[Math.floor(s.length * 0.9)], max: s[s.length - 1] };
};
const fmt = ({ median, p90, max }) => `median ${median.toFixed(1)} ms, p90 ${p90.toFixed(1)} ms, max ${max.toFixed(1)} ms`;

// Every 20th let documented, as real specs are (an edit of a documented item is one of the kinds below).
const generated = generateSpec(targetLines);
const text = generated.text.replace(/\n {2}let v(\d+) =/g, (m, i) => (Number(i) % 20 === 10 ? `\n  /// The ${i}th layer.${m}` : m));
const { lets } = generated;
const dir = mkdtempSync(join(tmpdir(), 'recc-lsp-bench-'));
const file = join(dir, 'big.rec');
writeFileSync(file, text);
const uri = pathToFileURL(file).href;

// The server of this build and, with `--against DIR` (the root of another build, e.g. a worktree of
// the previous commit, built), that one's beside it: each measurement alternates between them, so
// the machine's load falls on both alike.
const against = process.argv.indexOf('--against') >= 0 ? process.argv[process.argv.indexOf('--against') + 1] : undefined;
const roots = { 'this build': root, ...(against ? { reference: against } : {}) };

async function startServer(serverRoot) {
  const started = performance.now();
  const child = spawn(process.execPath, [...(process.env.SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean), join(serverRoot, 'bin/recc.js'), 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const waiting = new Map();
  conn.onNotification('textDocument/publishDiagnostics', (p) => {
    const w = waiting.get(p.version);
    if (w) w(p);
  });
  conn.listen();
  await conn.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(dir).href, capabilities: {} });
  const startMs = performance.now() - started;
  await conn.sendNotification('initialized', {});
  let version = 0;
  /** Send a full-text change; resolve with the ms until its diagnostics arrive. */
  const change = async (t) => {
    const v = ++version;
    const got = new Promise((r) => waiting.set(v, r));
    const start = performance.now();
    if (v === 1) await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'rec', version: v, text: t } });
    else await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: v }, contentChanges: [{ text: t }] });
    const p = await got;
    waiting.delete(v);
    return { ms: performance.now() - start, diagnostics: p.diagnostics };
  };
  const stop = async () => {
    await conn.sendRequest('shutdown');
    await conn.sendNotification('exit');
    conn.dispose();
    child.kill();
  };
  return { conn, change, stop, startMs };
}

const names = Object.keys(roots);
/** Run `f` for every build, in an order that alternates with `k`. */
const alternate = async (k, f) => {
  for (const n of k % 2 === 0 ? names : [...names].reverse()) await f(n);
};

// The cold open, once per fresh server: one sample is mostly the machine's noise, so each build
// opens the spec in COLD fresh servers (default 7), alternating, and the median is reported.
const open = Object.fromEntries(names.map((n) => [n, []]));
const start = Object.fromEntries(names.map((n) => [n, []]));
for (let k = 0; k < Number(process.env.COLD ?? 7); k++) {
  await alternate(k, async (n) => {
    const s = await startServer(roots[n]);
    const o = await s.change(text);
    if (k === 0 && o.diagnostics.length > 0) console.log(`note (${n}): the generated spec has diagnostics:`, o.diagnostics.slice(0, 3).map((d) => `${d.code} ${d.message}`));
    open[n].push(o.ms);
    start[n].push(s.startMs);
    await s.stop();
  });
}

// Completion sent right behind the didOpen of a fresh server: answered without waiting for the
// elaboration (issue 13: completion never waits behind a cold analysis).
const coldCompletion = Object.fromEntries(names.map((n) => [n, []]));
const lastLet = (() => {
  const off = text.indexOf(`let v${lets - 1} = `) + `let v${lets - 1} = `.length;
  const before = text.slice(0, off).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
})();
for (let k = 0; k < Number(process.env.COLD ?? 7); k++) {
  await alternate(k, async (n) => {
    const s = await startServer(roots[n]);
    const t0 = performance.now();
    const opened = s.change(text);
    const items = await s.conn.sendRequest('textDocument/completion', { textDocument: { uri }, position: lastLet });
    coldCompletion[n].push(performance.now() - t0);
    if (!Array.isArray(items) || items.length === 0) throw new Error(`no completion items on the cold open (${n})`);
    await opened;
    await s.stop();
  });
}

const servers = {};
for (const [name, r] of Object.entries(roots)) servers[name] = await startServer(r);
const each = (k, f) => alternate(k, (n) => f(n, servers[n]));
await each(0, (_n, s) => s.change(text));

// Edits like typing, each measured in both directions (there and back): change one width in the
// middle of the model (a valid spec), break a name and fix it, type a digit (the text after the
// edit moves), break the syntax and fix it, add a `let` whose nodes come before those of the
// lets after it, and change the body of a block that 1/100 of the lets call.
const lines = text.split('\n');
const mid = lines.findIndex((l) => l.includes(`let v${Math.floor(lets / 2)} =`));
const prevName = `v${Math.floor(lets / 2) - 1}`;
const documented = Math.ceil((Math.floor(lets / 2) + 5) / 20) * 20 + 10;
const rounds = Number(process.env.ROUNDS ?? 12);
const onMid = (f) => { const e = [...lines]; e[mid] = f(e[mid]); return e.join('\n'); };
const EDITS = {
  'valid edit': (k) => onMid((l) => l.replace('width: 16', `width: ${16 + (k % 3)}`)),
  'name error': () => onMid((l) => l.replace(/unit\d+\(/, 'unitx(')),
  'a digit typed': () => onMid((l) => l.replace('width: 16', 'width: 160')),
  'syntax error': () => onMid((l) => l.replace('(v', '((v')),
  'a new let': () => onMid((l) => `  let extra = concat(${prevName}, ${prevName})\n${l}`),
  'a documented let': (k) => text.replace(new RegExp(`(let v${documented} = [^\\n]*)width: 16`), `$1width: ${17 + (k % 3)}`),
  'a block body': () => text.replace('block unit50(x: tensor, pc: tensor, width: int = 16) {\n  let h = relu(dense(x, width))', 'block unit50(x: tensor, pc: tensor, width: int = 16) {\n  let h = relu(dense(relu(x), width))'),
};
const times = Object.fromEntries(names.map((n) => [n, Object.fromEntries(Object.keys(EDITS).map((k) => [k, { there: [], back: [] }]))]));
for (let k = 0; k < 5; k++) await each(k, (_n, s) => s.change(text)); // warm up the JIT and the caches
for (let k = 0; k < rounds; k++) {
  for (const [name, edit] of Object.entries(EDITS)) {
    await each(k, async (n, s) => {
      times[n][name].there.push((await s.change(edit(k))).ms);
      times[n][name].back.push((await s.change(text)).ms);
    });
  }
}

// Completion: an expression (names in scope), a call's parameters, a module member.
const at = (needle, delta = needle.length) => {
  const off = text.indexOf(needle) + delta;
  const before = text.slice(0, off).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
};
const positions = { 'names in scope': at(`let v${lets - 1} = `), 'call parameters': at('(v0, group, '), 'module member': at('poso.', 5) };
const completion = Object.fromEntries(names.map((n) => [n, {}]));
for (const [name, position] of Object.entries(positions)) {
  const t = Object.fromEntries(names.map((n) => [n, []]));
  for (let k = 0; k < 40; k++) {
    await each(k, async (n, s) => {
      const start = performance.now();
      const items = await s.conn.sendRequest('textDocument/completion', { textDocument: { uri }, position });
      t[n].push(performance.now() - start);
      if (k === 0 && (!Array.isArray(items) || items.length === 0)) throw new Error(`no completion items for ${name} (${n})`);
    });
  }
  for (const n of names) completion[n][name] = stats(t[n].slice(10));
}

// Completion sent right behind an edit, in the same write (an editor sends both as the user types):
// answered from the last analysis while the edit is not parsed, else from the edit's own parse and
// name resolution (the older tree's nodes have moved by then: documents.ts recentAnalysis).
const behind = Object.fromEntries(names.map((n) => [n, []]));
for (let k = 0; k < 30; k++) {
  await each(k, async (n, s) => {
    const start = performance.now();
    const analysed = s.change(k % 2 === 0 ? EDITS['a digit typed']() : text);
    const items = await s.conn.sendRequest('textDocument/completion', { textDocument: { uri }, position: positions['names in scope'] });
    behind[n].push(performance.now() - start);
    if (!Array.isArray(items) || items.length === 0) throw new Error(`no completion items behind an edit (${n})`);
    await analysed;
  });
}

// The requests an editor makes after each change besides diagnostics: semantic tokens of the whole
// file, its folding ranges, and expand selection at the cursor (n/a: a build without them).
const whole = { textDocument: { uri } };
const structure = {
  'semantic tokens, whole file': ['textDocument/semanticTokens/full', whole],
  'folding ranges': ['textDocument/foldingRange', whole],
  'selection range at a cursor': ['textDocument/selectionRange', { ...whole, positions: [at('(v0, group, ', 2)] }],
};
const structureTimes = Object.fromEntries(names.map((n) => [n, {}]));
for (const [name, [method, params]] of Object.entries(structure)) {
  const t = Object.fromEntries(names.map((n) => [n, []]));
  for (let k = 0; k < 30; k++) {
    await each(k, async (n, s) => {
      const start = performance.now();
      const ok = await s.conn.sendRequest(method, params).then(() => true, () => false);
      if (ok) t[n].push(performance.now() - start);
    });
  }
  for (const n of names) structureTimes[n][name] = t[n].length > 10 ? stats(t[n].slice(10)) : undefined;
}

const col = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(42) : c.padEnd(48))).join('');
console.log(`spec: ${text.split('\n').length} lines, ${Math.round(text.length / 1024)} KiB (${lets} lets calling ${Math.round(targetLines * 0.3 / 6)} blocks)`);
console.log(col(['', ...names.map((n) => (n === 'reference' ? `reference (${against})` : n))]));
console.log(col([`start → initialize answered`, ...names.map((n) => fmt(stats(start[n])))]));
console.log(col([`didOpen → diagnostics (cold, ${open[names[0]].length} servers)`, ...names.map((n) => fmt(stats(open[n])))]));
console.log(col(['completion right behind didOpen (cold)', ...names.map((n) => fmt(stats(coldCompletion[n])))]));
console.log('didChange → publishDiagnostics, each edit and its undo:');
for (const name of Object.keys(EDITS)) {
  console.log(col([`  ${name}`, ...names.map((n) => fmt(stats(times[n][name].there)))]));
  console.log(col(['    and back', ...names.map((n) => fmt(stats(times[n][name].back)))]));
}
for (const name of Object.keys(positions)) console.log(col([`completion, ${name}`, ...names.map((n) => fmt(completion[n][name]))]));
console.log(col(['completion right behind an edit', ...names.map((n) => fmt(stats(behind[n].slice(6))))]));
for (const name of Object.keys(structure)) console.log(col([name, ...names.map((n) => (structureTimes[n][name] ? fmt(structureTimes[n][name]) : 'n/a'))]));
if (against) {
  const ratio = (f) => (f('this build') / f('reference')).toFixed(2);
  console.log('ratios this build / reference (medians):');
  console.log(`  start ${ratio((n) => stats(start[n]).median)}; cold open ${ratio((n) => stats(open[n]).median)}; completion behind it ${ratio((n) => stats(coldCompletion[n]).median)}; ` + Object.keys(EDITS).map((e) => `${e} ${ratio((n) => stats(times[n][e].there).median)}/${ratio((n) => stats(times[n][e].back).median)}`).join('; '));
}

// Where a change's time goes, in-process (the same front end the server runs): from scratch (as
// `recc check` does), then the server's way for the valid edit above (parsing one model item,
// resuming elaboration from the previous version, IR passes deferred).
const { parse } = await import('../dist/syntax/parse.js');
const { ParseCache } = await import('../dist/syntax/parse-cache.js');
const { analyze } = await import('../dist/semantics/analyze.js');
const inProc = (f) => {
  f();
  const t = [];
  for (let k = 0; k < 5; k++) {
    const s = performance.now();
    f();
    t.push(performance.now() - s);
  }
  return stats(t).median;
};
const tParse = inProc(() => parse(text, file));
const tResolve = inProc(() => analyze(text, file, { resolveOnly: true }));
const tFull = inProc(() => analyze(text, file));
console.log(`in-process, from scratch: parse ${tParse.toFixed(0)} ms, + resolve ${(tResolve - tParse).toFixed(0)} ms, + elaborate/IR passes ${(tFull - tResolve).toFixed(0)} ms (total ${tFull.toFixed(0)} ms)`);
const edited = [...lines];
edited[mid] = edited[mid].replace('width: 16', 'width: 17');
const editedText = edited.join('\n');
const parses = new ParseCache();
let previous = analyze(text, file, { deferPasses: true, parses });
const tEdit = inProc(() => {
  const a = analyze(editedText, file, { deferPasses: true, previous, parses });
  previous = analyze(text, file, { deferPasses: true, previous: a, parses });
});
console.log(`in-process, the server's way: the valid edit and back ${tEdit.toFixed(0)} ms (two analyses)`);

for (const server of Object.values(servers)) await server.stop();
