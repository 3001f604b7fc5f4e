// The token vocabulary of `.rec`. Order matters to Chevrotain's lexer: the first pattern that
// matches wins, so comments come before `/`, multi-character operators before their prefixes
// (`==` before `=`, `<=` before `<`), and keywords before Identifier (each keyword names
// Identifier as its `longer_alt`, so `trainer` or `index` stay identifiers).
import type { IToken, TokenType } from 'chevrotain';
import { createToken, Lexer } from './chevrotain.js';

// Each token says which characters it can start with (start_chars_hint) and whether it can hold a
// line break (line_breaks). Without them Chevrotain learns both by parsing every pattern with its
// regexp parser when the lexer is built, ~5 ms of every start. test/syntax/lexer-optimised.test.ts
// checks them against that analysis.
const LETTERS = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_'];
const DIGITS = [...'0123456789'];

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\n]+/, group: Lexer.SKIPPED, start_chars_hint: [' ', '\t', '\r', '\n'], line_breaks: true });
// `///` documents the declaration that follows; `////…` (a separator line) is a plain comment.
export const DocComment = createToken({ name: 'DocComment', pattern: /\/\/\/(?!\/)[^\r\n]*/, group: 'docs', start_chars_hint: ['/'], line_breaks: false });
export const LineComment = createToken({ name: 'LineComment', pattern: /\/\/[^\r\n]*/, group: 'comments', start_chars_hint: ['/'], line_breaks: false });
export const BlockComment = createToken({ name: 'BlockComment', pattern: /\/\*[\s\S]*?\*\//, group: 'comments', start_chars_hint: ['/'], line_breaks: true });
/** An unterminated block comment runs to the end of the file; the lexer reports it (REC1006). */
export const UnterminatedComment = createToken({ name: 'UnterminatedComment', pattern: /\/\*[\s\S]*/, group: 'errors', start_chars_hint: ['/'], line_breaks: true });

// Token categories (no pattern of their own): the parser consumes a whole class with one CONSUME.
/** Any word: field and argument names may be keywords (`gauc(by: user_id)`). */
export const AnyName = createToken({ name: 'AnyName', pattern: Lexer.NA, label: 'a name' });
/** Any binary operator; precedence.ts applies their precedence. */
export const BinaryOp = createToken({ name: 'BinaryOp', pattern: Lexer.NA, label: 'an operator' });

export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_][A-Za-z0-9_]*/, label: 'a name', categories: [AnyName], start_chars_hint: LETTERS, line_breaks: false });

function keyword(word: string, ...categories: TokenType[]): TokenType {
  return createToken({
    name: word[0]!.toUpperCase() + word.slice(1).replace(/_(\w)/g, (_, c: string) => c.toUpperCase()),
    pattern: new RegExp(word),
    longer_alt: Identifier,
    label: `\`${word}\``,
    categories: [AnyName, ...categories],
    start_chars_hint: [word[0]!],
    line_breaks: false,
  });
}

export const Use = keyword('use');
export const As = keyword('as');
export const Block = keyword('block');
export const Model = keyword('model');
export const Features = keyword('features');
export const Let = keyword('let');
export const For = keyword('for');
export const In = keyword('in');
export const If = keyword('if');
export const Else = keyword('else');
export const Return = keyword('return');
export const Task = keyword('task');
export const Train = keyword('train');
export const Support = keyword('support');
export const By = keyword('by');
export const MetaBlock = keyword('meta_block');
export const Inner = keyword('inner');
export const Stage = keyword('stage');
export const True = keyword('true');
export const False = keyword('false');
export const And = keyword('and', BinaryOp);
export const Or = keyword('or', BinaryOp);
export const Not = keyword('not');

/** Every keyword, longest first: the lexer tries them in order, so `inner` must come before `in`. */
export const KEYWORD_TOKENS = [MetaBlock, Features, Support, Return, Block, Model, Train, Inner, Stage, False, Else, Task, True, Use, Let, For, And, Not, As, In, If, By, Or];

/** The keywords that start a top-level item: where the parser resumes after a stray token. */
export const TOP_LEVEL = new Set([Use, Block, Model]);

// The words that start a file's items, a model's items and a block's statements, as written (`pc`
// is a contextual word, an identifier elsewhere): for completion and for a misspelt one's fix.
export const TOP_LEVEL_WORDS = ['use', 'block', 'model'];
export const MODEL_ITEM_WORDS = ['features', 'pc', 'let', 'task', 'train', 'support', 'meta_block', 'stage'];
export const STATEMENT_WORDS = ['let', 'for', 'if', 'return'];

/** Reserved words. `pc` is contextual (a model item only), so it stays usable as a name. */
export const KEYWORDS: string[] = ['meta_block', 'use', 'as', 'block', 'model', 'features', 'let', 'for', 'in', 'if', 'else', 'return', 'task', 'train', 'support', 'by', 'inner', 'stage', 'true', 'false', 'and', 'or', 'not'];

// A number: digits with single `_` separators, an optional fraction and exponent. A malformed
// one (`1__0`, `1_`, `1e`) is caught by the second pattern and reported as REC1005.
export const NumberLit = createToken({ name: 'NumberLit', pattern: /\d+(?:_\d+)*(?:\.\d+(?:_\d+)*)?(?:[eE][+-]?\d+)?(?![A-Za-z0-9_.])/, label: 'a number', start_chars_hint: DIGITS, line_breaks: false });
// Malformed numbers and unterminated strings stay in the token stream as numbers and strings
// (token categories), so one typo gives one diagnostic, not a cascade of parse errors.
export const BadNumber = createToken({ name: 'BadNumber', pattern: /\d[\d_.]*(?:[eE][+-]?[\d_]*)?[A-Za-z0-9_]*/, categories: [NumberLit], start_chars_hint: DIGITS, line_breaks: false });
export const StringLit = createToken({ name: 'StringLit', pattern: /"(?:[^"\\\r\n]|\\.)*"/, label: 'a string', start_chars_hint: ['"'], line_breaks: false });
export const UnterminatedString = createToken({ name: 'UnterminatedString', pattern: /"(?:[^"\\\r\n]|\\.)*/, categories: [StringLit], start_chars_hint: ['"'], line_breaks: false });

/** A token for a fixed text, an operator or a bracket: its label is the text in backticks. */
function symbol(name: string, text: string, categories: TokenType[] = []): TokenType {
  return createToken({ name, pattern: text, label: `\`${text}\``, categories, start_chars_hint: [text[0]!], line_breaks: false });
}

export const EqEq = symbol('EqEq', '==', [BinaryOp]);
export const NotEq = symbol('NotEq', '!=', [BinaryOp]);
export const LtEq = symbol('LtEq', '<=', [BinaryOp]);
export const GtEq = symbol('GtEq', '>=', [BinaryOp]);
export const Lt = symbol('Lt', '<', [BinaryOp]);
export const Gt = symbol('Gt', '>', [BinaryOp]);
export const Equals = symbol('Equals', '=');
export const Plus = symbol('Plus', '+', [BinaryOp]);
export const Minus = symbol('Minus', '-', [BinaryOp]);
export const Star = symbol('Star', '*', [BinaryOp]);
export const Slash = symbol('Slash', '/', [BinaryOp]);
export const At = symbol('At', '@', [BinaryOp]);
export const LParen = symbol('LParen', '(');
export const RParen = symbol('RParen', ')');
export const LBrace = symbol('LBrace', '{');
export const RBrace = symbol('RBrace', '}');
export const LBracket = symbol('LBracket', '[');
export const RBracket = symbol('RBracket', ']');
export const Comma = symbol('Comma', ',');
export const Colon = symbol('Colon', ':');
export const Dot = symbol('Dot', '.');

/**
 * What the lexer matches, in order. The categories have no pattern and are not here (the parser's
 * vocabulary below has them). Chevrotain 11 optimises the lexer either way (measured: the same
 * lexing time with them in the list); ensureOptimizations makes a token that would stop it fail
 * at construction instead of silently lexing slower.
 */
const lexerTokens: TokenType[] = [
  WhiteSpace,
  DocComment,
  LineComment,
  BlockComment,
  UnterminatedComment,
  ...KEYWORD_TOKENS,
  Identifier,
  NumberLit,
  BadNumber,
  StringLit,
  UnterminatedString,
  EqEq,
  NotEq,
  LtEq,
  GtEq,
  Lt,
  Gt,
  Equals,
  Plus,
  Minus,
  Star,
  Slash,
  At,
  LParen,
  RParen,
  LBrace,
  RBrace,
  LBracket,
  RBracket,
  Comma,
  Colon,
  Dot,
];

/** The parser's vocabulary: the lexer's tokens and the categories it consumes whole. */
export const allTokens: TokenType[] = [AnyName, BinaryOp, ...lexerTokens];

// A line ends at `\n`, `\r\n` or a lone `\r` (line-index.ts): a comment or a string stops at
// either character. Spans take their lines and columns from line-index.ts, by offset, and a token
// ends where its image does: its start offset is all that is tracked (the 2,000-line generated spec lexes in 1.7 ms, against 2.2–3.2 ms with lines and columns).
export const RecLexer = new Lexer(lexerTokens, {
  positionTracking: 'onlyOffset',
  ensureOptimizations: true,
  // Its validations cost ~30 ms at start-up; the tests run them (RECC_VALIDATE_GRAMMAR=1), like the parser's.
  skipValidations: process.env.RECC_VALIDATE_GRAMMAR !== '1',
  lineTerminatorsPattern: /\n|\r\n?/g,
  lineTerminatorCharacters: ['\n', '\r'],
});

/** A token read from the text, not one that error recovery inserted (those have NaN offsets). */
export const isReadToken = (t: IToken | undefined): t is IToken => !!t && Number.isFinite(t.startOffset) && !t.isInsertedInRecovery;
