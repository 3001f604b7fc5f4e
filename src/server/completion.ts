// Completion by context: stdlib modules after `use`, a module's blocks after `poso.`, a block's
// parameters (type, default, doc) inside its call, feature kinds and their options in
// `features {}`, settings in `train {}`, task kinds after `task t :`, the keywords that may start
// a line where the cursor is, and otherwise the names in scope.
import { CompletionItemKind, type CompletionItem } from 'vscode-languageserver/node.js';
import type { Analysis } from '../semantics/analyze.js';
import type { DataColumns } from '../semantics/data-columns.js';
import { latestVersion, SYNTH_NAMES, SYNTH_SETTINGS } from '../data/synth/settings.js';
import { builtins } from '../semantics/builtins/index.js';
import { FEATURE_KINDS } from '../semantics/features.js';
import { stdModuleNames, type Module } from '../semantics/modules.js';
import type { SymbolDef } from '../semantics/resolve.js';
import { INNER, ORDERS, STEPS } from '../semantics/meta-block.js';
import { STAGE_SECTION_FIELDS, TRAIN_SECTION_FIELDS } from '../semantics/model.js';
import { TASK_FIELDS, TASK_KINDS } from '../semantics/tasks.js';
import { SETTING_CALLS } from '../semantics/train-section.js';
import type { BlockDecl } from '../syntax/ast.js';
import { typeExprText } from '../semantics/types.js';
import { MODEL_ITEM_WORDS, TOP_LEVEL_WORDS } from '../syntax/tokens.js';
import { callAt, lineBefore, mask, sectionAt, type CallContext, type Section } from './cursor-context.js';
import { FEATURE_OPTIONS } from './feature-options.js';
import { calledBlock } from './queries.js';
import { featureDecls, namesInScope } from './scope-at.js';

// What may start a line in each section. `pc` is a contextual word, not a reserved keyword.
const LINE_KEYWORDS: Record<Section, string[]> = {
  top: TOP_LEVEL_WORDS,
  model: MODEL_ITEM_WORDS,
  block: ['let', 'for', 'if', 'else', 'return'],
  meta: ['inner', 'let', 'for', 'if', 'return'],
  stage: ['task'],
  features: [],
  train: [],
  inner: [],
  task: [],
  record: [],
};
const EXPR_KEYWORDS = ['true', 'false', 'not', 'and', 'or'];

/** The field names of the sections made of `name: value` fields (the checker's own lists). */
const FIELDS: Partial<Record<Section, readonly string[]>> = { train: TRAIN_SECTION_FIELDS, stage: STAGE_SECTION_FIELDS, task: TASK_FIELDS, inner: INNER };
/** The fields whose value is one of a few names, by section (the checker's own lists). */
const NAMED_VALUES: Partial<Record<Section, Record<string, readonly string[]>>> = { stage: { step: STEPS }, inner: { order: ORDERS } };

function paramItems(b: BlockDecl, owner: Module | undefined, call: CallContext): CompletionItem[] {
  return (b.params ?? [])
    .map((p, i) => ({ p, i }))
    .filter(({ p, i }) => p.name?.name && !call.named.has(p.name.name) && i >= call.positional)
    .map(({ p, i }) => {
      const dflt = p.default && owner ? owner.text.slice(p.default.span.start.offset, p.default.span.end.offset) : undefined;
      return {
        label: `${p.name.name}:`,
        kind: CompletionItemKind.Property,
        detail: `${typeExprText(p.type)}${dflt !== undefined ? ` = ${dflt}` : ''}`,
        ...(p.doc ? { documentation: p.doc } : {}),
        insertText: `${p.name.name}: `,
        // Declaration order, required parameters first.
        sortText: `0${p.default ? 1 : 0}${String(i).padStart(3, '0')}`,
      };
    });
}

function scopeItems(defs: SymbolDef[], sortPrefix = '1'): CompletionItem[] {
  return defs.map((d) => ({
    label: d.name,
    kind: d.kind === 'block' || d.kind === 'builtin' ? CompletionItemKind.Function : d.kind === 'module' ? CompletionItemKind.Module : d.kind === 'feature' ? CompletionItemKind.Field : CompletionItemKind.Variable,
    ...(d.detail ? { detail: d.detail } : { detail: d.kind }),
    ...(d.doc ? { documentation: d.doc } : {}),
    // Local names before blocks, blocks before builtins.
    sortText: `${sortPrefix}${d.kind === 'builtin' ? 2 : d.kind === 'block' || d.kind === 'module' ? 1 : 0}${d.name}`,
  }));
}

const keywordItems = (words: string[]): CompletionItem[] => words.map((k) => ({ label: k, kind: CompletionItemKind.Keyword, sortText: `2${k}` }));

/** The data's columns as completion items (`detail`: where they come from). */
const columnItems = (data: DataColumns | undefined, except: ReadonlySet<string> = new Set()): CompletionItem[] =>
  (data?.columns ?? []).filter((c) => !except.has(c)).map((c) => ({ label: c, kind: CompletionItemKind.Field, detail: `column of ${data!.name}`, sortText: `0${c}` }));

/**
 * The completion at `offset` of `text`. `data`: the columns of the spec's data as its last
 * elaboration knew them (its header, or a synthetic setting's), offered where a column is named.
 * `treeOffset`: where `offset` is in the text `a` analysed, when `a` is of an older version (the
 * edit not yet analysed): the names in scope are read there.
 */
export function complete(a: Analysis, text: string, offset: number, data?: DataColumns, treeOffset = offset): CompletionItem[] {
  const before = lineBefore(text, offset);
  const m = mask(text);
  const section = sectionAt(m, offset);

  if (section === 'top' && /^\s*use\s+(std\.)?\w*$/.test(before)) {
    const qualified = before.includes('std.');
    return stdModuleNames().map((n) => ({ label: `std.${n}`, kind: CompletionItemKind.Module, insertText: qualified ? n : `std.${n}`, filterText: qualified ? n : `std.${n}` }));
  }
  const member = /([A-Za-z_]\w*)\s*\.\s*\w*$/.exec(lineBefore(m, offset));
  if (member) {
    const mod = a.modules[0]?.imports.get(member[1]!)?.module;
    if (!mod) return [];
    return [...mod.blocks.values()].map((b) => ({ label: b.name.name, kind: CompletionItemKind.Function, detail: `block ${member[1]}.${b.name.name}`, ...(b.doc ? { documentation: b.doc } : {}) }));
  }

  const scope = () => namesInScope(a, treeOffset);
  const call = callAt(m, offset);
  if (call?.atName) {
    if (section === 'features' && call.callee in FEATURE_OPTIONS) {
      const options = FEATURE_OPTIONS[call.callee as keyof typeof FEATURE_OPTIONS]
        .filter((o) => !call.named.has(o.name))
        .map((o) => ({ label: `${o.name}:`, kind: CompletionItemKind.Property, documentation: o.doc, insertText: `${o.name}: ` }));
      // `seq(…)` first reads its ids: an `id` feature declared before it (sharing its table), or `id(…)`
      if (call.callee === 'seq' && call.positional === 0) return [...sharedTables(a, treeOffset), { label: 'id', kind: CompletionItemKind.Constructor }, ...options];
      return options;
    }
    // The options of a call the checker reads, not evaluates; its first argument may also be a
    // value given by position (a column, a label, next_item's sequence).
    const options = (names: readonly string[]) => {
      const items = names.filter((o) => !call.named.has(o)).map((o) => ({ label: `${o}:`, kind: CompletionItemKind.Property, insertText: `${o}: ` }));
      // a split's first argument is a column (`by_key(user_id, …)`)
      const first = call.callee === 'by_key' || call.callee === 'chronological' ? columnItems(data) : [];
      return call.positional === 0 && call.named.size === 0 ? [...first, ...items, ...scopeItems(scope())] : items;
    };
    // `optimizer: adam(`, `metrics: [gauc(`
    const settingCall = (section === 'train' || section === 'stage') && Object.values(SETTING_CALLS).find((calls) => Object.hasOwn(calls, call.callee));
    // `data: synth(`: the settings' names first
    if (settingCall && call.callee === 'synth' && call.positional === 0 && call.named.size === 0) {
      return [...SYNTH_NAMES.map((n) => ({ label: n, kind: CompletionItemKind.EnumMember, detail: `columns: ${SYNTH_SETTINGS[n]![latestVersion(n)]!.join(', ')}` })), ...options(settingCall.synth!).filter((i) => i.kind === CompletionItemKind.Property)];
    }
    if (settingCall) return options(settingCall[call.callee]!);
    // `task t : binary(`: `label:`, `loss:`, `classes:`
    if (call.callee in TASK_KINDS && /\btask\s+\w+\s*:\s*\w+\s*\([^(){}]*$/.test(lineBefore(m, offset))) return options(TASK_KINDS[call.callee as keyof typeof TASK_KINDS].options);
    const names = scope();
    const target = calledBlock(a, call.callee, names);
    if (target) return [...paramItems(target.block, target.owner, call), ...scopeItems(names), ...keywordItems(EXPR_KEYWORDS)];
    const builtin = builtins().get(call.callee);
    if (builtin) {
      const params = builtin.sig.params
        .filter((p, i) => !call.named.has(p.name) && (i >= call.positional || builtin.sig.variadic !== undefined))
        .map((p, i) => ({ label: `${p.name}:`, kind: CompletionItemKind.Property, detail: p.optional ? 'optional' : 'required', insertText: `${p.name}: `, sortText: `0${p.optional ? 1 : 0}${String(i).padStart(3, '0')}` }));
      return [...params, ...scopeItems(names), ...keywordItems(EXPR_KEYWORDS)];
    }
  }
  if (section === 'features') {
    if (/^\s*\w+\s*:\s*\w*$/.test(before)) return FEATURE_KINDS.map((k) => ({ label: k, kind: CompletionItemKind.Constructor }));
    // a new feature: the data's columns not declared yet, each reading its own column
    if (/^\s*\w*$/.test(before)) return columnItems(data, new Set(featureDecls(a).map((f) => f.name.name))).map((i) => ({ ...i, insertText: `${i.label}: ` }));
  }
  // a key column: `group_by: …`, `gauc(by: …)`
  if ((section === 'train' || section === 'stage') && /\b(group_by|by)\s*:\s*\w*$/.test(lineBefore(m, offset))) return columnItems(data);
  // The value of a setting that is a call: `optimizer: ad`, `metrics: [auc, ga`
  if (section === 'train' || section === 'stage') {
    const setting = /\b(\w+)\s*:\s*(?:\[(?:[^[\]]*,)?\s*)?\w*$/.exec(lineBefore(m, offset))?.[1];
    if (setting && Object.hasOwn(SETTING_CALLS, setting)) return Object.keys(SETTING_CALLS[setting as keyof typeof SETTING_CALLS]).map((n) => ({ label: n, kind: CompletionItemKind.Function }));
  }
  // The value of a field that takes a name: `step: su`, `order: `
  const named = NAMED_VALUES[section];
  const field = named && /\b(\w+)\s*:\s*\w*$/.exec(lineBefore(m, offset))?.[1];
  if (field && Object.hasOwn(named, field)) return named[field]!.map((v) => ({ label: v, kind: CompletionItemKind.EnumMember }));
  // A field's name: at the start of a line, or after `{` or `,` (`{ from: x, tower: [8] }`), but
  // not inside a value's brackets (`freeze: [tables, |`).
  const fields = FIELDS[section];
  if (fields && /(^|[{,])\s*\w*$/.test(before) && !insideBrackets(lineBefore(m, offset))) {
    const items = fields.map((f) => ({ label: f, kind: CompletionItemKind.Property, insertText: `${f}: ` }));
    return /^\s*\w*$/.test(before) ? [...items, ...keywordItems(LINE_KEYWORDS[section])] : items;
  }
  if (section === 'model' && /^\s*task\s+\w+\s*:\s*\w*$/.test(before)) {
    return Object.keys(TASK_KINDS).map((k) => ({ label: k, kind: CompletionItemKind.Constructor }));
  }
  if (/^\s*\w*$/.test(before)) {
    // The start of a line: what may begin a statement here (and, in a block, an assignment).
    const words = keywordItems(LINE_KEYWORDS[section]);
    if (section === 'block' || section === 'meta') return [...words, ...scopeItems(scope().filter((d) => d.kind === 'let' || d.kind === 'loop'))];
    if (section !== 'record' && section !== 'task' && section !== 'inner') return words;
  }
  return [...scopeItems(scope()), ...keywordItems(EXPR_KEYWORDS)];
}

/** The `id` features declared before `offset`, whose table a sequence may share (`seq(movie_id, …)`). */
function sharedTables(a: Analysis, offset: number): CompletionItem[] {
  return featureDecls(a)
    .filter((fd) => fd.span.end.offset < offset && fd.value.kind === 'Call' && fd.value.callee.kind === 'Name' && fd.value.callee.name === 'id')
    .map((fd) => ({ label: fd.name.name, kind: CompletionItemKind.Field, detail: `feature ${fd.name.name}` }));
}

/** Whether a line (masked) ends inside `(…)` or `[…]` opened after its last `{`. */
function insideBrackets(line: string): boolean {
  let depth = 0;
  for (const c of line.slice(line.lastIndexOf('{') + 1)) {
    if (c === '(' || c === '[') depth++;
    else if ((c === ')' || c === ']') && depth > 0) depth--;
  }
  return depth > 0;
}
