// The `.rec` grammar as a Chevrotain CstParser (grammar/rec.ebnf is its normative description).
// Error recovery is on, so one run reports every syntax error; cst-to-ast.ts turns the CST,
// however incomplete, into the AST.
import type { CstNode, IOrAlt, IParserErrorMessageProvider, IToken, TokenType } from 'chevrotain';
import { CstParser, EOF } from './chevrotain.js';
import * as T from './tokens.js';

const show = (t: TokenType) => (typeof t.LABEL === 'string' ? t.LABEL : t.name);

/** How a token is named in a message: its text in backticks, or "the end of the file". */
export function describeFound(image: string, type: TokenType): string {
  if (type === EOF) return 'the end of the file';
  const text = image.length > 24 ? `${image.slice(0, 24)}…` : image;
  return `\`${text.replace(/\n/g, ' ')}\``;
}

/** What a rule that failed to choose an alternative was looking for, in words a user knows. */
const EXPECTED_BY_RULE: Record<string, string> = {
  expr: 'an expression',
  operand: 'an expression',
  primary: 'an expression',
  stmt: 'a statement (`let`, `for`, `if`, `return` or `name = …`)',
  modelItem: 'a model item (`features`, `pc`, `let`, `task`, `train`, `support`, `meta_block` or `stage`)',
  topItem: '`use`, `block` or `model`',
  typeExpr: 'a type such as `tensor`, `int` or `[int]`',
  fieldName: 'a field name',
  usePath: 'a module such as `std.poso` or a file such as "./common.rec"',
  stageDecl: 'a field or a `task`',
};

/**
 * Messages that say what was expected and what was found. parse.ts reads the expected part back
 * (`expected X but found Y`) to choose the code and the hint, so keep that shape.
 */
const messages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual }) {
    return `expected ${show(expected)} but found ${describeFound(actual.image, actual.tokenType)}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `expected \`use\`, \`block\` or \`model\` but found ${describeFound(firstRedundant.image, firstRedundant.tokenType)}`;
  },
  buildNoViableAltMessage({ actual, ruleName }) {
    return `expected ${EXPECTED_BY_RULE[ruleName] ?? 'an expression'} but found ${describeFound(actual[0]!.image, actual[0]!.tokenType)}`;
  },
  buildEarlyExitMessage({ actual, ruleName }) {
    return `expected ${EXPECTED_BY_RULE[ruleName] ?? 'more input'} but found ${describeFound(actual[0]!.image, actual[0]!.tokenType)}`;
  },
};

/** Tokens that can start a parameter, an argument or a list item (a keyword only as `name:`). */
const ITEM_START = new Set<TokenType>([
  T.Identifier, T.NumberLit, T.BadNumber, T.StringLit, T.UnterminatedString, T.True, T.False,
  T.LBracket, T.LBrace, T.LParen, T.Minus, T.Not,
]);

const KEYWORD_SET = new Set<TokenType>(T.KEYWORD_TOKENS);

export class RecParser extends CstParser {
  constructor() {
    // Grammar validations cost ~100 ms at start-up; the tests run them (RECC_VALIDATE_GRAMMAR=1).
    super(T.allTokens, { recoveryEnabled: true, maxLookahead: 3, nodeLocationTracking: 'onlyOffset', errorMessageProvider: messages, skipValidations: process.env.RECC_VALIDATE_GRAMMAR !== '1' });
    this.performSelfAnalysis();
    // Chevrotain calls cstPostRule when a rule returns normally (an instance field it sets, a no-op
    // with recovery and offsets only); `onItem` sees each whole model item and block as it ends.
    (this as unknown as { cstPostRule: (cst: CstNode) => void }).cstPostRule = (cst) => {
      if (this.onItem && (cst.name === 'modelItem' || cst.name === 'blockDecl')) this.onItem(cst);
    };
  }

  /**
   * Called with each model item and block parsed without an error in it, as it ends (parse.ts
   * builds its AST there, so the CST of one item is garbage before the next is parsed: built whole,
   * the CST of a large spec outlived the young generation and was copied twice). Unset by default.
   */
  onItem: ((cst: CstNode) => void) | undefined = undefined;

  /**
   * Tokens the recovery invented (single-token insertion), with the token they were put before.
   * parse.ts tells a missing token (REC1003) from an unexpected one (REC1002) by this record;
   * clear it before each parse.
   */
  readonly insertions: { type: TokenType; before: IToken }[] = [];

  /** The text being parsed, for the line-break test of comma lists: set it together with `input`. */
  sourceText = '';

  /** Whether a line ends between two tokens (only the gap between them is scanned). */
  private lineBreakBetween(a: IToken, b: IToken): boolean {
    if (!Number.isFinite(a.startOffset) || !Number.isFinite(b.startOffset)) return true;
    for (let i = a.startOffset + a.image.length; i < b.startOffset; i++) if (this.sourceText.charCodeAt(i) === 10) return true;
    return false;
  }

  protected override getTokenToInsert(tokType: TokenType): IToken {
    this.insertions.push({ type: tokType, before: this.LA(1) });
    return super.getTokenToInsert(tokType);
  }

  file = this.RULE('file', () => {
    this.MANY(() => this.SUBRULE(this.topItem));
  });

  topItem = this.RULE('topItem', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.useDecl) },
      { ALT: () => this.SUBRULE(this.blockDecl) },
      { ALT: () => this.SUBRULE(this.modelDecl) },
    ]);
  });

  useDecl = this.RULE('useDecl', () => {
    this.CONSUME(T.Use);
    this.SUBRULE(this.usePath);
    this.OPTION(() => {
      this.CONSUME(T.As);
      this.CONSUME(T.Identifier, { LABEL: 'alias' });
    });
  });

  usePath = this.RULE('usePath', () => {
    this.OR([{ ALT: () => this.SUBRULE(this.dottedPath) }, { ALT: () => this.CONSUME(T.StringLit) }]);
  });

  dottedPath = this.RULE('dottedPath', () => {
    this.CONSUME(T.Identifier);
    this.MANY(() => {
      this.CONSUME(T.Dot);
      this.CONSUME2(T.Identifier);
    });
  });

  blockDecl = this.RULE('blockDecl', () => {
    this.CONSUME(T.Block);
    this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.CONSUME(T.LParen);
    this.commaList(this.param, T.RParen, 'param');
    this.CONSUME(T.RParen);
    this.SUBRULE(this.body);
  });

  param = this.RULE('param', () => {
    this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.OPTION(() => {
      this.CONSUME(T.Colon);
      this.SUBRULE(this.typeExpr);
    });
    this.OPTION2(() => {
      this.CONSUME(T.Equals);
      this.SUBRULE(this.expr, { LABEL: 'default' });
    });
  });

  typeExpr = this.RULE('typeExpr', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Identifier) },
      { ALT: () => this.CONSUME(T.Block) },
      {
        ALT: () => {
          this.CONSUME(T.LBracket);
          this.SUBRULE(this.typeExpr, { LABEL: 'elem' });
          this.CONSUME(T.RBracket);
        },
      },
    ]);
  });

  body = this.RULE('body', () => {
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.stmt));
    this.CONSUME(T.RBrace);
  });

  stmt = this.RULE('stmt', () => {
    this.OR((this.stmtAlts ??= [
      { ALT: () => this.SUBRULE(this.letStmt) },
      { ALT: () => this.SUBRULE(this.forStmt) },
      { ALT: () => this.SUBRULE(this.ifStmt) },
      { ALT: () => this.SUBRULE(this.returnStmt) },
      { ALT: () => this.SUBRULE(this.assignStmt) },
    ]));
  });

  letStmt = this.RULE('letStmt', () => {
    this.CONSUME(T.Let);
    this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expr, { LABEL: 'value' });
  });

  assignStmt = this.RULE('assignStmt', () => {
    this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expr, { LABEL: 'value' });
  });

  forStmt = this.RULE('forStmt', () => {
    this.CONSUME(T.For);
    this.CONSUME(T.Identifier, { LABEL: 'variable' });
    this.CONSUME(T.In);
    this.SUBRULE(this.expr, { LABEL: 'iterable' });
    this.SUBRULE(this.body);
  });

  ifStmt = this.RULE('ifStmt', () => {
    this.CONSUME(T.If);
    this.SUBRULE(this.expr, { LABEL: 'cond' });
    this.SUBRULE(this.body, { LABEL: 'then' });
    this.OPTION(() => {
      this.CONSUME(T.Else);
      this.OR([{ ALT: () => this.SUBRULE2(this.ifStmt, { LABEL: 'elseIf' }) }, { ALT: () => this.SUBRULE2(this.body, { LABEL: 'else' }) }]);
    });
  });

  returnStmt = this.RULE('returnStmt', () => {
    this.CONSUME(T.Return);
    this.SUBRULE(this.expr, { LABEL: 'value' });
  });

  modelDecl = this.RULE('modelDecl', () => {
    this.CONSUME(T.Model);
    this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.modelItem));
    this.CONSUME(T.RBrace);
  });

  /** Model items without the braces: incremental parsing (reparse.ts) parses a run of them again. */
  modelItems = this.RULE('modelItems', () => {
    this.MANY(() => this.SUBRULE(this.modelItem));
  });

  modelItem = this.RULE('modelItem', () => {
    this.OR((this.modelItemAlts ??= [
      { ALT: () => this.SUBRULE(this.featuresSection) },
      { GATE: () => this.LA(1).image === 'pc' && this.LA(2).tokenType === T.Identifier, ALT: () => this.SUBRULE(this.pcDecl) },
      { ALT: () => this.SUBRULE(this.letStmt) },
      { ALT: () => this.SUBRULE(this.taskDecl) },
      { ALT: () => this.SUBRULE(this.trainSection) },
      { ALT: () => this.SUBRULE(this.supportDecl) },
      { ALT: () => this.SUBRULE(this.metaBlockDecl) },
      { ALT: () => this.SUBRULE(this.stageDecl) },
    ]));
  });

  featuresSection = this.RULE('featuresSection', () => {
    this.CONSUME(T.Features);
    this.SUBRULE(this.fieldBlock);
  });

  /** `pc name = expr`; `pc` is a contextual keyword, an identifier elsewhere. */
  pcDecl = this.RULE('pcDecl', () => {
    this.CONSUME(T.Identifier, { LABEL: 'pcKeyword' });
    this.CONSUME2(T.Identifier, { LABEL: 'name' });
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expr, { LABEL: 'value' });
  });

  taskDecl = this.RULE('taskDecl', () => {
    this.CONSUME(T.Task);
    this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.CONSUME(T.Colon);
    this.SUBRULE(this.expr, { LABEL: 'head' });
    this.OPTION(() => this.SUBRULE(this.fieldBlock));
  });

  trainSection = this.RULE('trainSection', () => {
    this.CONSUME(T.Train);
    this.SUBRULE(this.fieldBlock);
  });

  supportDecl = this.RULE('supportDecl', () => {
    this.CONSUME(T.Support);
    this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.CONSUME(T.By);
    this.CONSUME2(T.Identifier, { LABEL: 'key' });
    this.CONSUME(T.Colon);
    this.SUBRULE(this.expr, { LABEL: 'value' });
  });

  metaBlockDecl = this.RULE('metaBlockDecl', () => {
    this.CONSUME(T.MetaBlock);
    this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.CONSUME(T.By);
    this.CONSUME2(T.Identifier, { LABEL: 'key' });
    this.CONSUME(T.LBrace);
    this.OPTION(() => {
      this.CONSUME(T.Inner);
      this.SUBRULE(this.fieldBlock, { LABEL: 'inner' });
    });
    this.MANY(() => this.SUBRULE(this.stmt));
    this.CONSUME(T.RBrace);
  });

  stageDecl = this.RULE('stageDecl', () => {
    this.CONSUME(T.Stage);
    this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.CONSUME(T.LBrace);
    this.MANY(() => {
      this.OR([{ ALT: () => this.SUBRULE(this.taskDecl) }, { ALT: () => this.SUBRULE(this.field) }]);
    });
    this.CONSUME(T.RBrace);
  });

  /** `{ name: expr, name: expr … }` with optional commas. */
  fieldBlock = this.RULE('fieldBlock', () => {
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.field));
    this.CONSUME(T.RBrace);
  });

  field = this.RULE('field', () => {
    this.SUBRULE(this.fieldName);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.expr, { LABEL: 'value' });
    this.OPTION(() => this.CONSUME(T.Comma));
  });

  /** Field and argument names may be keywords (`gauc(by: user_id)`). */
  fieldName = this.RULE('fieldName', () => {
    this.CONSUME(T.AnyName);
  });

  /**
   * An expression as a flat sequence `operand (op operand)*`: one rule instead of one per
   * precedence level keeps the CST small (parsing a spec is mostly parsing expressions).
   * cst-to-ast.ts rebuilds the tree with the precedence of grammar/rec.ebnf and reports the
   * sequences that grammar rejects (`a < b < c`, `a + not b`).
   */
  expr = this.RULE('expr', () => {
    this.SUBRULE(this.operand, { LABEL: 'operands' });
    this.MANY(() => {
      this.CONSUME(T.BinaryOp, { LABEL: 'ops' });
      this.SUBRULE2(this.operand, { LABEL: 'operands' });
    });
  });

  /** Prefix operators, a primary, then calls `(…)`, members `.name` and indexes `[…]`, in order. */
  operand = this.RULE('operand', () => {
    this.MANY(() => {
      this.OR((this.prefixAlts ??= [{ ALT: () => this.CONSUME(T.Not, { LABEL: 'prefixes' }) }, { ALT: () => this.CONSUME(T.Minus, { LABEL: 'prefixes' }) }]));
    });
    this.SUBRULE(this.primary);
    this.MANY2(() => {
      this.OR2((this.suffixAlts ??= [
        { ALT: () => this.SUBRULE(this.callSuffix, { LABEL: 'suffixes' }) },
        { ALT: () => this.SUBRULE(this.memberSuffix, { LABEL: 'suffixes' }) },
        { ALT: () => this.SUBRULE(this.indexSuffix, { LABEL: 'suffixes' }) },
      ]));
    });
  });

  callSuffix = this.RULE('callSuffix', () => {
    this.CONSUME(T.LParen);
    this.commaList(this.arg, T.RParen, 'arg');
    this.CONSUME(T.RParen);
  });

  // `.*` is a wildcard segment of a parameter selector (`freeze: net.*.ln2`); the elaborator
  // accepts it only where a selector is expected.
  memberSuffix = this.RULE('memberSuffix', () => {
    this.CONSUME(T.Dot);
    this.OR([{ ALT: () => this.CONSUME(T.Identifier) }, { ALT: () => this.CONSUME(T.Star) }]);
  });

  indexSuffix = this.RULE('indexSuffix', () => {
    this.CONSUME(T.LBracket);
    this.SUBRULE(this.expr);
    this.CONSUME(T.RBracket);
  });

  arg = this.RULE('arg', () => {
    this.OPTION({
      GATE: () => this.LA(2).tokenType === T.Colon,
      DEF: () => {
        this.SUBRULE(this.fieldName, { LABEL: 'name' });
        this.CONSUME(T.Colon);
      },
    });
    this.SUBRULE(this.expr, { LABEL: 'value' });
  });

  /**
   * `item (',' item)* ','?` between brackets. The grammar requires the commas, but a missing one
   * between two items on the same line is accepted here and reported by cst-to-ast.ts (REC1003
   * "add `,`"): one forgotten comma then costs one diagnostic and the rest of the list still
   * parses. Across a line break the list ends instead, since there a missing closer (`relu(a` with
   * the next statement below) is the likelier mistake. Each calling rule uses this once, so the
   * fixed occurrence indices (7–9) stay unique within it.
   */
  private commaList(item: (idx: number) => CstNode, closer: TokenType, label: string): void {
    this.OPTION9(() => {
      this.SUBRULE7(item, { LABEL: label });
      this.MANY9({
        GATE: () => {
          const next = this.LA(1);
          // a trailing comma before the closer ends the list
          if (next.tokenType === T.Comma) return this.LA(2).tokenType !== closer;
          const starts = ITEM_START.has(next.tokenType) || (KEYWORD_SET.has(next.tokenType) && this.LA(2).tokenType === T.Colon);
          return starts && !this.lineBreakBetween(this.LA(0), next);
        },
        DEF: () => {
          // `f(a, , b)`: the extra commas are reported by cst-to-ast.ts, the list goes on
          this.MANY8(() => this.CONSUME7(T.Comma));
          this.SUBRULE8(item, { LABEL: label });
        },
      });
      this.OPTION7(() => this.CONSUME8(T.Comma));
    });
  }

  // The alternatives of the rules run most often are made once, not on every call (Chevrotain's
  // advice for speed: a call of `primary` otherwise allocates an array, 8 objects and 8 closures).
  private primaryAlts?: IOrAlt<unknown>[];
  private prefixAlts?: IOrAlt<unknown>[];
  private suffixAlts?: IOrAlt<unknown>[];
  private stmtAlts?: IOrAlt<unknown>[];
  private modelItemAlts?: IOrAlt<unknown>[];

  primary = this.RULE('primary', () => {
    this.OR((this.primaryAlts ??= [
      { ALT: () => this.CONSUME(T.NumberLit) },
      { ALT: () => this.CONSUME(T.StringLit) },
      { ALT: () => this.CONSUME(T.True) },
      { ALT: () => this.CONSUME(T.False) },
      { ALT: () => this.CONSUME(T.Identifier) },
      {
        ALT: () => {
          this.CONSUME(T.LBracket);
          this.commaList(this.expr, T.RBracket, 'items');
          this.CONSUME(T.RBracket);
        },
      },
      { ALT: () => this.SUBRULE(this.fieldBlock, { LABEL: 'record' }) },
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.SUBRULE2(this.expr, { LABEL: 'inner' });
          this.CONSUME(T.RParen);
        },
      },
    ]));
  });
}

/** One parser, reused: building it (self-analysis) is the expensive part. */
export const parser = new RecParser();
