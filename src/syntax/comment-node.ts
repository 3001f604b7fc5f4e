// A comment token as the tree holds it. Trailing whitespace is no part of a comment: the
// formatter drops it, and a formatted file must hold the same comments as the file it came from.
import type { IToken } from 'chevrotain';
import type { Pos } from '../diagnostics/span.js';
import type { Comment } from './ast.js';

/** The comment of token `t`: its text up to its last non-blank character, and that text's span. */
export function commentNode(t: IToken, file: string, position: (offset: number) => Pos): Comment {
  const text = t.image.trimEnd();
  return { kind: 'Comment', text, span: { file, start: position(t.startOffset), end: position(t.startOffset + text.length) } };
}
