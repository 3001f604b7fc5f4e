// A recursive-descent parser uses the call stack: a few hundred nested brackets would overflow
// it, and `parse` must never throw. The tree built from a long chain (`a + a + … + a`,
// `x.a.b.c…`, `if … else if … else if …`) is as deep as the chain is long, and every pass over
// the tree (resolver, elaborator, formatter, language server) recurses over it. Real specs nest
// a handful of levels and chain a few dozen operators; the input is cut at the first token
// deeper than MAX_NESTING brackets (REC1008) or whose tree would be deeper than MAX_TREE_DEPTH
// (REC1009), and the cut is reported.
import type { IToken, TokenType } from 'chevrotain';
import * as T from './tokens.js';

/**
 * Deepest nesting the parser accepts: each level costs about a dozen parser frames, and the
 * checker and the language server recurse over the tree again, sometimes from an already deep stack.
 */
export const MAX_NESTING = 64;
/**
 * Deepest expression tree accepted: a bound on the operators, member accesses, calls and `else if`s
 * chained inside one another. A tree of about 2,000 levels overflows the default stack in the
 * resolver; 256 leaves room for the frames of the caller and of block calls.
 */
export const MAX_TREE_DEPTH = 256;

const OPEN = new Set<TokenType>([T.LParen, T.LBracket, T.LBrace]);
const CLOSE = new Set<TokenType>([T.RParen, T.RBracket, T.RBrace]);
/** Prefix operators nest like brackets: `- - - x` is three levels, and so is `-(-(x`. */
const PREFIX = new Set<TokenType>([T.Minus, T.Not]);
/** Tokens that add a level to the tree of the expression they are in: binary operators, `.`, `else`. */
const CHAIN = new Set<TokenType>([T.EqEq, T.NotEq, T.LtEq, T.GtEq, T.Lt, T.Gt, T.Plus, T.Minus, T.Star, T.Slash, T.At, T.And, T.Or, T.Dot, T.Else]);
/** Tokens after which a new expression or statement starts at the same level (`if` after `else` excepted). */
const FRESH = new Set<TokenType>([T.Comma, T.Colon, T.Equals, ...T.KEYWORD_TOKENS.filter((k) => ![T.And, T.Or, T.Not, T.True, T.False, T.Else].includes(k))]);

// The sets above as bit flags per token type, indexed by its `tokenTypeIdx`: every token of the
// file is classified, and one array read is much cheaper than up to six set lookups.
const IS_OPEN = 1;
const IS_CLOSE = 2;
const IS_PREFIX = 4;
const IS_CHAIN = 8;
const IS_FRESH = 16;
const FLAGS: readonly number[] = (() => {
  const flags: number[] = [];
  const mark = (set: Set<TokenType>, flag: number) => {
    for (const t of set) flags[t.tokenTypeIdx!] = (flags[t.tokenTypeIdx!] ?? 0) | flag;
  };
  mark(OPEN, IS_OPEN);
  mark(CLOSE, IS_CLOSE);
  mark(PREFIX, IS_PREFIX);
  mark(CHAIN, IS_CHAIN);
  mark(FRESH, IS_FRESH);
  return Array.from(flags, (f) => f ?? 0);
})();

export interface TooDeep {
  /** Index of the first token too deep. */
  index: number;
  /** `nesting`: more than MAX_NESTING brackets and prefixes; `tree`: a tree deeper than MAX_TREE_DEPTH. */
  why: 'nesting' | 'tree';
}

/**
 * The first token nested deeper than MAX_NESTING (from `startDepth` open brackets), or whose
 * expression tree would be deeper than MAX_TREE_DEPTH, or undefined. The tree depth is bounded
 * from above: per open bracket, the chain tokens since the last fresh start at that level, plus one
 * per bracket.
 */
export function tooDeepAt(tokens: IToken[], startDepth = 0): TooDeep | undefined {
  let depth = startDepth;
  let prefixRun = 0;
  // chain tokens per open level (innermost last) and their sum
  const chains: number[] = [0];
  let tree = startDepth;
  let previous: TokenType | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const type = tokens[i]!.tokenType;
    const flags = FLAGS[type.tokenTypeIdx!] ?? 0;
    if (flags & IS_OPEN) {
      depth++;
      chains[chains.length - 1]!++; // a call, index or bracket in a chain nests what follows
      chains.push(0);
      tree += 2;
    } else if (flags & IS_CLOSE) {
      depth = Math.max(0, depth - 1);
      if (chains.length > 1) tree -= chains.pop()! + 1;
    } else if (flags & IS_CHAIN) {
      chains[chains.length - 1]!++;
      tree++;
    } else if ((flags & IS_FRESH) !== 0 && !(type === T.If && previous === T.Else)) {
      tree -= chains[chains.length - 1]!;
      chains[chains.length - 1] = 0;
    }
    if (flags & IS_PREFIX) prefixRun++;
    else if (!(flags & IS_OPEN)) prefixRun = 0;
    if (depth + prefixRun > MAX_NESTING) return { index: i, why: 'nesting' };
    if (tree + prefixRun > MAX_TREE_DEPTH) return { index: i, why: 'tree' };
    previous = type;
  }
  return undefined;
}
