// Parameter selectors: path patterns over the stable parameter names, for groups (`groups: { net:
// net.* }`) and stages (`freeze: net`, `train: [net.*.ln2]`). Written as a name or a dotted path
// whose segments may be `*` (`net.*.ln2`), or as a string when a segment needs a glob inside it
// (`"net.block*.ln2"`). A selector matches a parameter when its segments match the first segments
// of the parameter's name, each by glob (`*` is any run of characters within one segment): `net`
// selects everything under `net`, `features.items.table` one table. Selectors are read from the
// syntax, never evaluated: `features` in `features.items.table` is not a name in scope.
import type { Span } from '../diagnostics/span.js';
import type { Expr } from '../syntax/ast.js';

export interface Selector {
  /** As written, e.g. `net.*.ln2`. */
  text: string;
  segments: string[];
  span: Span;
}

const SEGMENT = /^[A-Za-z0-9_*]+$/;

/** The selector an expression spells, or what is wrong with it. */
export function readSelector(e: Expr): Selector | { error: string } {
  if (e.kind === 'String') {
    const segments = e.value.split('.');
    if (segments.some((s) => !SEGMENT.test(s))) return { error: `\`"${e.value}"\` is not a parameter path: use names, digits, \`_\` and \`*\` between dots` };
    return { text: e.value, segments, span: e.span };
  }
  const path = namePath(e);
  if (!path) return { error: 'expected a parameter path like `net`, `net.*.ln2` or `"net.block*.ln2"`' };
  const parts = path.map((p) => p.name);
  return { text: parts.join('.'), segments: parts, span: e.span };
}

/** The names of `a.b.c` (a name and its members), each with its span; undefined for anything else. */
function namePath(e: Expr): Array<{ name: string; span: Span }> | undefined {
  const out: Array<{ name: string; span: Span }> = [];
  let at: Expr = e;
  while (at.kind === 'Member') {
    out.unshift({ name: at.property.name, span: at.property.span });
    at = at.object;
  }
  if (at.kind !== 'Name') return undefined;
  out.unshift({ name: at.name, span: at.span });
  return out;
}

/** The selectors of a field's value: one selector or a list of them. */
export function readSelectors(e: Expr): Array<Selector | { error: string; span: Span }> {
  const items = e.kind === 'List' ? e.items : [e];
  return items.map((i) => {
    const s = readSelector(i);
    return 'error' in s ? { ...s, span: i.span } : s;
  });
}

/** One segment of a selector, over one segment of a parameter's name (`*`: any run of name characters). */
export function globToRegExp(segment: string): RegExp {
  return new RegExp(`^${segment.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[A-Za-z0-9_]*')}$`);
}

/** A predicate over parameter names for one selector. */
export function selectorMatcher(s: Selector): (param: string) => boolean {
  const res = s.segments.map(globToRegExp);
  return (param) => {
    const parts = param.split('.');
    return parts.length >= res.length && res.every((re, i) => re.test(parts[i]!));
  };
}

/** The parameters a selector matches, in the order given. */
export function selectParams(s: Selector, params: readonly string[]): string[] {
  const match = selectorMatcher(s);
  return params.filter(match);
}

/**
 * Paths a selector that matched nothing may have meant: the prefixes of the parameter names with
 * as many segments as the selector (`net.block0.ln2` for `net.block0.ln3`).
 */
export function selectorCandidates(s: Selector, params: readonly string[]): string[] {
  const out = new Set<string>();
  for (const p of params) {
    const parts = p.split('.');
    if (parts.length >= s.segments.length) out.add(parts.slice(0, s.segments.length).join('.'));
  }
  return [...out];
}

/**
 * The segments of a selector as written, each with its span, or undefined when it is not a
 * selector, or a string with an escape in it (its segments are then not where its characters
 * are). The resolver indexes the names they select under (`net` in `net.*.ln2`, `items` in
 * `"features.items.*"`), so that renaming a `let` or a feature renames its selectors too.
 */
export function selectorSegments(e: Expr): Array<{ name: string; span: Span }> | undefined {
  if (e.kind === 'String') {
    if (e.raw !== `"${e.value}"` || e.span.start.line !== e.span.end.line) return undefined;
    const out: Array<{ name: string; span: Span }> = [];
    let k = 0;
    for (const name of e.value.split('.')) {
      // a string is on one line: a segment's place is the string's, moved by its characters
      const at = (d: number) => ({ offset: e.span.start.offset + 1 + d, line: e.span.start.line, column: e.span.start.column + 1 + d });
      out.push({ name, span: { file: e.span.file, start: at(k), end: at(k + name.length) } });
      k += name.length + 1;
    }
    return out;
  }
  return namePath(e);
}
