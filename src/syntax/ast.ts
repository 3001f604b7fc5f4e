// The abstract syntax tree of a `.rec` file, which the parser builds directly (there is no CST).
// Every node carries the span of the text that made it; the checker, the formatter and the
// language server all read this.
import type { Span } from '../diagnostics/span.js';

export interface NodeBase {
  span: Span;
}

export interface Ident extends NodeBase {
  kind: 'Ident';
  name: string;
}

/**
 * A `//` or `/* *\/` comment, kept so the formatter can put it back where it was; also a `///`
 * line that documents nothing (doc comments that do document something are in `doc` fields).
 */
export interface Comment extends NodeBase {
  kind: 'Comment';
  text: string; // the full comment text including its `//` or `/*`
}

export interface SourceFile extends NodeBase {
  kind: 'File';
  items: TopItem[];
  comments: Comment[];
}

export type TopItem = UseDecl | BlockDecl | ModelDecl;

/**
 * `use std.poso` binds the module `poso`; `use "./common.rec" as common` binds `common`.
 * A relative path is resolved against the using file's directory.
 */
export interface UseDecl extends NodeBase {
  kind: 'Use';
  /** `['std', 'poso']` for a dotted path, or a single relative file path string. */
  path: { kind: 'dotted'; parts: Ident[] } | { kind: 'file'; value: string; span: Span };
  alias?: Ident;
}

/** `/// doc` lines before a block or a parameter, joined with newlines, `///` stripped. */
export type Doc = string | undefined;

export interface BlockDecl extends NodeBase {
  kind: 'Block';
  name: Ident;
  params: Param[];
  body: Stmt[];
  doc?: string;
}

export interface Param extends NodeBase {
  kind: 'Param';
  name: Ident;
  type?: TypeExpr;
  default?: Expr;
  doc?: string;
}

/** `tensor`, `int`, `float`, `bool`, `string`, `feature`, `block`, or `[T]` (a list of T). */
export interface TypeExpr extends NodeBase {
  kind: 'Type';
  name: 'tensor' | 'int' | 'float' | 'bool' | 'string' | 'feature' | 'block' | 'any' | 'list';
  elem?: TypeExpr; // when name === 'list'
}

export type Stmt = LetStmt | AssignStmt | ForStmt | IfStmt | ReturnStmt;

export interface LetStmt extends NodeBase {
  kind: 'Let';
  name: Ident;
  value: Expr;
  doc?: string;
}

export interface AssignStmt extends NodeBase {
  kind: 'Assign';
  name: Ident;
  value: Expr;
}

export interface ForStmt extends NodeBase {
  kind: 'For';
  variable: Ident;
  iterable: Expr;
  body: Stmt[];
}

/** `if cond { … } else { … }`: decided at compile time (the condition is a bool constant). */
export interface IfStmt extends NodeBase {
  kind: 'If';
  cond: Expr;
  then: Stmt[];
  /** The `else` body; an `else if` is a single nested IfStmt. */
  else?: Stmt[];
}

export interface ReturnStmt extends NodeBase {
  kind: 'Return';
  value: Expr;
}

export interface ModelDecl extends NodeBase {
  kind: 'Model';
  name: Ident;
  items: ModelItem[];
  doc?: string;
}

export type ModelItem =
  | FeaturesSection
  | PcDecl
  | LetStmt
  | TaskDecl
  | TrainSection
  | SupportDecl
  | MetaBlockDecl
  | StageDecl;

/** `features { name: kind(args) ... }` */
export interface FeaturesSection extends NodeBase {
  kind: 'Features';
  features: FeatureDecl[];
}

export interface FeatureDecl extends NodeBase {
  kind: 'Feature';
  name: Ident;
  value: Expr; // a call such as id(hash: 1000, dim: 16), or a bare name such as `label`
  doc?: string;
}

/** `pc group = avc`: a personalization code. */
export interface PcDecl extends NodeBase {
  kind: 'Pc';
  name: Ident;
  value: Expr;
  doc?: string;
}

/** `task name : binary(label: rating >= 4) { tower: [64] }` */
export interface TaskDecl extends NodeBase {
  kind: 'Task';
  name: Ident;
  head: Expr; // normally a Call: binary(...), regression(...), multiclass(...)
  fields: Field[];
  doc?: string;
}

/** `train { optimizer: adam(lr: 1e-3) batch: 1024 }` */
export interface TrainSection extends NodeBase {
  kind: 'Train';
  fields: Field[];
}

/** `support history by scenario: pairs(user, item, label: clicked, size: 64)` (CMML). */
export interface SupportDecl extends NodeBase {
  kind: 'Support';
  name: Ident;
  key: Ident;
  value: Expr;
  doc?: string;
}

/** `meta_block user_meta by user_id { inner { ... } let ... return ... }` (LiMAML). */
export interface MetaBlockDecl extends NodeBase {
  kind: 'MetaBlock';
  name: Ident;
  key: Ident;
  inner: Field[]; // the `inner { steps: 1, lr: 0.01 }` settings
  body: Stmt[];
  doc?: string;
}

/** `stage pretrain { objective: next_item(items) }` (PeterRec). Fields and nested tasks. */
export interface StageDecl extends NodeBase {
  kind: 'Stage';
  name: Ident;
  fields: Field[];
  tasks: TaskDecl[];
}

/** `name: expr` inside a section or a record literal. */
export interface Field extends NodeBase {
  kind: 'Field';
  name: Ident;
  value: Expr;
}

export type Expr =
  | NumberLit
  | StringLit
  | BoolLit
  | NameExpr
  | ListExpr
  | RecordExpr
  | MemberExpr
  | IndexExpr
  | CallExpr
  | BinaryExpr
  | UnaryExpr
  | ParenExpr;

export interface NumberLit extends NodeBase {
  kind: 'Number';
  value: number;
  raw: string; // as written, with `_` separators
  isInt: boolean; // no `.` and no exponent
}

export interface StringLit extends NodeBase {
  kind: 'String';
  value: string; // unescaped
  raw: string;
}

export interface BoolLit extends NodeBase {
  kind: 'Bool';
  value: boolean;
}

export interface NameExpr extends NodeBase {
  kind: 'Name';
  name: string;
}

export interface ListExpr extends NodeBase {
  kind: 'List';
  items: Expr[];
}

/** `{ embeddings: adagrad(lr: 0.05), dense: adam(lr: 1e-3) }` */
export interface RecordExpr extends NodeBase {
  kind: 'Record';
  fields: Field[];
}

export interface MemberExpr extends NodeBase {
  kind: 'Member';
  object: Expr;
  property: Ident;
}

export interface IndexExpr extends NodeBase {
  kind: 'Index';
  object: Expr;
  index: Expr;
}

export interface CallExpr extends NodeBase {
  kind: 'Call';
  callee: Expr;
  args: Arg[];
}

export interface Arg extends NodeBase {
  kind: 'Arg';
  name?: Ident; // present for `name: value`
  value: Expr;
}

export type BinaryOp =
  | '+' | '-' | '*' | '/' | '@'
  | '==' | '!=' | '<' | '<=' | '>' | '>='
  | 'and' | 'or';

export interface BinaryExpr extends NodeBase {
  kind: 'Binary';
  op: BinaryOp;
  left: Expr;
  right: Expr;
}

export interface UnaryExpr extends NodeBase {
  kind: 'Unary';
  op: '-' | 'not';
  operand: Expr;
}

export interface ParenExpr extends NodeBase {
  kind: 'Paren';
  expr: Expr;
}
