// Signature help: inside the parentheses of a call, the callee's parameters with the one the
// cursor's argument fills marked: a block's (type, default and doc, from its declaration), a
// builtin's, or a feature kind's options in `features { }`. The call is found in the text (masked
// of strings and comments), so it works while the argument is half typed and does not parse.
import type { ParameterInformation, SignatureHelp, SignatureInformation } from 'vscode-languageserver/node.js';
import type { Analysis } from '../semantics/analyze.js';
import { builtins } from '../semantics/builtins/index.js';
import type { Module } from '../semantics/modules.js';
import { showType, typeExprText } from '../semantics/types.js';
import type { BlockDecl } from '../syntax/ast.js';
import { callAt, mask, sectionAt, type CallContext } from './cursor-context.js';
import { FEATURE_OPTIONS } from './feature-options.js';
import { calledBlock } from './queries.js';
import { namesInScope } from './scope-at.js';

/** A parameter as shown: its text in the label, its doc, and whether it is given only by name. */
interface Shown {
  name: string;
  text: string;
  doc?: string;
  namedOnly?: boolean;
  /** Takes every positional argument after the parameters before it (a variadic builtin's inputs). */
  variadic?: boolean;
}

/** A callee's signature as shown: its label (`name(p: type, …)`), its parameters in the label's order and its doc. */
interface Sig {
  label: string;
  params: Shown[];
  doc?: string;
}

/** The signature at `offset` of `text`; `treeOffset`: where that is in the text `a` analysed (complete()). */
export function signatureHelp(a: Analysis, text: string, offset: number, treeOffset = offset): SignatureHelp | null {
  const m = mask(text);
  const call = callAt(m, offset);
  if (!call) return null;
  const shown = sectionAt(m, offset) === 'features' ? featureKind(call.callee) : (blockSignature(a, call.callee, treeOffset) ?? builtinSignature(call.callee));
  if (!shown) return null;
  const { label, params, doc } = shown;
  // Each parameter's place in the label, as [start, end) offsets (the client highlights it).
  const parameters: ParameterInformation[] = [];
  let at = label.indexOf('(') + 1;
  for (const p of params) {
    parameters.push({ label: [at, at + p.text.length], ...(p.doc ? { documentation: p.doc } : {}) });
    at += p.text.length + 2;
  }
  const signature: SignatureInformation = { label, parameters, ...(doc ? { documentation: doc } : {}) };
  const active = activeParameter(params, call);
  return { signatures: [signature], activeSignature: 0, ...(active !== undefined ? { activeParameter: active } : {}) };
}

/** The parameter the cursor's argument fills: the one it names, else the next one by position. */
function activeParameter(params: Shown[], call: CallContext): number | undefined {
  if (call.cursorName !== undefined) {
    const i = params.findIndex((p) => p.name === call.cursorName);
    return i < 0 ? undefined : i;
  }
  // Positional arguments fill the parameters in order; those given by name are skipped.
  let k = 0;
  for (let i = 0; i < params.length; i++) {
    const p = params[i]!;
    if (p.namedOnly || call.named.has(p.name)) continue;
    if (p.variadic || k++ === call.positional) return i;
  }
  return undefined;
}

function blockSignature(a: Analysis, callee: string, offset: number): Sig | undefined {
  const target = calledBlock(a, callee, namesInScope(a, offset));
  if (!target) return undefined;
  const { block, owner } = target;
  const params = (block.params ?? []).filter((p) => p.name?.name).map((p) => ({ name: p.name.name, text: `${p.name.name}: ${typeExprText(p.type)}${defaultText(p, owner)}`, ...(p.doc ? { doc: p.doc } : {}) }));
  return { label: `${callee}(${params.map((p) => p.text).join(', ')})`, params, ...(block.doc ? { doc: block.doc } : {}) };
}

const defaultText = (p: BlockDecl['params'][number], owner: Module | undefined) => (p.default && owner ? ` = ${owner.text.slice(p.default.span.start.offset, p.default.span.end.offset)}` : '');

function builtinSignature(callee: string): Sig | undefined {
  const b = builtins().get(callee);
  if (!b) return undefined;
  const { sig } = b;
  const params: Shown[] = sig.params.map((p) => ({ name: p.name, text: `${p.name}: ${showType(p.type)}${p.optional ? '?' : ''}`, ...(p.namedOnly ? { namedOnly: true } : {}) }));
  // In the order arguments are written (semantics/bind.ts): by position, the extra ones a
  // variadic builtin collects (`concat(a, b, axis: 1)`), then those given only by name.
  const variadic: Shown[] = sig.variadic ? [{ name: sig.variadic.name, text: `…${sig.variadic.name}: ${showType(sig.variadic.type)}`, variadic: true }] : [];
  const shown = [...params.filter((p) => !p.namedOnly), ...variadic, ...params.filter((p) => p.namedOnly)];
  return { label: `${callee}(${shown.map((p) => p.text).join(', ')})`, params: shown, doc: b.doc };
}

function featureKind(callee: string): Sig | undefined {
  if (!Object.hasOwn(FEATURE_OPTIONS, callee)) return undefined;
  const params = FEATURE_OPTIONS[callee as keyof typeof FEATURE_OPTIONS].map((o) => ({ name: o.name, text: o.name, doc: o.doc, namedOnly: true }));
  return { label: `${callee}(${params.map((p) => p.text).join(', ')})`, params };
}
