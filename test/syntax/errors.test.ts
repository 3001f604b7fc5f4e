// Syntax errors: each code with the span it must have, marked under the offending line
// (`//   ^^^ REC1001`; a zero-width span shows as one caret), its message and hint; and every
// error of a file reported in one run.
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { parse } from '../../src/syntax/parse.js';
import { treeProblems } from './tree-check.js';

interface Mark {
  code: string;
  line: number;
  column: number;
  endColumn: number;
}

/** The markers of a text: each applies to the closest line above that is not a marker. */
function marks(text: string): Mark[] {
  const out: Mark[] = [];
  let target = 0;
  text.split('\n').forEach((l, i) => {
    const m = /^\s*\/\/\s*(\^+)\s+(REC\d{4})\s*$/.exec(l);
    if (!m) {
      target = i + 1;
      return;
    }
    const column = l.indexOf('^') + 1;
    out.push({ code: m[2]!, line: target, column, endColumn: column + m[1]!.length });
  });
  return out;
}

const asMark = (d: Diagnostic): Mark => ({
  code: d.code,
  line: d.span.start.line,
  column: d.span.start.column,
  endColumn: d.span.end.line === d.span.start.line ? Math.max(d.span.end.column, d.span.start.column + 1) : -1,
});

/** Parse `text` and check its diagnostics are exactly the marked ones; returns them. */
function check(text: string): Diagnostic[] {
  const r = parse(text, 'x.rec');
  expect(r.diagnostics.map(asMark)).toEqual(marks(text));
  expect(treeProblems(r, text, 'x.rec')).toEqual([]);
  for (const d of r.diagnostics) expect(d.severity).toBe('error');
  return r.diagnostics;
}

describe('REC1001 unexpected character', () => {
  it('names the character and says what to write instead', () => {
    const [d] = check(`model m {
  let a = 1;
  //       ^ REC1001
}`);
    expect(d!.message).toBe('unexpected character `;`');
    expect(d!.hint).toBe('statements need no `;`: remove it');
  });

  it('a run of bad characters is one diagnostic; unprintable ones are named by code point', () => {
    const [d] = check('model m { let a = 1 $$\u0001 }\n//                  ^^^ REC1001');
    expect(d!.message).toBe('unexpected characters `$ $ U+0001`');
    const [q] = check("model m { let s = 'x }\n//                ^ REC1001");
    expect(q!.hint).toBe('strings use double quotes: "…"');
  });
});

describe('REC1002 unexpected token', () => {
  it('an expression is missing', () => {
    const [d] = check(`model m {
  let h = relu(a) +
  task click : binary(label: clicked)
//^^^^ REC1002
}`);
    expect(d!.message).toBe('expected an expression but found `task`');
  });

  it('a statement at the top level', () => {
    const [d] = check(`  let x = 1
//^^^ REC1002
model m { let y = 2 }`);
    expect(d!.message).toBe('expected `use`, `block` or `model` but found `let`');
    expect(d!.hint).toBe('`let` goes inside a `block` or a `model`');
  });

  it('a `}` too many at the top level; the next model is still read', () => {
    const [d] = check(`model m { let a = 1 }
  }
//^ REC1002
model n { let b = 2 }`);
    expect(d!.hint).toBe('this `}` closes nothing: remove it');
    const r = parse('model m { let a = 1 }\n}\nmodel n { let b = 2 }', 'x.rec');
    expect(r.file.items.map((i) => i.kind === 'Model' && i.name.name)).toEqual(['m', 'n']);
  });

  it('junk among model items, `=` for `:` in a field, a comma too many', () => {
    const ds = check(`model m {
  5
//^ REC1002
  train { batch = 4 }
  //            ^ REC1002
  let a = f(x, , y)
  //           ^ REC1002
}`);
    expect(ds.map((d) => d.message)).toEqual(['expected a model item or `}` but found `5`', 'expected `:` but found `=`', 'expected an argument but found `,`']);
    expect(ds[1]!.hint).toBe('fields and named arguments are written `name: value`');
  });
});

describe('a misspelt keyword', () => {
  it('is named, with the fix that writes the keyword over it', () => {
    const ds = check(`  mdel m {
//^^^^ REC1002
}
model n {
  tarin { batch: 4 }
//^^^^^ REC1002
}
block b(x: tensor) {
  retrun x
  //    ^ REC1003
}`);
    expect(ds.map((d) => d.hint)).toEqual(['did you mean `model`?', 'did you mean `train`?', 'did you mean `return`?']);
    // the fix replaces the word itself (for `retrun x`, the word before the missing `=`)
    expect(ds.map((d) => d.suggestions.map((s) => [s.text, s.span.start.line, s.span.start.column, s.span.end.column]))).toEqual([
      [['model', 1, 3, 7]],
      [['train', 5, 3, 8]],
      [['return', 9, 3, 9]],
    ]);
    // a word far from every keyword keeps the usual hint
    expect(parse('model n {\n  zebra { batch: 4 }\n}\n', 'x.rec').diagnostics[0]!.suggestions).toEqual([]);
  });
});

// found by a probe: `freeze: [features]` said "add `]`", and `model inner` nothing, of the keyword
describe('a keyword written as a name', () => {
  const hints = (text: string) => parse(text, 'x.rec').diagnostics.map((d) => d.hint);
  it('is named a keyword where a name is expected, and where what follows a name follows it', () => {
    expect(hints('model inner {\n}\n')).toEqual(['`inner` is a keyword and cannot be a name: pick another name']);
    expect(hints('model m {\n  let train = relu(a)\n}\n')[0]).toBe('`train` is a keyword and cannot be a name: pick another name');
    expect(hints('model m {\n  stage s { freeze: [net, features] }\n}\n')[0]).toBe('`features` is a keyword and cannot be a name: the feature tables are selected with `"features.*"`');
  });

  it('is not named where the keyword starts what comes next: a missing closer stays one', () => {
    expect(hints('model m {\n  let h = concat(a, b\n  task click : binary(label: clicked)\n}\n')[0]).toBe('add `)`');
    expect(hints('model m {\n  let h = [a, b\n  features {\n    a: dense(4)\n  }\n}\n')[0]).toBe('add `]`');
  });
});

describe('REC1003 missing token', () => {
  it('a missing `)`: a zero-width span right after the last argument', () => {
    const [d] = check(`model m {
  let h = relu(a
  //            ^ REC1003
  task click : binary(label: clicked)
}`);
    expect(d!.span.start.offset).toBe(d!.span.end.offset);
    expect(d!.message).toBe('expected `)` but found `task`');
    expect(d!.hint).toBe('add `)`');
  });

  it('a missing `}` at the end of the file', () => {
    const [d] = check(`model m {
  let a = 1
  //       ^ REC1003`);
    expect(d!.message).toBe('expected `}` but found the end of the file');
    expect(d!.hint).toBe('add `}`');
  });

  it('missing commas between arguments, list items and parameters', () => {
    const ds = check(`block f(a b) { return a }
//       ^ REC1003
model m {
  features { uid: id(hash: 10 dim: 4) }
  //                         ^ REC1003
  let l = [1 2]
  //        ^ REC1003
}`);
    expect(ds.map((d) => d.message)).toEqual([
      'expected `,` between parameters but found `b`',
      'expected `,` between arguments but found `dim`',
      'expected `,` between list items but found `2`',
    ]);
    for (const d of ds) expect(d.hint).toBe('add `,`');
  });

  it('a missing `:` after a task name', () => {
    const [d] = check(`model m {
  task t binary(label: y)
  //    ^ REC1003
}`);
    expect(d!.message).toBe('expected `:` but found `binary`');
  });
});

describe('lexical errors', () => {
  it('REC1004: an unterminated string covers the rest of its line, with no cascade', () => {
    const [d] = check(`model m {
  features {
    a: id(vocab: ["x", "y], dim: 4)
    //                 ^^^^^^^^^^^^ REC1004
    b: label
  }
}`);
    expect(d!.hint).toBe('add the closing `"` on the same line');
  });

  it('REC1005: malformed numbers', () => {
    const ds = check(`model m {
  let a = 10__000
  //      ^^^^^^^ REC1005
  let b = 1_
  //      ^^ REC1005
  let c = 12abc
  //      ^^^^^ REC1005
}`);
    expect(ds[0]!.message).toBe('malformed number `10__000`');
  });

  it('REC1005: an integer past 2^53 - 1, which a float cannot hold exactly', () => {
    const ds = check(`model m {
  let a = 9_007_199_254_740_991
  let b = 9007199254740993
  //      ^^^^^^^^^^^^^^^^ REC1005
  let c = 99999999999999999999999999
  //      ^^^^^^^^^^^^^^^^^^^^^^^^^^ REC1005
  let d = 1e30
}`);
    expect(ds[0]!.message).toBe('integer `9007199254740993` is too large');
    expect(ds[0]!.hint).toBe('integers go up to 9_007_199_254_740_991 (2^53 - 1)');
  });

  it('REC1005: a number past the range of a double, which would read as infinity', () => {
    const ds = check(`model m {
  let a = 1e308
  let b = 1e400
  //      ^^^^^ REC1005
  let c = 2.5e1_000
  //      ^^^^^^^^^ REC1005
  let d = 1e-400
  let e = 3.5e38
}`);
    expect(ds[0]!.message).toBe('number `1e400` is too large');
    expect(ds[0]!.hint).toBe('numbers go up to about 1.8e308');
  });

  it('REC1006: an unterminated block comment, marked at its `/*`', () => {
    // (no caret marker here: the comment swallows everything after it)
    const r = parse('model m { let a = 1 }\n  /* the end\n', 'x.rec');
    expect(r.diagnostics.map(asMark)).toEqual([{ code: 'REC1006', line: 2, column: 3, endColumn: 5 }]);
    expect(r.file.items).toHaveLength(1);
  });

  it('REC1007: an unknown escape in a string', () => {
    const [d] = check(String.raw`model m {
  let s = "a\qb"
  //        ^^ REC1007
}`);
    expect(d!.message).toBe('unknown escape `\\q` in a string');
  });

  // found by a probe of the diagnostics: these said "unknown escape `\u`", over `\u` alone, while
  // the hint lists `\u{…}` as an escape
  it('REC1007: a `\\u` escape that is no code point, over the whole escape', () => {
    const ds = check(String.raw`model m {
  let a = "abc\u{110000}"
  //          ^^^^^^^^^^ REC1007
  let b = "\u{zz}x\u{1234567}"
  //       ^^^^^^ REC1007
  //              ^^^^^^^^^^^ REC1007
  let c = "\u12\u{10FFFF}\u{"
  //       ^^ REC1007
  //                     ^^ REC1007
}`);
    expect(ds.map((d) => d.message)).toEqual([
      'escape `\\u{110000}` is beyond U+10FFFF, the last code point',
      'escape `\\u{zz}` needs 1 to 6 hex digits between its braces',
      'escape `\\u{1234567}` needs 1 to 6 hex digits between its braces',
      'escape `\\u` needs a code point in hex, like `\\u{1F600}` or `\\u00e9`',
      'escape `\\u` needs a code point in hex, like `\\u{1F600}` or `\\u00e9`',
    ]);
  });
});

describe('REC1008 nesting too deep', () => {
  it('reports the first token too deep and never overflows the stack', () => {
    const text = `model m { let a = ${'('.repeat(100_000)}1${')'.repeat(100_000)} }\nmodel n { let b = 1 }`;
    const r = parse(text, 'x.rec');
    expect(r.diagnostics.map((d) => [d.code, d.span.start.column])).toEqual([['REC1008', 19 + 63]]);
    expect(treeProblems(r, text, 'x.rec')).toEqual([]);
    for (const deep of ['-'.repeat(50_000), 'not '.repeat(50_000), '['.repeat(50_000), '{a: '.repeat(50_000)]) {
      const t = `model m { let a = ${deep}1 }`;
      const q = parse(t, 'x.rec');
      expect(q.diagnostics.map((d) => d.code)).toEqual(['REC1008']);
      expect(treeProblems(q, t, 'x.rec')).toEqual([]);
    }
  });

  it('64 levels parse, also from a call stack that is already deep', () => {
    const text = `block f() { return ${'('.repeat(60)}1${')'.repeat(60)} }`;
    const deepCall = (n: number): number => (n === 0 ? parse(text, 'x.rec').diagnostics.length : deepCall(n - 1));
    expect(deepCall(2000)).toBe(0);
  });
});

describe('REC1009 expression chain too long', () => {
  it('cuts a chain whose tree would be deeper than 256 at the token that makes it so', () => {
    // `model m {` is one level, each `+` one more: the 255th `+` makes 257
    const text = `model m {\n  let s = ${Array(100_000).fill('a').join(' + ')}\n}\nmodel n { let b = 1 }`;
    const r = parse(text, 'x.rec');
    expect(r.diagnostics.map((d) => [d.code, d.span.start.line, d.span.start.column])).toEqual([['REC1009', 2, 11 + 4 * 254 + 2]]);
    expect(treeProblems(r, text, 'x.rec')).toEqual([]);
  });

  it('counts member accesses, calls, indexing and `else if` as links of the chain', () => {
    for (const chain of ['x' + '.a'.repeat(5_000), 'f' + '()'.repeat(5_000), 'x' + '[0]'.repeat(5_000), '1 * 2 + 3 == 4 and '.repeat(2_000) + 'true']) {
      const t = `model m { let a = ${chain} }`;
      expect(parse(t, 'x.rec').diagnostics.map((d) => d.code)).toEqual(['REC1009']);
    }
    const elseIf = `block f(x: int) {\n  if x > 0 { return 1 }${' else if x > 0 { return 1 }'.repeat(5_000)}\n  return 0\n}`;
    expect(parse(elseIf, 'x.rec').diagnostics.map((d) => d.code)).toEqual(['REC1009']);
  });

  it('starts the count again after a comma, `=`, `:` or a keyword: long lists and long files are fine', () => {
    const list = `model m { let a = [${Array(5_000).fill('x + 1').join(', ')}] }`;
    const lets = `model m {\n${Array(2_000).fill('  let a = x + y + z').join('\n')}\n}`;
    const ifs = `block f(x: int) {\n${'  if x > 0 { return 1 }\n'.repeat(2_000)}  return 0\n}`;
    for (const t of [list, lets, ifs]) expect(parse(t, 'x.rec').diagnostics).toEqual([]);
  });

  it('a chain of 200 links parses', () => {
    expect(parse(`model m { let a = ${Array(200).fill('a').join(' + ')} }`, 'x.rec').diagnostics).toEqual([]);
  });
});

describe('REC3001 unknown type', () => {
  it('keeps `any` in the tree and suggests the closest type', () => {
    const [d] = check(`block f(x: flaot) { return x }
//         ^^^^^ REC3001`);
    expect(d!.message).toContain('unknown type `flaot`');
    expect(d!.hint).toBe('did you mean `float`?');
    expect(d!.suggestions.map((s) => s.text)).toEqual(['float']);
    const b = parse('block f(x: [flaot]) { return x }', 'x.rec').file.items[0]!;
    expect(b.kind === 'Block' && b.params[0]!.type).toMatchObject({ name: 'list', elem: { name: 'any' } });
  });
});

describe('several errors in one file', () => {
  it('three separated errors give exactly three diagnostics, and the rest of the tree', () => {
    const text = `model m {
  let a = (1 +
  let b = 2
//^^^ REC1002
}
block c(x { return x }
//       ^ REC1003
model d {
  let e = ]
  //      ^ REC1002
  let f = 3
}
`;
    check(text);
    const r = parse(text, 'x.rec');
    expect(r.file.items.map((i) => i.kind === 'Model' || i.kind === 'Block' ? i.name.name : '')).toEqual(['m', 'c', 'd']);
    const d = r.file.items[2]!;
    expect(d.kind === 'Model' && d.items.map((i) => (i.kind === 'Let' ? i.name.name : i.kind))).toContain('f');
  });

  it('every message says what was expected and what was found', () => {
    const r = parse('model m { let = 1 task : x let y = (1 }\nblock b( { return }\n}', 'x.rec');
    expect(r.diagnostics.length).toBeGreaterThanOrEqual(3);
    for (const d of r.diagnostics) expect(d.message).toMatch(/^expected .+ but found .+$/);
  });
});
