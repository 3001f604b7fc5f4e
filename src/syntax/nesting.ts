// A recursive-descent parser uses the call stack: a few hundred nested brackets would overflow
// it, and `parse` must never throw. Real specs nest a handful of levels; the input is cut at the
// first token deeper than MAX_NESTING and the cut is reported (REC1008).
import type { IToken, TokenType } from 'chevrotain';
import * as T from './tokens.js';

/**
 * Deepest nesting the parser accepts: each level costs about a dozen parser frames, and the
 * checker and the language server recurse over the tree again, sometimes from an already deep stack.
 */
export const MAX_NESTING = 64;

const OPEN = new Set<TokenType>([T.LParen, T.LBracket, T.LBrace]);
const CLOSE = new Set<TokenType>([T.RParen, T.RBracket, T.RBrace]);
/** Prefix operators nest like brackets: `- - - x` is three levels, and so is `-(-(x`. */
const PREFIX = new Set<TokenType>([T.Minus, T.Not]);

/** Index of the first token nested deeper than MAX_NESTING (from `startDepth` open brackets), or -1. */
export function tooDeepAt(tokens: IToken[], startDepth = 0): number {
  let depth = startDepth;
  let prefixRun = 0;
  for (let i = 0; i < tokens.length; i++) {
    const type = tokens[i]!.tokenType;
    if (OPEN.has(type)) depth++;
    else if (CLOSE.has(type)) depth = Math.max(0, depth - 1);
    if (PREFIX.has(type)) prefixRun++;
    else if (!OPEN.has(type)) prefixRun = 0;
    if (depth + prefixRun > MAX_NESTING) return i;
  }
  return -1;
}
