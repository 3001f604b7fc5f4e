// The `.rec` grammar as a Chevrotain parser (grammar/rec.ebnf is its normative description) that
// builds the AST as it goes. Error recovery is on, so one run reports every syntax error.
//
// Each rule stores its parts in a frame (an object of the rule's own, by label) and ends by
// asking ast-builder.ts for its node. A rule that error recovery cuts short never reaches its
// end: Chevrotain then builds it from the frame as it stands, and a rule below it that failed too
// is built the same way and stored in its parent's frame under its label, as if it had returned
// (what Chevrotain does with a partial CST). So a broken spec gives the tree a CST would have
// given, without building a CST: building one took 85 % of the time of a parse.
import type { IOrAlt, IParserErrorMessageProvider, IRecognitionException, IToken, TokenType } from 'chevrotain';
import type { AstBuilder, Frame, Locations } from './ast-builder.js';
import { EmbeddedActionsParser, EOF, isRecognitionException } from './chevrotain.js';
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

/** The lists whose items keep where they are in the text, for the check of the commas between them. */
const LOCATED_LISTS = new Set(['param', 'arg', 'items']);

// The options of the subrules and tokens read most often, made once (a literal is an object per call).
const OPERANDS = { LABEL: 'operands' };
const OPS = { LABEL: 'ops' };
const PREFIXES = { LABEL: 'prefixes' };
const SUFFIXES = { LABEL: 'suffixes' };
const NAME = { LABEL: 'name' };
const VALUE = { LABEL: 'value' };

/** Chevrotain's members this parser hooks into (not in its typings). */
interface Hooks {
  cstInvocationStateUpdate: (name: string) => void;
  cstFinallyStateUpdate: () => void;
  cstPostTerminal: (label: string, token: IToken) => void;
  cstPostNonTerminal: (result: unknown, label: string) => void;
  subruleInternalError: (e: unknown, options: { LABEL?: string } | undefined, ruleName: string) => never;
  invokeRuleCatch: (e: unknown, resync: boolean, recoveryValue: (e: IRecognitionException) => unknown) => unknown;
}

export class RecParser extends EmbeddedActionsParser {
  constructor() {
    // Grammar validations cost ~100 ms at start-up; the tests run them (RECC_VALIDATE_GRAMMAR=1).
    super(T.allTokens, { recoveryEnabled: true, maxLookahead: 3, errorMessageProvider: messages, skipValidations: process.env.RECC_VALIDATE_GRAMMAR !== '1' });
    this.performSelfAnalysis();
    // Chevrotain calls these for every rule and token in any mode (no-ops without a CST): here
    // they keep each open rule's place in the text, as its CST node's location would be.
    const h = this as unknown as Hooks;
    h.cstInvocationStateUpdate = () => {
      const d = ++this.depth;
      this.at.start[d] = NaN;
      this.at.end[d] = NaN;
      this.at.first[d] = undefined;
    };
    h.cstFinallyStateUpdate = () => {
      this.depth--;
    };
    h.cstPostTerminal = (_label, token) => this.extend(this.depth, token.startOffset, token.startOffset + token.image.length - 1, token);
    h.cstPostNonTerminal = () => {
      const c = this.depth + 1; // the rule that just returned
      this.extend(this.depth, this.at.start[c]!, this.at.end[c]!, this.at.first[c]);
    };
    // A rule that failed and did not recover: its node from its frame, for its parent (below).
    const invokeRuleCatch = h.invokeRuleCatch;
    h.invokeRuleCatch = (e, resync, recoveryValue) => {
      try {
        return invokeRuleCatch.call(this, e, resync, recoveryValue);
      } catch (thrown) {
        if (isRecognitionException(thrown as Error)) (thrown as Partial).partial = { value: this.recovered() };
        throw thrown;
      }
    };
    // The parent of that rule stores it under its label, as if it had returned it.
    h.subruleInternalError = (e, options, ruleName) => {
      const partial = isRecognitionException(e as Error) ? (e as Partial).partial : undefined;
      if (partial) {
        delete (e as Partial).partial;
        h.cstPostNonTerminal(undefined, '');
        this.store(options?.LABEL ?? ruleName, partial.value);
      }
      throw e;
    };
  }

  /**
   * Tokens the recovery invented (single-token insertion) in the last run, with the token they
   * were put before. parse.ts tells a missing token (REC1003) from an unexpected one (REC1002) by
   * this record.
   */
  readonly insertions: { type: TokenType; before: IToken }[] = [];

  /** Where each open rule's text is, by depth (see Locations); read by `builder`. */
  readonly at: Locations = { start: [], end: [], first: [] };

  /** The text being parsed, for the line-break test of comma lists (during run()). */
  private sourceText = '';
  /** Makes each rule's node (during run()). */
  private builder: AstBuilder | undefined;
  /** The depth of the rule running (the first rule invoked is at 1). */
  private depth = 0;
  /** The frame of each open rule, by depth. */
  private readonly frames: Frame[] = [];

  /**
   * Parse `tokens` of `text` with `rule`, its nodes made by `builder`, and return its node. The
   * errors and insertions stay readable until the next run; nothing else of it is kept.
   */
  run<R>(rule: () => unknown, tokens: IToken[], text: string, builder: AstBuilder): R {
    this.input = tokens;
    this.insertions.length = 0;
    this.sourceText = text;
    this.builder = builder;
    this.depth = 0;
    try {
      return rule() as R;
    } finally {
      this.sourceText = '';
      this.builder = undefined;
      this.frames.length = 0;
      this.at.start.length = this.at.end.length = this.at.first.length = 0;
    }
  }

  private extend(d: number, start: number, end: number, first: IToken | undefined): void {
    const at = this.at;
    // as Chevrotain's node locations: the first part with a place sets it (NaN !== NaN), later ones extend it
    if (at.start[d] !== at.start[d]) {
      at.start[d] = start;
      at.end[d] = end;
      at.first[d] = first;
    } else if (at.end[d]! < end) at.end[d] = end;
  }

  /** Open the running rule's frame. */
  private open(f: Frame): Frame {
    this.frames[this.depth] = f;
    return f;
  }

  /**
   * The running rule's frame, for the alternatives made once per parser (see primaryAlts); a
   * scratch one while Chevrotain records the grammar, when no rule has opened a frame.
   */
  private top(): Frame {
    return this.frames[this.depth] ?? { rule: '' };
  }

  /** The node of a rule recovery cut short, from its frame as it stands. */
  private readonly recovered = (): unknown => {
    const f = this.frames[this.depth];
    return f && this.builder ? this.builder.finish(f, this.depth) : undefined;
  };

  /** Store the node of the rule that just ended (one deeper) in the running rule's frame, under `label`. */
  private store(label: string, value: unknown): void {
    const f = this.frames[this.depth]!;
    const slot = f[label];
    if (Array.isArray(slot)) slot.push(LOCATED_LISTS.has(label) ? this.builder!.item(value, this.depth) : value);
    else if (slot === undefined) f[label] = value;
  }

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

  /** A rule of the grammar; error recovery makes the node of one it cut short from its frame. */
  private rule(name: string, impl: () => unknown) {
    return this.RULE(name, impl, { recoveryValueFunc: this.recovered });
  }

  file = this.rule('file', () => {
    const f = this.open({ rule: 'file', topItem: [] });
    this.MANY(() => f.topItem.push(this.SUBRULE(this.topItem)));
    return this.builder?.file(f);
  });

  topItem = this.rule('topItem', () => {
    const f = this.open({ rule: 'topItem', useDecl: undefined, blockDecl: undefined, modelDecl: undefined });
    this.OR([
      { ALT: () => (f.useDecl = this.SUBRULE(this.useDecl)) },
      { ALT: () => (f.blockDecl = this.SUBRULE(this.blockDecl)) },
      { ALT: () => (f.modelDecl = this.SUBRULE(this.modelDecl)) },
    ]);
    return this.builder?.topItem(f);
  });

  useDecl = this.rule('useDecl', () => {
    const f = this.open({ rule: 'useDecl', usePath: undefined, alias: undefined });
    this.CONSUME(T.Use);
    f.usePath = this.SUBRULE(this.usePath);
    this.OPTION(() => {
      this.CONSUME(T.As);
      f.alias = this.CONSUME(T.Identifier, { LABEL: 'alias' });
    });
    return this.builder?.useDecl(f, this.depth);
  });

  usePath = this.rule('usePath', () => {
    const f = this.open({ rule: 'usePath', dottedPath: undefined, StringLit: undefined });
    this.OR([{ ALT: () => (f.dottedPath = this.SUBRULE(this.dottedPath)) }, { ALT: () => (f.StringLit = this.CONSUME(T.StringLit)) }]);
    return this.builder?.usePath(f);
  });

  dottedPath = this.rule('dottedPath', () => {
    const f = this.open({ rule: 'dottedPath', Identifier: [] });
    f.Identifier.push(this.CONSUME(T.Identifier));
    this.MANY(() => {
      this.CONSUME(T.Dot);
      f.Identifier.push(this.CONSUME2(T.Identifier));
    });
    return this.builder?.dottedPath(f);
  });

  blockDecl = this.rule('blockDecl', () => {
    const f = this.open({ rule: 'blockDecl', name: undefined, param: [], Comma: [], body: undefined });
    this.CONSUME(T.Block);
    f.name = this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.CONSUME(T.LParen);
    this.commaList(this.param, T.RParen, 'param');
    this.CONSUME(T.RParen);
    f.body = this.SUBRULE(this.body);
    return this.builder?.blockDecl(f, this.depth);
  });

  param = this.rule('param', () => {
    const f = this.open({ rule: 'param', name: undefined, typeExpr: undefined, default: undefined });
    f.name = this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.OPTION(() => {
      this.CONSUME(T.Colon);
      f.typeExpr = this.SUBRULE(this.typeExpr);
    });
    this.OPTION2(() => {
      this.CONSUME(T.Equals);
      f.default = this.SUBRULE(this.expr, { LABEL: 'default' });
    });
    return this.builder?.param(f, this.depth);
  });

  typeExpr = this.rule('typeExpr', () => {
    const f = this.open({ rule: 'typeExpr', Identifier: undefined, Block: undefined, hasElem: false, elem: undefined });
    this.OR([
      { ALT: () => (f.Identifier = this.CONSUME(T.Identifier)) },
      { ALT: () => (f.Block = this.CONSUME(T.Block)) },
      {
        ALT: () => {
          this.CONSUME(T.LBracket);
          f.hasElem = true;
          f.elem = this.SUBRULE(this.typeExpr, { LABEL: 'elem' });
          this.CONSUME(T.RBracket);
        },
      },
    ]);
    return this.builder?.typeExpr(f, this.depth);
  });

  body = this.rule('body', () => {
    const f = this.open({ rule: 'body', stmt: [] });
    this.CONSUME(T.LBrace);
    this.MANY(() => f.stmt.push(this.SUBRULE(this.stmt)));
    this.CONSUME(T.RBrace);
    return this.builder?.body(f);
  });

  stmt = this.rule('stmt', () => {
    const f = this.open({ rule: 'stmt', value: undefined });
    f.value = this.OR((this.stmtAlts ??= [
      { ALT: () => this.SUBRULE(this.letStmt) },
      { ALT: () => this.SUBRULE(this.forStmt) },
      { ALT: () => this.SUBRULE(this.ifStmt) },
      { ALT: () => this.SUBRULE(this.returnStmt) },
      { ALT: () => this.SUBRULE(this.assignStmt) },
    ]));
    return this.builder?.stmt(f);
  });

  letStmt = this.rule('letStmt', () => {
    const f = this.open({ rule: 'letStmt', name: undefined, value: undefined });
    this.CONSUME(T.Let);
    f.name = this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.CONSUME(T.Equals);
    f.value = this.SUBRULE(this.expr, { LABEL: 'value' });
    return this.builder?.letStmt(f, this.depth);
  });

  assignStmt = this.rule('assignStmt', () => {
    const f = this.open({ rule: 'assignStmt', name: undefined, value: undefined });
    f.name = this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.CONSUME(T.Equals);
    f.value = this.SUBRULE(this.expr, { LABEL: 'value' });
    return this.builder?.assignStmt(f, this.depth);
  });

  forStmt = this.rule('forStmt', () => {
    const f = this.open({ rule: 'forStmt', variable: undefined, iterable: undefined, body: undefined });
    this.CONSUME(T.For);
    f.variable = this.CONSUME(T.Identifier, { LABEL: 'variable' });
    this.CONSUME(T.In);
    f.iterable = this.SUBRULE(this.expr, { LABEL: 'iterable' });
    f.body = this.SUBRULE(this.body);
    return this.builder?.forStmt(f, this.depth);
  });

  ifStmt = this.rule('ifStmt', () => {
    const f = this.open({ rule: 'ifStmt', cond: undefined, then: undefined, hasElseIf: false, elseIf: undefined, hasElse: false, else: undefined });
    this.CONSUME(T.If);
    f.cond = this.SUBRULE(this.expr, { LABEL: 'cond' });
    f.then = this.SUBRULE(this.body, { LABEL: 'then' });
    this.OPTION(() => {
      this.CONSUME(T.Else);
      this.OR([
        {
          ALT: () => {
            f.hasElseIf = true;
            f.elseIf = this.SUBRULE2(this.ifStmt, { LABEL: 'elseIf' });
          },
        },
        {
          ALT: () => {
            f.hasElse = true;
            f.else = this.SUBRULE2(this.body, { LABEL: 'else' });
          },
        },
      ]);
    });
    return this.builder?.ifStmt(f, this.depth);
  });

  returnStmt = this.rule('returnStmt', () => {
    const f = this.open({ rule: 'returnStmt', value: undefined });
    this.CONSUME(T.Return);
    f.value = this.SUBRULE(this.expr, { LABEL: 'value' });
    return this.builder?.returnStmt(f, this.depth);
  });

  modelDecl = this.rule('modelDecl', () => {
    const f = this.open({ rule: 'modelDecl', name: undefined, modelItem: [] });
    this.CONSUME(T.Model);
    f.name = this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.CONSUME(T.LBrace);
    this.MANY(() => f.modelItem.push(this.SUBRULE(this.modelItem)));
    this.CONSUME(T.RBrace);
    return this.builder?.modelDecl(f, this.depth);
  });

  /** Model items without the braces: incremental parsing (reparse.ts) parses a run of them again. */
  modelItems = this.rule('modelItems', () => {
    const f = this.open({ rule: 'modelItems', modelItem: [] });
    this.MANY(() => f.modelItem.push(this.SUBRULE(this.modelItem)));
    return this.builder?.modelItems(f);
  });

  modelItem = this.rule('modelItem', () => {
    const f = this.open({ rule: 'modelItem', value: undefined });
    f.value = this.OR((this.modelItemAlts ??= [
      { ALT: () => this.SUBRULE(this.featuresSection) },
      { GATE: () => this.LA(1).image === 'pc' && this.LA(2).tokenType === T.Identifier, ALT: () => this.SUBRULE(this.pcDecl) },
      { ALT: () => this.SUBRULE(this.letStmt) },
      { ALT: () => this.SUBRULE(this.taskDecl) },
      { ALT: () => this.SUBRULE(this.trainSection) },
      { ALT: () => this.SUBRULE(this.supportDecl) },
      { ALT: () => this.SUBRULE(this.metaBlockDecl) },
      { ALT: () => this.SUBRULE(this.stageDecl) },
    ]));
    return this.builder?.modelItem(f);
  });

  featuresSection = this.rule('featuresSection', () => {
    const f = this.open({ rule: 'featuresSection', fieldBlock: undefined });
    this.CONSUME(T.Features);
    f.fieldBlock = this.SUBRULE(this.fieldBlock);
    return this.builder?.featuresSection(f, this.depth);
  });

  /** `pc name = expr`; `pc` is a contextual keyword, an identifier elsewhere. */
  pcDecl = this.rule('pcDecl', () => {
    const f = this.open({ rule: 'pcDecl', name: undefined, value: undefined });
    this.CONSUME(T.Identifier, { LABEL: 'pcKeyword' });
    f.name = this.CONSUME2(T.Identifier, { LABEL: 'name' });
    this.CONSUME(T.Equals);
    f.value = this.SUBRULE(this.expr, { LABEL: 'value' });
    return this.builder?.pcDecl(f, this.depth);
  });

  taskDecl = this.rule('taskDecl', () => {
    const f = this.open({ rule: 'taskDecl', name: undefined, head: undefined, fieldBlock: undefined });
    this.CONSUME(T.Task);
    f.name = this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.CONSUME(T.Colon);
    f.head = this.SUBRULE(this.expr, { LABEL: 'head' });
    this.OPTION(() => (f.fieldBlock = this.SUBRULE(this.fieldBlock)));
    return this.builder?.taskDecl(f, this.depth);
  });

  trainSection = this.rule('trainSection', () => {
    const f = this.open({ rule: 'trainSection', fieldBlock: undefined });
    this.CONSUME(T.Train);
    f.fieldBlock = this.SUBRULE(this.fieldBlock);
    return this.builder?.trainSection(f, this.depth);
  });

  supportDecl = this.rule('supportDecl', () => {
    const f = this.open({ rule: 'supportDecl', name: undefined, key: undefined, value: undefined });
    this.CONSUME(T.Support);
    f.name = this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.CONSUME(T.By);
    f.key = this.CONSUME2(T.Identifier, { LABEL: 'key' });
    this.CONSUME(T.Colon);
    f.value = this.SUBRULE(this.expr, { LABEL: 'value' });
    return this.builder?.supportDecl(f, this.depth);
  });

  metaBlockDecl = this.rule('metaBlockDecl', () => {
    const f = this.open({ rule: 'metaBlockDecl', name: undefined, key: undefined, inner: undefined, stmt: [] });
    this.CONSUME(T.MetaBlock);
    f.name = this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.CONSUME(T.By);
    f.key = this.CONSUME2(T.Identifier, { LABEL: 'key' });
    this.CONSUME(T.LBrace);
    this.OPTION(() => {
      this.CONSUME(T.Inner);
      f.inner = this.SUBRULE(this.fieldBlock, { LABEL: 'inner' });
    });
    this.MANY(() => f.stmt.push(this.SUBRULE(this.stmt)));
    this.CONSUME(T.RBrace);
    return this.builder?.metaBlockDecl(f, this.depth);
  });

  stageDecl = this.rule('stageDecl', () => {
    const f = this.open({ rule: 'stageDecl', name: undefined, taskDecl: [], field: [] });
    this.CONSUME(T.Stage);
    f.name = this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.CONSUME(T.LBrace);
    this.MANY(() => {
      this.OR([{ ALT: () => f.taskDecl.push(this.SUBRULE(this.taskDecl)) }, { ALT: () => f.field.push(this.SUBRULE(this.field)) }]);
    });
    this.CONSUME(T.RBrace);
    return this.builder?.stageDecl(f, this.depth);
  });

  /** `{ name: expr, name: expr … }` with optional commas. */
  fieldBlock = this.rule('fieldBlock', () => {
    const f = this.open({ rule: 'fieldBlock', field: [] });
    this.CONSUME(T.LBrace);
    this.MANY(() => f.field.push(this.SUBRULE(this.field)));
    this.CONSUME(T.RBrace);
    return this.builder?.fieldBlock(f);
  });

  field = this.rule('field', () => {
    const f = this.open({ rule: 'field', fieldName: undefined, value: undefined });
    f.fieldName = this.SUBRULE(this.fieldName);
    this.CONSUME(T.Colon);
    f.value = this.SUBRULE(this.expr, { LABEL: 'value' });
    this.OPTION(() => this.CONSUME(T.Comma));
    return this.builder?.field(f);
  });

  /** Field and argument names may be keywords (`gauc(by: user_id)`). */
  fieldName = this.rule('fieldName', () => {
    const f = this.open({ rule: 'fieldName', AnyName: undefined });
    f.AnyName = this.CONSUME(T.AnyName);
    return this.builder?.fieldName(f);
  });

  /**
   * An expression as a flat sequence `operand (op operand)*`: one rule instead of one per
   * precedence level keeps the parse short (parsing a spec is mostly parsing expressions).
   * ast-builder.ts rebuilds the tree with the precedence of grammar/rec.ebnf and reports the
   * sequences that grammar rejects (`a < b < c`, `a + not b`).
   */
  expr = this.rule('expr', () => {
    const f = this.open({ rule: 'expr', operands: [], ops: [] });
    // A new array rather than a push: the first push into `[]` allocates room for 17 items, and
    // most expressions have one operand. (Recovery stores into the `[]` before the throw instead.)
    f.operands = [this.SUBRULE(this.operand, OPERANDS)];
    this.MANY(
      (this.exprTail ??= () => {
        const f = this.top();
        f.ops.push(this.CONSUME(T.BinaryOp, OPS));
        f.operands.push(this.SUBRULE2(this.operand, OPERANDS));
      }),
    );
    return this.builder?.expr(f);
  });

  /** Prefix operators, a primary, then calls `(…)`, members `.name` and indexes `[…]`, in order. */
  operand = this.rule('operand', () => {
    const f = this.open({ rule: 'operand', prefixes: [], primary: undefined, suffixes: [] });
    this.MANY(
      (this.prefixLoop ??= () => {
        this.top().prefixes.push(this.OR((this.prefixAlts ??= [{ ALT: () => this.CONSUME(T.Not, PREFIXES) }, { ALT: () => this.CONSUME(T.Minus, PREFIXES) }])));
      }),
    );
    f.primary = this.SUBRULE(this.primary);
    this.MANY2(
      (this.suffixLoop ??= () => {
        this.top().suffixes.push(
          this.OR2((this.suffixAlts ??= [
            { ALT: () => this.SUBRULE(this.callSuffix, SUFFIXES) },
            { ALT: () => this.SUBRULE(this.memberSuffix, SUFFIXES) },
            { ALT: () => this.SUBRULE(this.indexSuffix, SUFFIXES) },
          ])),
        );
      }),
    );
    return this.builder?.operand(f);
  });

  callSuffix = this.rule('callSuffix', () => {
    const f = this.open({ rule: 'callSuffix', arg: [], Comma: [] });
    this.CONSUME(T.LParen);
    this.commaList(this.arg, T.RParen, 'arg');
    this.CONSUME(T.RParen);
    return this.builder?.callSuffix(f, this.depth);
  });

  // `.*` is a wildcard segment of a parameter selector (`freeze: net.*.ln2`); the elaborator
  // accepts it only where a selector is expected.
  memberSuffix = this.rule('memberSuffix', () => {
    const f = this.open({ rule: 'memberSuffix', Identifier: undefined, Star: undefined });
    this.CONSUME(T.Dot);
    this.OR([{ ALT: () => (f.Identifier = this.CONSUME(T.Identifier)) }, { ALT: () => (f.Star = this.CONSUME(T.Star)) }]);
    return this.builder?.memberSuffix(f, this.depth);
  });

  indexSuffix = this.rule('indexSuffix', () => {
    const f = this.open({ rule: 'indexSuffix', expr: undefined });
    this.CONSUME(T.LBracket);
    f.expr = this.SUBRULE(this.expr);
    this.CONSUME(T.RBracket);
    return this.builder?.indexSuffix(f, this.depth);
  });

  arg = this.rule('arg', () => {
    const f = this.open({ rule: 'arg', name: undefined, value: undefined });
    this.OPTION(
      (this.argName ??= {
        GATE: () => this.LA(2).tokenType === T.Colon,
        DEF: () => {
          this.top().name = this.SUBRULE(this.fieldName, NAME);
          this.CONSUME(T.Colon);
        },
      }),
    );
    f.value = this.SUBRULE(this.expr, VALUE);
    return this.builder?.arg(f, this.depth);
  });

  /**
   * `item (',' item)* ','?` between brackets, the items and commas stored in the running rule's
   * frame under `label` and `Comma`. The grammar requires the commas, but a missing one between two
   * items on the same line is accepted here and reported by ast-builder.ts (REC1003 "add `,`"):
   * one forgotten comma then costs one diagnostic and the rest of the list still parses. Across a
   * line break the list ends instead, since there a missing closer (`relu(a` with the next
   * statement below) is the likelier mistake. Each calling rule uses this once, so the fixed
   * occurrence indices (7–9) stay unique within it.
   */
  private commaList(item: (idx: number) => unknown, closer: TokenType, label: string): void {
    const list = (this.commaLists[label] ??= { item, closer, body: this.commaListBody(item, closer, label) });
    if (list.item !== item || list.closer !== closer) throw new Error(`internal: the comma list '${label}' is used with another item rule or closer`);
    this.OPTION9(list.body);
  }

  /** The body of commaList for one kind of list, made once: a label stands for one item rule and closer (checked). */
  private commaListBody(item: (idx: number) => unknown, closer: TokenType, label: string): () => void {
    const options = { LABEL: label };
    const located = (v: unknown) => this.builder?.item(v, this.depth);
    const comma = () => (this.top().Comma as IToken[]).push(this.CONSUME7(T.Comma));
    const more = {
      GATE: () => {
        const next = this.LA(1);
        // a trailing comma before the closer ends the list
        if (next.tokenType === T.Comma) return this.LA(2).tokenType !== closer;
        const starts = ITEM_START.has(next.tokenType) || (KEYWORD_SET.has(next.tokenType) && this.LA(2).tokenType === T.Colon);
        return starts && !this.lineBreakBetween(this.LA(0), next);
      },
      DEF: () => {
        // `f(a, , b)`: the extra commas are reported by ast-builder.ts, the list goes on
        this.MANY8(comma);
        (this.top()[label] as unknown[]).push(located(this.SUBRULE8(item, options)));
      },
    };
    const trailing = () => (this.top().Comma as IToken[]).push(this.CONSUME8(T.Comma));
    return () => {
      (this.top()[label] as unknown[]).push(located(this.SUBRULE7(item, options)));
      this.MANY9(more);
      this.OPTION7(trailing);
    };
  }

  // The alternatives of the rules run most often are made once, not on every call (Chevrotain's
  // advice for speed: a call of `primary` otherwise allocates an array, 8 objects and 8 closures).
  // Made once, they cannot hold a call's frame: they return what they read, or find the frame
  // with top().
  private primaryAlts?: IOrAlt<unknown>[];
  private prefixAlts?: IOrAlt<unknown>[];
  private suffixAlts?: IOrAlt<unknown>[];
  private stmtAlts?: IOrAlt<unknown>[];
  private modelItemAlts?: IOrAlt<unknown>[];
  private exprTail?: () => void;
  private prefixLoop?: () => void;
  private suffixLoop?: () => void;
  private argName?: { GATE: () => boolean; DEF: () => void };
  /** commaList's bodies, by the label of their list. */
  private readonly commaLists: Record<string, { item: (idx: number) => unknown; closer: TokenType; body: () => void }> = {};

  primary = this.rule('primary', () => {
    const f = this.open({ rule: 'primary', token: undefined, items: undefined, Comma: undefined, record: undefined, hasInner: false, inner: undefined });
    f.token = this.OR((this.primaryAlts ??= [
      { ALT: () => this.CONSUME(T.NumberLit) },
      { ALT: () => this.CONSUME(T.StringLit) },
      { ALT: () => this.CONSUME(T.True) },
      { ALT: () => this.CONSUME(T.False) },
      { ALT: () => this.CONSUME(T.Identifier) },
      {
        ALT: () => {
          const p = this.top();
          p.items = [];
          p.Comma = [];
          this.CONSUME(T.LBracket);
          this.commaList(this.expr, T.RBracket, 'items');
          this.CONSUME(T.RBracket);
          return undefined;
        },
      },
      {
        ALT: () => {
          this.top().record = this.SUBRULE(this.fieldBlock, { LABEL: 'record' });
          return undefined;
        },
      },
      {
        ALT: () => {
          const p = this.top();
          this.CONSUME(T.LParen);
          p.hasInner = true;
          p.inner = this.SUBRULE2(this.expr, { LABEL: 'inner' });
          this.CONSUME(T.RParen);
          return undefined;
        },
      },
    ]));
    return this.builder?.primary(f, this.depth);
  });
}

/** A recognition error that carries the node of the rule it left, for that rule's parent. */
type Partial = IRecognitionException & { partial?: { value: unknown } };

/** One parser, reused: building it (self-analysis) is the expensive part. */
export const parser = new RecParser();
