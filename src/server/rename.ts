// Rename a symbol in the current file, and a block or a block's parameter also in the specs that
// `use` the file (open, or on disk in the workspace), from its file or from a spec that uses it
// (and, before it, say what the cursor would rename). Refused,
// with an error the editor shows: builtins, names defined in the stdlib, keywords and invalid
// names, a new name that would collide with one already visible where the symbol is defined
// (a rename must not change what a name means) or that meets it outside scopes (a task's and an
// input's, a parameter path's, a group's: clashOutOfScope), one that a selector with a `*` tells
// from the old one, and any rename in a file the parser stopped reading (REC1008, REC1009), whose
// uses after that are not known.
import { basename } from 'node:path';
import { ErrorCodes, ResponseError, type WorkspaceEdit } from 'vscode-languageserver/node.js';
import type { Span } from '../diagnostics/span.js';
import { BUILTIN_GROUPS } from '../ir/types.js';
import { SUPPORT_LABEL, SUPPORT_MASK } from '../ir/support-inputs.js';
import type { Analysis } from '../semantics/analyze.js';
import type { SymbolDef } from '../semantics/resolve.js';
import { isStdFile } from '../semantics/elaborate.js';
import type { Expr, Ident } from '../syntax/ast.js';
import { KEYWORDS } from '../syntax/tokens.js';
import { toRange } from './documents.js';
import { globTelling, occurrences, occurrencesInUsers, readingStopped, sharedKind, symbolAt, type Users } from './queries.js';
import { featureDecls, globalNames, itemAt, namesInScope } from './scope-at.js';

/**
 * A block or a module is seen in every item of the file: its new name must not be a builtin's or
 * a prelude block's (their uses would then read it), nor one that shadows it where it is used.
 */
const isGlobal = (def: SymbolDef) => def.kind === 'block' || def.kind === 'module';

const refuse = (message: string) => new ResponseError<void>(ErrorCodes.InvalidParams, message);

/**
 * The symbol at `offset` when it may be renamed, and where its name is written here; else why
 * not. `elsewhere`: one defined in another file (a used file's block) may be, from there.
 */
function renamable(a: Analysis, offset: number, elsewhere = false): { def: SymbolDef & { span: Span }; at: Span } | ResponseError<void> {
  const hit = symbolAt(a, offset);
  if (!hit) return refuse('nothing to rename here');
  const { def } = hit;
  if (def.kind === 'builtin' || !def.span) return refuse(`\`${def.name}\` is a builtin and cannot be renamed`);
  if (isStdFile(def.span.file)) return refuse(`\`${def.name}\` is defined in the stdlib and cannot be renamed`);
  if (def.span.file !== a.file && !(elsewhere && sharedKind(def))) return refuse(`\`${def.name}\` is defined in another file; rename it there`);
  return { def: def as SymbolDef & { span: Span }, at: hit.at };
}

/** Where the block or parameter at `offset` is defined, when that is another file (not the stdlib's): a rename is made there. */
export function definedElsewhere(a: Analysis, offset: number): { path: string; offset: number } | undefined {
  const r = renamable(a, offset, true);
  return r instanceof ResponseError || r.def.span.file === a.file ? undefined : { path: r.def.span.file, offset: r.def.span.start.offset };
}

/**
 * Before a rename (LSP prepareRename): the name under the cursor and its range, for the editor to
 * offer; or why it cannot be renamed, shown at once instead of after the new name is typed.
 */
export function prepareRename(a: Analysis, offset: number): { range: ReturnType<typeof toRange>; placeholder: string } | ResponseError<void> {
  const r = renamable(a, offset, true);
  return r instanceof ResponseError ? r : { range: toRange(r.at), placeholder: r.def.name };
}

/**
 * `uri`: the document's, which the edits are for. `users`: the specs that use this file (their
 * URIs and analyses: Workspace.usersOf), where a block's calls (`lib.old(…)`) and a parameter's
 * named arguments (`old: 3`) are renamed too.
 */
export function rename(a: Analysis, offset: number, newName: string, uri: string, users: Users = () => []): WorkspaceEdit | ResponseError<void> {
  const r = renamable(a, offset);
  if (r instanceof ResponseError) return r;
  const { def } = r;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(newName) || KEYWORDS.includes(newName)) return refuse(`\`${newName}\` is not a valid name`);
  if (newName === def.name) return { changes: {} };
  const inUsers = sharedKind(def) ? users() : [];
  for (const b of [a, ...inUsers.map((u) => u.a)]) {
    const stopped = readingStopped(b);
    if (stopped) return refuse(`\`${basename(b.file)}\` is not read past line ${stopped.span.start.line} (${stopped.code}): the uses after it would keep the old name; fix that error first`);
  }
  const home = itemAt(a, def.span.start.offset);
  const clash =
    namesInScope(a, def.span.end.offset + 1).some((d) => d.name === newName) ||
    a.symbols.defs.some((d) => d.name === newName && d.kind !== 'task' && d.span?.file === a.file && (d.kind === 'block' || d.kind === 'module' || d.kind === 'model' || itemAt(a, d.span.start.offset) === home)) ||
    (isGlobal(def) && (globalNames(a).some((d) => d.name === newName) || occurrences(a, def).some((s) => namesInScope(a, s.start.offset).some((d) => d.name === newName))));
  if (clash && def.kind !== 'task') return refuse(`\`${newName}\` is already defined here; pick another name`);
  if (def.kind === 'task' && a.symbols.defs.some((d) => d.kind === 'task' && d.name === newName)) return refuse(`a task \`${newName}\` already exists`);
  const outside = clashOutOfScope(a, def, newName);
  if (outside) return refuse(outside);
  for (const k of pathNames(a, def)) {
    const glob = globTelling(a, def.name + k, newName + k);
    if (glob) return refuse(`the selector \`"${glob}"\` matches only one of \`${def.name}${k}\` and \`${newName}${k}\`: the rename would change the parameters it selects; pick another name`);
  }
  const unaliased = def.kind === 'module' ? unaliasedUse(a, def.span) : undefined;
  const edits = occurrences(a, def)
    .filter((s) => s.file === a.file)
    .map((s) =>
      // `use std.poso` names the module by its path, which must stay: it gets an alias instead
      s === def.span && unaliased ? { range: toRange({ ...unaliased.span, start: unaliased.span.end }), newText: ` as ${newName}` } : { range: toRange(s), newText: newName },
    );
  // A feature reads the data column of its name unless it names another: that column must stay.
  const column = def.kind === 'feature' ? columnKept(a, def.span, def.name) : undefined;
  if (column) edits.push(column);
  const changes: Record<string, typeof edits> = { [uri]: edits };
  // a block (called `module.block(…)` elsewhere) and its parameters are the file's interface
  for (const u of occurrencesInUsers(def, () => inUsers)) changes[u.uri] = u.spans.map((s) => ({ range: toRange(s), newText: newName }));
  return { changes };
}

/** A feature declared as a label (`clicked: label`, `label(column: …)`): not an input of the serving graph. */
function isLabel(v: Expr): boolean {
  const kind = v.kind === 'Call' ? v.callee : v;
  return kind.kind === 'Name' && kind.name === 'label';
}

/**
 * Why `def` may not be named `newName` where scopes do not tell: names that meet elsewhere. The
 * serving graph names its inputs after the input features, its outputs after the tasks, and a
 * support set's inputs `<set>.label` and `<set>.mask`; parameters are named after the model's
 * `let`s, its meta block and its tasks (`trunk.dense0.kernel`), and a selector that is a group's
 * name (`freeze: [towers]`) selects the group, not the parameters of a `let` of that name.
 */
function clashOutOfScope(a: Analysis, def: SymbolDef & { span: Span }, newName: string): string | undefined {
  const model = a.ast.items.find((i) => i.kind === 'Model');
  const items = model?.items ?? [];
  const isDef = (id: Ident) => id.span.start.offset === def.span.start.offset;
  const inputs = featureDecls(a).filter((f) => !isLabel(f.value));
  const tasks = items.flatMap((m) => (m.kind === 'Task' ? [m.name] : m.kind === 'Stage' ? m.tasks.map((t) => t.name) : []));
  const owners = [...tasks, ...items.flatMap((m) => (m.kind === 'Let' || m.kind === 'MetaBlock' ? [m.name] : []))];
  const serving = 'the serving graph names its inputs after features and its outputs after tasks; pick another name';
  if (tasks.some(isDef) && inputs.some((f) => f.name.name === newName)) return `\`${newName}\` is an input feature: ${serving}`;
  if (inputs.some((f) => isDef(f.name))) {
    if (tasks.some((t) => t.name === newName)) return `\`${newName}\` is a task: ${serving}`;
    if ((newName === SUPPORT_LABEL || newName === SUPPORT_MASK) && items.some((m) => m.kind === 'Support')) return `a support set names its inputs \`<set>.${SUPPORT_LABEL}\` and \`<set>.${SUPPORT_MASK}\`: a feature cannot be named \`${newName}\`; pick another name`;
  }
  if (!owners.some(isDef)) return undefined;
  if (owners.some((o) => o.name === newName)) return `\`${newName}\` already names parameters (\`${newName}.…\`): the model's \`let\`s, meta block and tasks name theirs alike; pick another name`;
  // the groups: builtin, declared by parameters (`param(…, group: "g")`, a meta block's), and the spec's own
  const groups = new Set<string>([...BUILTIN_GROUPS, ...Object.keys(a.partialGraph?.groups ?? {})]);
  for (const f of items.flatMap((m) => (m.kind === 'Train' ? m.fields : []))) if (f.name.name === 'groups' && f.value.kind === 'Record') for (const g of f.value.fields) groups.add(g.name.name);
  if (groups.has(newName)) return `\`${newName}\` is a parameter group: a selector \`${newName}\` would select the group; pick another name`;
  return undefined;
}

/**
 * What follows `def`'s name where it is a segment of parameters' paths: nothing for a `let`, a
 * task, a feature (`trunk.dense0.kernel`, `features.item.table`), the call's number for a block
 * (`trunk.widen0.dense0.kernel`), read from the model's parameters.
 */
function pathNames(a: Analysis, def: SymbolDef): string[] {
  if (def.kind !== 'block') return [''];
  const calls = new Set<string>();
  for (const p of a.partialGraph?.params ?? []) for (const s of p.name.split('.')) if (s.startsWith(def.name) && /^\d+$/.test(s.slice(def.name.length))) calls.add(s.slice(def.name.length));
  return [...calls];
}

/** The edit that gives the feature declared at `span` its column by name (`column: "old"`), when it has none. */
function columnKept(a: Analysis, span: Span, name: string): { range: ReturnType<typeof toRange>; newText: string } | undefined {
  const decl = featureDecls(a).find((d) => d.name.span.start.offset === span.start.offset);
  if (!decl) return undefined;
  const v = decl.value;
  const text = `column: ${JSON.stringify(name)}`;
  const at = (offset: number, newText: string) => {
    const p = v.span.end.offset === offset ? v.span.end : { ...v.span.end, offset, column: v.span.end.column - (v.span.end.offset - offset) };
    return { range: toRange({ file: v.span.file, start: p, end: p }), newText };
  };
  // `clicked: label`: a bare kind gets its argument list
  if (v.kind === 'Name') return at(v.span.end.offset, `(${text})`);
  if (v.kind !== 'Call' || (v.args ?? []).some((x) => x.name?.name === 'column')) return undefined;
  // before the call's `)`; after a comma when it has arguments (a trailing comma is kept)
  const close = v.span.end.offset - 1;
  const args = v.args ?? [];
  const last = args[args.length - 1];
  if (!last) return at(close, text);
  return { range: toRange({ file: v.span.file, start: last.span.end, end: last.span.end }), newText: `, ${text}` };
}

/** The `use` without `as` whose path ends with the module name at `span` (its last segment, or its file), with its path's span. */
function unaliasedUse(a: Analysis, span: Span): { span: Span } | undefined {
  for (const item of a.ast.items) {
    if (item.kind !== 'Use' || item.alias) continue;
    const path = item.path.kind === 'dotted' ? item.path.parts : [item.path];
    const last = path[path.length - 1]!;
    if (last.span.file === span.file && last.span.start.offset === span.start.offset) return { span: { ...path[0]!.span, end: last.span.end } };
  }
  return undefined;
}
