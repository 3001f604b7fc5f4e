// Chevrotain's recognition errors → diagnostics. A token the recovery had to invent is a missing
// token (REC1003, a zero-width span where it belongs, "add `)`"); anything else is an unexpected
// token (REC1002, on the token found).
import type { IRecognitionException, IToken, TokenType } from 'chevrotain';
import { diag, type Diagnostic, type Suggestion } from '../diagnostics/diagnostic.js';
import type { Span } from '../diagnostics/span.js';
import { didYouMean, fixWith, suggestNames } from '../diagnostics/suggest.js';
import { EOF } from './chevrotain.js';
import * as T from './tokens.js';

/** What a rule repeats, for an error inside the repetition ("expected a statement or `}`"). */
const REPEATED: Record<string, string> = {
  file: '`use`, `block` or `model`',
  modelDecl: 'a model item',
  body: 'a statement',
  metaBlockDecl: 'a statement',
  fieldBlock: 'a field (`name: value`)',
  stageDecl: 'a field or a `task`',
  callSuffix: 'an argument',
  blockDecl: 'a parameter',
  primary: 'a list item',
};

/** Tokens that close a repetition: an error expecting one of them is really about the items. */
const CLOSERS = new Set<TokenType>([T.RBrace, T.RParen, T.RBracket, EOF]);

/** The words that start what a rule reads, for a misspelt one (`tarin {` in a model). */
const STARTS: Record<string, string[]> = {
  file: T.TOP_LEVEL_WORDS,
  modelItem: T.MODEL_ITEM_WORDS,
  modelDecl: T.MODEL_ITEM_WORDS,
  stmt: T.STATEMENT_WORDS,
  body: T.STATEMENT_WORDS,
};

/** Statements and model items that a user may write at the top level by mistake. */
const INNER_ONLY = new Set<TokenType>([T.Let, T.For, T.If, T.Return, T.Features, T.Task, T.Train, T.Support, T.MetaBlock, T.Stage]);

export interface ErrorContext {
  text: string;
  tokens: IToken[];
  /** Position of a token in `tokens`, or -1. */
  indexOf: (t: IToken) => number;
  /** Tokens the recovery inserted, with the token each was put before. */
  insertions: { type: TokenType; before: IToken }[];
  at: (start: number, end: number) => Span;
}

const label = (t: TokenType) => (typeof t.LABEL === 'string' ? t.LABEL : t.name);

/** One recognition error as a diagnostic with a readable message and, where obvious, a hint. */
export function syntaxDiagnostic(e: IRecognitionException, cx: ErrorContext): Diagnostic {
  const tok = e.token;
  const start = T.isReadToken(tok) ? tok.startOffset : cx.text.length;
  const end = T.isReadToken(tok) ? tok.startOffset + tok.image.length : cx.text.length;
  const found = /but found (.*)$/s.exec(e.message)?.[1] ?? 'something else';
  const rules = e.context?.ruleStack ?? [];
  const rule = rules[rules.length - 1] ?? 'file';

  if (e.name === 'MismatchedTokenException') {
    const inserted = cx.insertions.find((i) => i.before === tok);
    if (inserted) {
      // Point where the missing token belongs: right after the previous real token.
      const prev = (e as IRecognitionException & { previousToken?: IToken }).previousToken;
      const pos = T.isReadToken(prev) ? prev.startOffset + prev.image.length : start;
      const what = label(inserted.type);
      // `retrun x` reads as an assignment to `retrun` that lacks its `=`: a misspelt keyword
      const keyword = rule === 'assignStmt' && prev ? misspelt(prev, cx, 'stmt') : undefined;
      const asName = keywordAsName(tok, cx, '');
      return diag('REC1003', cx.at(pos, pos), `expected ${what} but found ${found}`, keyword ?? { hint: asName ?? (what.startsWith('`') ? `add ${what}` : `add ${what} here`) });
    }
    const expected = /^expected (.*?) but found/s.exec(e.message)?.[1] ?? '';
    const closer = [...CLOSERS].find((c) => label(c) === expected || (c === EOF && expected === 'EOF'));
    if (closer && closer !== EOF && tok.tokenType === EOF) {
      // the file ends inside a `{ … }`, `( … )` or `[ … ]`: the closer is missing
      const prev = (e as IRecognitionException & { previousToken?: IToken }).previousToken;
      const pos = T.isReadToken(prev) ? prev.startOffset + prev.image.length : start;
      return diag('REC1003', cx.at(pos, pos), `expected ${expected} but found the end of the file`, { hint: `add ${expected}` });
    }
    if (closer && REPEATED[rule]) {
      const what = rule === 'file' ? REPEATED.file! : `${REPEATED[rule]} or ${expected}`;
      return diag('REC1002', cx.at(start, end), `expected ${what} but found ${found}`, misspelt(e.token, cx, rule) ?? { hint: hintFor(e, cx, rule, expected) });
    }
    return diag('REC1002', cx.at(start, end), e.message, { hint: hintFor(e, cx, rule, expected) });
  }
  if (e.name === 'NotAllInputParsedException') {
    return diag('REC1002', cx.at(start, end), e.message, misspelt(e.token, cx, 'file') ?? { hint: hintFor(e, cx, 'file', '') });
  }
  return diag('REC1002', cx.at(start, end), e.message, misspelt(e.token, cx, rule) ?? { hint: hintFor(e, cx, rule, '') });
}

/** A word found where `rule` reads a keyword and close to one: "did you mean `train`?", and the fix. */
function misspelt(t: IToken, cx: ErrorContext, rule: string): { hint?: string; suggestions: Suggestion[] } | undefined {
  if (!T.isReadToken(t) || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(t.image)) return undefined;
  const alts = suggestNames(t.image, STARTS[rule] ?? []);
  if (alts.length === 0) return undefined;
  return { hint: didYouMean(alts), suggestions: fixWith(alts, cx.at(t.startOffset, t.startOffset + t.image.length)) };
}

/**
 * A keyword written where a name goes (`model inner {`, `let train = …`, `freeze: [features]`):
 * the name expected, or the keyword followed by what follows a name. Found by a probe: the hint
 * was "add `]`", and nothing said that the word is a keyword.
 */
function keywordAsName(tok: IToken, cx: ErrorContext, expected: string): string | undefined {
  if (!T.isReadToken(tok) || !T.KEYWORD_TOKENS.includes(tok.tokenType)) return undefined;
  const i = cx.indexOf(tok);
  const next = i >= 0 ? cx.tokens[i + 1] : undefined;
  if (expected !== 'a name' && !(next && AFTER_NAME.has(next.tokenType))) return undefined;
  const instead = tok.tokenType === T.Features ? 'the feature tables are selected with `"features.*"`' : 'pick another name';
  return `\`${tok.image}\` is a keyword and cannot be a name: ${instead}`;
}

/** Tokens that follow a name in a list, a call, a selector or a `let` (`[net, features]`, `x.y`, `x =`). */
const AFTER_NAME = new Set<TokenType>([T.Comma, T.RBracket, T.RParen, T.Dot, T.Equals]);

function hintFor(e: IRecognitionException, cx: ErrorContext, rule: string, expected: string): string | undefined {
  const type = e.token.tokenType;
  const asName = keywordAsName(e.token, cx, expected);
  if (asName) return asName;
  if (rule === 'file') {
    if (INNER_ONLY.has(type)) return `\`${e.token.image}\` goes inside a \`block\` or a \`model\``;
    if (type === T.RBrace) return 'this `}` closes nothing: remove it';
    return 'a file holds `use` lines, `block` and `model` declarations';
  }
  if (expected === '`:`' && type === T.Equals) return 'fields and named arguments are written `name: value`';
  if (expected === '`=`' && type === T.Colon) return 'bind a name with `=`: `let name = value`';
  // Single-token deletion: the token after the one found is the one expected.
  const i = cx.indexOf(e.token);
  const next = i >= 0 ? cx.tokens[i + 1] : undefined;
  if (next && expected && label(next.tokenType) === expected) return `remove \`${e.token.image}\``;
  return undefined;
}
