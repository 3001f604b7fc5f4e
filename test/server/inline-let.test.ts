// "Inline `let`": the edits written out for a hand-made spec, where it is not offered, and a sweep
// over the examples and spec fixtures: each model `let` read once, inlined, gives a spec that
// checks with no new error and builds the same graph (the same operations on the same shapes, the
// same parameter shapes; names may differ, since parameters are named after their `let`).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { TextEdit } from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze } from '../../src/semantics/analyze.js';
import { expectSameModel } from '../helpers/refactoring.js';
import { exampleSpecs } from '../spec-files.js';
import { inlineLet } from '../../src/server/inline-let.js';

const TEXT = `use std.poso

model m {
  features {
    user_id: id(hash: 100, dim: 4)
    item_id: id(hash: 100, dim: 4)
    avc: bucketize(boundaries: [1, 10], dim: 2)
    clicked: label
  }
  pc group = avc
  /// Both ids.
  let both = concat(user_id, item_id)
  let sum = user_id + item_id
  let scaled = sum * 2.0
  let trunk = poso.mlp(concat(both, scaled), pc: group, units: [8])
  let twice = trunk + trunk
  task click : binary(label: clicked) { from: twice }
}
`;

/** The spec after inlining the `let` whose name (or use) is at the first `needle` after `after`; undefined when not offered. */
function inlined(text: string, needle: string, after = ''): string | undefined {
  const at = text.indexOf(needle, text.indexOf(after));
  const a = analyze(text, '/tmp/inline.rec');
  const doc = TextDocument.create('file:///tmp/inline.rec', 'rec', 1, text);
  const [action] = inlineLet(a, text, doc.uri, at, (o) => doc.positionAt(o));
  return action && TextDocument.applyEdits(doc, action.edit!.changes![doc.uri]!);
}

describe('inline let', () => {
  it('writes the value where it is read and removes the let with its doc comment', () => {
    const want = TEXT.replace('  /// Both ids.\n  let both = concat(user_id, item_id)\n', '').replace('poso.mlp(concat(both, scaled)', 'poso.mlp(concat(concat(user_id, item_id), scaled)');
    // from the declaration and from the use alike
    expect(inlined(TEXT, 'both =')).toBe(want);
    expect(inlined(TEXT, 'both,')).toBe(want);
  });

  it('takes the doc comment too when blank lines or comments stand between it and the let', () => {
    const spaced = TEXT.replace('  /// Both ids.\n', '  /// Both ids.\n\n  // (a note)\n');
    const out = inlined(spaced, 'both =')!;
    expect(out).toBe(spaced.replace('  /// Both ids.\n\n  // (a note)\n  let both = concat(user_id, item_id)\n', '').replace('poso.mlp(concat(both, scaled)', 'poso.mlp(concat(concat(user_id, item_id), scaled)'));
    // no doc is left to fall on the next let
    expect(analyze(out, '/tmp/inline.rec').symbols.defs.find((d) => d.name === 'sum')?.doc).toBeUndefined();
  });

  it('puts parentheses around a compound value where an operator holds it, and not elsewhere', () => {
    expect(inlined(TEXT, 'sum =')).toBe(TEXT.replace('  let sum = user_id + item_id\n', '').replace('sum * 2.0', '(user_id + item_id) * 2.0'));
    expect(inlined(TEXT, 'scaled =')).toBe(TEXT.replace('  let scaled = sum * 2.0\n', '').replace('concat(both, scaled)', 'concat(both, sum * 2.0)'));
  });

  it('inlines into a task', () => {
    expect(inlined(TEXT, 'twice =')).toBe(TEXT.replace('  let twice = trunk + trunk\n', '').replace('from: twice', 'from: trunk + trunk'));
  });

  it('is not offered for a let read twice, a pc, a feature, or a let a selector names', () => {
    expect(inlined(TEXT, 'trunk =')).toBeUndefined();
    expect(inlined(TEXT, 'group =')).toBeUndefined();
    expect(inlined(TEXT, 'user_id:')).toBeUndefined();
    // trunk read once: offered, unless a stage's freeze list names it
    const once = TEXT.replace('trunk + trunk', 'trunk * 2.0');
    expect(inlined(once, 'trunk =')).toBeDefined();
    const frozen = once.replace('  task click', '  stage warm {\n    epochs: 1\n  }\n  stage tune {\n    epochs: 1\n    freeze: [trunk]\n  }\n  task click');
    expect(analyze(frozen, '/tmp/inline.rec').diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(inlined(frozen, 'trunk =')).toBeUndefined();
  });

  it('is not offered for a let that a task without `from:` reads as well', () => {
    const spec = `model m {
  features {
    user: id(hash: 100, dim: 4)
    item: id(hash: 100, dim: 4)
    clicked: label
    liked: label
  }
  let trunk = dense(concat(user, item), 8)
  let head = dense(trunk, 4)
  task click : binary(label: clicked) { from: head }
  task like : binary(label: liked)
}
`;
    // `like` reads `head`, the last let: inlined into `click`, `trunk` would be last and `like` would read it
    expect(inlined(spec, 'head =')).toBeUndefined();
    expect(inlined(spec, 'head }')).toBeUndefined();
    // with `like` reading something else, `head` is read once
    expect(inlined(spec.replace('binary(label: liked)', 'binary(label: liked) { from: trunk }'), 'head =')).toBeDefined();
  });
});

describe('inline let beside a selector with a `*`', () => {
  it('is not offered when the selector may select the let or its reader: their parameters change names', () => {
    const spec = (freeze: string) => `model m {
  features {
    user: id(hash: 100, dim: 4)
    item: id(hash: 100, dim: 4)
    clicked: label
  }
  let trunk = relu(dense(concat(user, item), 8))
  let tower = dense(trunk, 4)
  task click : binary(label: clicked) { from: tower }
  stage warm {
    epochs: 1
  }
  stage tune {
    epochs: 1
    freeze: [${freeze}]
  }
}
`;
    // inlined, `trunk`'s layer would be `tower`'s (into "to*"), `tower`'s the task's (out of "to*", into "c*")
    expect(inlined(spec('"to*"'), 'trunk =')).toBeUndefined();
    expect(inlined(spec('"to*"'), 'tower =')).toBeUndefined();
    expect(inlined(spec('"c*"'), 'tower =')).toBeUndefined();
    // one that selects both names is refused too: the rule is whether it may select them
    expect(inlined(spec('"t*"'), 'trunk =')).toBeUndefined();
    // a selector over other names leaves it offered
    expect(inlined(spec('"features.*"'), 'trunk =')).toBeDefined();
  });
});

describe('inline let in a file the parser stopped reading (REC1008)', () => {
  it('is not offered: the uses after the cut are not known', () => {
    const spec = (deep: string, from: string) => `model m {
  features {
    user: id(hash: 100, dim: 4)
    item: id(hash: 100, dim: 4)
    clicked: label
  }
  let trunk = dense(concat(user, item), 8)
  let head = dense(trunk, 4)
  let deep = ${deep}
  task click : binary(label: clicked) { from: ${from} }
}
`;
    const nested = `${'('.repeat(70)}user${')'.repeat(70)}`;
    expect(analyze(spec(nested, 'head'), '/tmp/inline.rec').diagnostics.map((d) => d.code)).toContain('REC1008');
    // `trunk` is read once before the cut, whatever is read after it
    expect(inlined(spec(nested, 'head + trunk + deep'), 'trunk =')).toBeUndefined();
    expect(inlined(spec(nested, 'head + deep'), 'trunk =')).toBeUndefined();
    // read to the end, and read once, it is offered
    expect(inlined(spec('user', 'head + deep'), 'trunk =')).toBeDefined();
  });
});

describe('inlining any let of the examples and fixtures read once', () => {
  it('gives a spec with no new error and the same graph', () => {
    let tried = 0;
    for (const file of exampleSpecs()) {
      const text = readFileSync(file, 'utf8');
      const before = analyze(text, file);
      if (!before.graph) continue;
      const doc = TextDocument.create('file:///x.rec', 'rec', 1, text);
      for (const d of before.symbols.defs) {
        if (d.kind !== 'let' || d.span?.file !== before.file) continue;
        const [action] = inlineLet(before, text, doc.uri, d.span.start.offset, (o) => doc.positionAt(o));
        if (!action) continue;
        tried++;
        expectSameModel(file, text, before.graph, action.edit!.changes![doc.uri] as TextEdit[], `${file}: ${d.name}`);
      }
    }
    expect(tried).toBeGreaterThan(20);
  });
});
