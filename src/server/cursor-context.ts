// Where the cursor is, read from the raw text: while the user types, the text rarely parses, so
// completion cannot wait for a tree. Comments and strings are blanked first so that a `{` or `(`
// inside them does not count.
import { lineEnd, lineStart } from '../syntax/line-index.js';

/** The kind of `{ … }` the cursor is in. `top` is outside every brace. */
export type Section = 'top' | 'model' | 'block' | 'features' | 'train' | 'inner' | 'meta' | 'stage' | 'task' | 'record';

/** The text with comments and string contents replaced by spaces (same length, same newlines). */
export function mask(text: string): string {
  // Copied in runs (completion masks the whole of a large spec on every request).
  let out = '';
  let from = 0; // start of the run not yet copied
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    if (c === 47 && next === 47) {
      // `//` to the end of the line
      const end = lineEnd(text, i);
      out += text.slice(from, i) + ' '.repeat(end - i);
      i = from = end;
    } else if (c === 47 && next === 42) {
      // `/* … */`, its newlines kept
      const close = text.indexOf('*/', i + 2);
      const end = close < 0 ? text.length : close + 2;
      out += text.slice(from, i) + text.slice(i, end).replace(/[^\r\n]/g, ' ');
      i = from = end;
    } else if (c === 34) {
      // a string's contents up to its closing quote or the end of the line; `\x` is one character
      let j = i + 1;
      while (j < text.length && text[j] !== '"' && text[j] !== '\n' && text[j] !== '\r') {
        if (text[j] === '\\') j++;
        if (j < text.length && text[j] !== '\n' && text[j] !== '\r') j++;
      }
      out += text.slice(from, i + 1) + ' '.repeat(j - i - 1);
      from = j;
      i = j + 1;
    } else i++;
  }
  return out + text.slice(from);
}

/** The opener a closer pairs with, by character code: `)` → `(`, `]` → `[`, `}` → `{`. */
const OPENER: Record<number, number> = { 41: 40, 93: 91, 125: 123 };

/**
 * Scan back from `from` (exclusive) for an unclosed opener among `targets`; stop at `stops`. By
 * character codes: completion scans back through most of a large spec on every request.
 */
function unclosed(m: string, from: number, targets: string, stops = ''): number {
  const stack: number[] = [];
  for (let i = from - 1; i >= 0; i--) {
    const c = m.charCodeAt(i);
    if (c === 41 || c === 93 || c === 125) stack.push(OPENER[c]!);
    else if (c === 40 || c === 91 || c === 123) {
      if (stack.length > 0) {
        stack.pop();
        continue;
      }
      if (targets.includes(m[i]!)) return i;
      if (stops.includes(m[i]!)) return -1;
    }
  }
  return -1;
}

/** `block f(a, (b)) ` → `block f() `: nested parentheses collapsed, so headers match simply. */
function collapseParens(s: string): string {
  let depth = 0;
  let out = '';
  for (const c of s) {
    if (c === '(') {
      if (depth++ === 0) out += '(';
    } else if (c === ')') {
      if (depth > 0 && --depth === 0) out += ')';
    } else if (depth === 0) out += c;
  }
  return depth > 0 ? `${out})` : out;
}

const HEADERS: Array<[RegExp, Section]> = [
  [/\bmodel\s+\w+\s*$/, 'model'],
  [/\bblock\s+\w+\s*\(\)\s*$/, 'block'],
  [/\bmeta_block\s+\w+(\s+by\s+\w+)?\s*$/, 'meta'],
  [/\b(for\s+\w+\s+in\b|if\b|else\b)[^{}]*$/, 'block'],
  [/\bfeatures\s*$/, 'features'],
  [/\btrain\s*$/, 'train'],
  [/\binner\s*$/, 'inner'],
  [/\bstage\s+\w+\s*$/, 'stage'],
  [/\btask\s+\w+\s*:[^{}]*$/, 'task'],
];

/** The innermost `{ … }` around the offset, classified by its header (`model m`, `train`, …). */
export function sectionAt(m: string, offset: number): Section {
  const brace = unclosed(m, offset, '{');
  if (brace < 0) return 'top';
  // The header runs back to the previous `}` at the same depth, or the enclosing `{`.
  const start = unclosed(m, brace, '{') + 1;
  let prev = brace - 1;
  let depth = 0;
  for (; prev >= start; prev--) {
    const c = m[prev];
    if (c === ')' || c === ']') depth++;
    else if (c === '(' || c === '[') depth--;
    else if (depth === 0 && c === '}') break;
  }
  const header = collapseParens(m.slice(prev + 1, brace));
  for (const [re, s] of HEADERS) if (re.test(header)) return s;
  if (/[:=,(\[]\s*$/.test(header)) return 'record';
  // An enclosing section we cannot name (half-typed header): look further out.
  return brace > 0 && /^\s*$/.test(header) ? sectionAt(m, brace) : 'record';
}

export interface CallContext {
  /** The callee as written, e.g. `poso.mlp` or `id`. */
  callee: string;
  /** Names already given as `name:` at the call's top level (the cursor's own excluded). */
  named: Set<string>;
  /** How many positional arguments come before the cursor's (they fill the first parameters). */
  positional: number;
  /** True when the cursor is where an argument's name goes (after `(` or `,`). */
  atName: boolean;
  /** The name the cursor's argument gives (`units` in `mlp(x, units: [8|`), if it names one. */
  cursorName?: string;
}

/** The call whose parentheses hold the cursor, if the cursor is directly inside one. */
export function callAt(m: string, offset: number): CallContext | undefined {
  const open = unclosed(m, offset, '(', '{[');
  if (open < 0) return undefined;
  const callee = /([A-Za-z_][\w]*(?:\s*\.\s*[A-Za-z_]\w*)*)\s*$/.exec(m.slice(Math.max(0, open - 80), open))?.[1]?.replace(/\s+/g, '');
  if (!callee) return undefined;
  // Split the argument list at top-level commas, up to its `)` (or where the text gives out).
  const named = new Set<string>();
  let positional = 0;
  let depth = 0;
  let argStart = open + 1;
  let cursorArg = '';
  for (let i = open + 1; i <= m.length; i++) {
    const c = m[i];
    const end = i === m.length || (depth === 0 && (c === ')' || c === '{' || c === '}'));
    if (end || (depth === 0 && c === ',')) {
      const arg = m.slice(argStart, i);
      if (argStart <= offset && offset <= i) cursorArg = m.slice(argStart, offset);
      else {
        const n = /^\s*([A-Za-z_]\w*)\s*:/.exec(arg);
        if (n) named.add(n[1]!);
        else if (i <= offset && /\S/.test(arg)) positional++;
      }
      if (end) break;
      argStart = i + 1;
    } else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']') depth--;
  }
  const cursorName = /^\s*([A-Za-z_]\w*)\s*:/.exec(cursorArg)?.[1];
  return { callee, named, positional, atName: /^\s*[A-Za-z_]?\w*$/.test(cursorArg), ...(cursorName !== undefined ? { cursorName } : {}) };
}

/** The text of the cursor's line before the cursor. */
export function lineBefore(text: string, offset: number): string {
  return text.slice(lineStart(text, offset), offset);
}
