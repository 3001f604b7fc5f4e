// A label that fails on every row is an error at check time, where it passed `check` and failed
// every row in training (REC6002 "gives Infinity (a division by zero?)", "a binary label must be
// 0 or 1"; found by a probe of the diagnostics). Only what reads no column is decided.
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/semantics/analyze.js';

const diagnostics = (task: string) =>
  analyze(`model m {
  features {
    user: id(hash: 100, dim: 4)
    rating: label
  }
  let h = relu(dense(user, 8))
  ${task}
}
`, '/specs/m.rec').diagnostics.map((d) => `${d.code} ${d.span.start.line}:${d.span.start.column}-${d.span.end.column} ${d.message}${d.hint ? ` (${d.hint})` : ''}`);

describe('a label the same on every row', () => {
  it('a division by zero', () => {
    expect(diagnostics('task fav : binary(label: rating / 0) { from: h }')).toEqual(['REC3008 7:28-38 division by zero']);
    expect(diagnostics('task fav : regression(label: rating / (1 - 1) + 2) { from: h }')).toEqual(['REC3008 7:32-48 division by zero']);
    expect(diagnostics('task fav : regression(label: rating / (rating - 1)) { from: h }')).toEqual([]);
  });

  it('a constant a task cannot learn from', () => {
    const hint = ' (read a label column, e.g. `label: clicked` or `label: rating >= 4`)';
    expect(diagnostics('task five : binary(label: 5) { from: h }')).toEqual([`REC3008 7:29-30 this label is the same on every row: a binary label must be 0 or 1 (or true/false), found 5${hint}`]);
    expect(diagnostics('task c : multiclass(label: 3, classes: 3) { from: h }')).toEqual([`REC3008 7:30-31 this label is the same on every row: a multiclass label must be a class index 0 … 2, found 3${hint}`]);
    expect(diagnostics('task t : regression(label: "a") { from: h }')).toEqual([`REC3008 7:30-33 this label is the same on every row: the label expression gives the text "a", not a number${hint}`]);
    expect(diagnostics('task c : binary(label: 2 - 1) { from: h }')).toEqual([]);
    expect(diagnostics('task c : regression(label: 5) { from: h }')).toEqual([]);
  });
});
