// Every construct of grammar/rec.ebnf parses to the tree ast.ts describes; a few trees are
// checked in full, spans included (positions counted by hand in the source strings).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type * as A from '../../src/syntax/ast.js';
import { parse } from '../../src/syntax/parse.js';
import { treeProblems } from './tree-check.js';

const EVERYTHING = readFileSync(join(import.meta.dirname, 'fixtures/everything.rec'), 'utf8');

function ok(text: string): A.SourceFile {
  const r = parse(text, 'x.rec');
  expect(r.diagnostics).toEqual([]);
  expect(treeProblems(r, text, 'x.rec')).toEqual([]);
  return r.file;
}

function model(text: string): A.ModelItem[] {
  const m = ok(text).items[0]!;
  if (m.kind !== 'Model') throw new Error(m.kind);
  return m.items;
}

/** A compact, span-free rendering of a tree, to compare shapes in one line. */
function strip(n: unknown): unknown {
  if (Array.isArray(n)) return n.map(strip);
  if (!n || typeof n !== 'object') return n;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(n)) if (k !== 'span') out[k] = strip(v);
  return out;
}

const id = (name: string) => ({ kind: 'Ident', name });
const nm = (name: string) => ({ kind: 'Name', name });
const num = (raw: string, value: number, isInt = true) => ({ kind: 'Number', value, raw, isInt });

describe('the whole language', () => {
  it('parses a spec that uses every construct, with no diagnostic and a sound tree', () => {
    const f = ok(EVERYTHING);
    expect(f.items.map((i) => i.kind)).toEqual(['Use', 'Use', 'Block', 'Block', 'Model']);
    const m = f.items[4] as A.ModelDecl;
    expect(m.items.map((i) => i.kind)).toEqual(['Features', 'Pc', 'Let', 'Let', 'Task', 'Task', 'Train', 'Support', 'MetaBlock', 'Stage', 'Stage']);
  });
});

describe('top level', () => {
  it('use: a dotted module path, or a file with an alias', () => {
    const [a, b] = ok('use std.poso\nuse "./common.rec" as common').items as A.UseDecl[];
    expect(strip(a)).toEqual({ kind: 'Use', path: { kind: 'dotted', parts: [id('std'), id('poso')] } });
    expect(strip(b)).toEqual({ kind: 'Use', path: { kind: 'file', value: './common.rec' }, alias: id('common') });
    // `use "./common.rec" as common` on line 2: the path string starts at column 5
    expect(b!.path.kind === 'file' && b!.path.span.start).toEqual({ offset: 17, line: 2, column: 5 });
    expect(b!.span.end).toEqual({ offset: 41, line: 2, column: 29 });
  });

  it('block: parameters with types, defaults and a trailing comma; statements of every kind', () => {
    const b = ok(`block f(x: tensor, n: [int] = [1, 2], g: block = relu, any_thing,) {
  let h = x
  for u in n { h = g(h) }
  if n == 1 { return h } else if true { return x } else { return h }
  return h
}`).items[0] as A.BlockDecl;
    expect(strip(b.params)).toEqual([
      { kind: 'Param', name: id('x'), type: { kind: 'Type', name: 'tensor' } },
      { kind: 'Param', name: id('n'), type: { kind: 'Type', name: 'list', elem: { kind: 'Type', name: 'int' } }, default: { kind: 'List', items: [num('1', 1), num('2', 2)] } },
      { kind: 'Param', name: id('g'), type: { kind: 'Type', name: 'block' }, default: nm('relu') },
      { kind: 'Param', name: id('any_thing') },
    ]);
    expect(b.body.map((s) => s.kind)).toEqual(['Let', 'For', 'If', 'Return']);
    expect(strip(b.body[1])).toEqual({ kind: 'For', variable: id('u'), iterable: nm('n'), body: [{ kind: 'Assign', name: id('h'), value: { kind: 'Call', callee: nm('g'), args: [{ kind: 'Arg', value: nm('h') }] } }] });
    const ifs = b.body[2] as A.IfStmt;
    expect(ifs.else).toHaveLength(1);
    expect(ifs.else![0]!.kind).toBe('If'); // `else if` nests
    expect((ifs.else![0] as A.IfStmt).else![0]!.kind).toBe('Return');
  });

  it('an empty file and a file of comments give an empty tree', () => {
    expect(ok('').items).toEqual([]);
    const f = ok('// one\n/* two */\n');
    expect(f.items).toEqual([]);
    expect(f.comments.map((c) => c.text)).toEqual(['// one', '/* two */']);
    expect(f.span).toEqual({ file: 'x.rec', start: { offset: 0, line: 1, column: 1 }, end: { offset: 17, line: 3, column: 1 } });
  });
});

describe('model items', () => {
  it('features, with and without commas between them', () => {
    const [f] = model('model m { features { uid: id(hash: 10, dim: 4)   iid: id(hash: 10, dim: 4), y: label } }') as [A.FeaturesSection];
    expect(f.features.map((x) => x.name.name)).toEqual(['uid', 'iid', 'y']);
    expect(strip(f.features[0]!.value)).toEqual({
      kind: 'Call',
      callee: nm('id'),
      args: [
        { kind: 'Arg', name: id('hash'), value: num('10', 10) },
        { kind: 'Arg', name: id('dim'), value: num('4', 4) },
      ],
    });
    // `uid` starts at offset 21 (column 22); the feature ends after `)` at offset 46
    expect(f.features[0]!.span.start).toEqual({ offset: 21, line: 1, column: 22 });
    expect(f.features[0]!.span.end).toEqual({ offset: 46, line: 1, column: 47 });
  });

  it('pc, let, task with and without settings, train with a record', () => {
    const items = model(`model m {
  pc group = avc
  let q = concat(a, b)
  task fav : binary(label: rating == 5) { tower: [64] from: q }
  task sat : binary(label: rating >= 4)
  train { optimizer: { embeddings: adagrad(lr: 0.05), dense: adam(lr: 1e-3) } batch: 1024 }
}`);
    expect(strip(items[0])).toEqual({ kind: 'Pc', name: id('group'), value: nm('avc') });
    expect(items[1]!.kind).toBe('Let');
    const fav = items[2] as A.TaskDecl;
    expect(fav.fields.map((x) => x.name.name)).toEqual(['tower', 'from']);
    expect(strip(fav.head)).toEqual({
      kind: 'Call',
      callee: nm('binary'),
      args: [{ kind: 'Arg', name: id('label'), value: { kind: 'Binary', op: '==', left: nm('rating'), right: num('5', 5) } }],
    });
    expect((items[3] as A.TaskDecl).fields).toEqual([]);
    const train = items[4] as A.TrainSection;
    expect(train.fields.map((x) => x.name.name)).toEqual(['optimizer', 'batch']);
    expect(strip(train.fields[0]!.value)).toMatchObject({ kind: 'Record', fields: [{ name: id('embeddings') }, { name: id('dense') }] });
  });

  it('support, meta_block with inner settings, stage with fields and tasks', () => {
    const items = model(`model m {
  support history by scenario: pairs(user, item, label: clicked, size: 64)
  meta_block user_meta by user_id {
    inner { steps: 1, lr: 0.01, order: first }
    let e = mlp(x, [64, 32])
    return e
  }
  stage finetune { freeze: net  task gender : classify(label: g, classes: 2)  by: 1 }
}`);
    expect(strip(items[0])).toMatchObject({ kind: 'Support', name: id('history'), key: id('scenario'), value: { kind: 'Call', callee: nm('pairs') } });
    const mb = items[1] as A.MetaBlockDecl;
    expect(mb.name.name).toBe('user_meta');
    expect(mb.key.name).toBe('user_id');
    expect(mb.inner.map((f) => f.name.name)).toEqual(['steps', 'lr', 'order']);
    expect(mb.body.map((s) => s.kind)).toEqual(['Let', 'Return']);
    const st = items[2] as A.StageDecl;
    expect(st.fields.map((f) => f.name.name)).toEqual(['freeze', 'by']); // a keyword as a field name
    expect(st.tasks.map((t) => t.name.name)).toEqual(['gender']);
  });

  it('`pc` is a keyword only at the start of a model item', () => {
    const b = ok('block gate(pc, width: int) { return pc }').items[0] as A.BlockDecl;
    expect(b.params[0]!.name.name).toBe('pc');
    expect(strip(model('model m { let pc = 1 }')[0])).toEqual({ kind: 'Let', name: id('pc'), value: num('1', 1) });
  });
});

describe('soft keywords', () => {
  it('keywords are field and argument names', () => {
    const items = model('model m { train { metrics: [gauc(by: user_id, in: 2, for: 1)], features: 1, train: 2 } }');
    const t = items[0] as A.TrainSection;
    expect(t.fields.map((f) => f.name.name)).toEqual(['metrics', 'features', 'train']);
    const call = (t.fields[0]!.value as A.ListExpr).items[0] as A.CallExpr;
    expect(call.args.map((a) => a.name?.name)).toEqual(['by', 'in', 'for']);
    // `by` keeps its own span: `model m { train { metrics: [gauc(` is 33 characters
    expect(call.args[0]!.name!.span.start).toEqual({ offset: 33, line: 1, column: 34 });
  });

  it('words that start with a keyword are names', () => {
    const items = model('model m { let trainer = index + byte + notable + order + android + use_x }');
    const l = items[0] as A.LetStmt;
    expect(l.name.name).toBe('trainer');
    const names: string[] = [];
    let e: A.Expr = l.value;
    while (e.kind === 'Binary') {
      names.unshift((e.right as A.NameExpr).name);
      e = e.left;
    }
    names.unshift((e as A.NameExpr).name);
    expect(names).toEqual(['index', 'byte', 'notable', 'order', 'android', 'use_x']);
  });
});

describe('doc comments', () => {
  it('attach to blocks and parameters, `///` and one space stripped, lines joined', () => {
    const text = '/// Adds one.\n///  Twice.\nblock inc(\n  /// the input\n  x: tensor,\n) {\n  return x + 1\n}\n';
    const b = ok(text).items[0] as A.BlockDecl;
    expect(b.doc).toBe('Adds one.\n Twice.');
    expect(b.params[0]!.doc).toBe('the input');
    // line 3 starts at offset 26 (14 + 12 characters of doc lines); `inc` is 6 further
    expect(b.name.span.start).toEqual({ offset: 32, line: 3, column: 7 });
    expect(b.name.span.end).toEqual({ offset: 35, line: 3, column: 10 });
    expect(b.span.start).toEqual({ offset: 26, line: 3, column: 1 });
  });

  it('end at their last non-blank character, as comments do: trailing whitespace is no part of either', () => {
    const text = '/// Adds one.  \r\n///\t\n/// Twice.\t\nblock inc(x: tensor) {  \n  // a note \t\n  return x + 1 /* inline */   \n}\n';
    const r = parse(text, 'x.rec');
    expect(r.diagnostics).toEqual([]);
    expect((r.file.items[0] as A.BlockDecl).doc).toBe('Adds one.\n\nTwice.');
    expect(r.file.comments.map((c) => c.text)).toEqual(['// a note', '/* inline */']);
    // `// a note` starts at column 3 of line 5 and is 9 characters long
    expect(r.file.comments[0]!.span.start).toMatchObject({ line: 5, column: 3 });
    expect(r.file.comments[0]!.span.end).toMatchObject({ line: 5, column: 12 });
  });

  it('attach to every documentable model item, also across a blank line or a plain comment', () => {
    const items = model(`/// the model
model m {
  features {
    /// user
    uid: id(hash: 10, dim: 4)
  }
  /// code

  pc g = uid
  /// binding
  // (a plain comment in between)
  let x = uid
  /// task
  task t : binary(label: y)
  /// support
  support s by uid: pairs(x)
  /// meta
  meta_block mb by uid { return x }
}`);
    expect((items[0] as A.FeaturesSection).features[0]!.doc).toBe('user');
    expect(items.slice(1).map((i) => ('doc' in i ? i.doc : undefined))).toEqual(['code', 'binding', 'task', 'support', 'meta']);
  });

  it('a doc comment that documents nothing stays in the file as a comment; `////` is a plain comment', () => {
    const r = parse('model m {\n  train {\n    /// not a declaration\n    batch: 1\n  }\n  //// separator\n  let a = 1\n}\n/// at the end\n', 'x.rec');
    expect(r.diagnostics).toEqual([]);
    expect(r.file.comments.map((c) => c.text)).toEqual(['/// not a declaration', '//// separator', '/// at the end']);
    expect(((r.file.items[0] as A.ModelDecl).items[1] as A.LetStmt).doc).toBeUndefined();
  });
});
