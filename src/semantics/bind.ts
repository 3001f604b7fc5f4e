// Binding the arguments of a call to a signature: positional then named, with the missing,
// unknown, duplicate and wrong-type cases reported once each. Shared by blocks and builtins.
import { diag, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { Span } from '../diagnostics/span.js';
import { didYouMean, fixWith, suggestNames } from '../diagnostics/suggest.js';
import { unset } from './options.js';
import { coerce, showType } from './types.js';
import type { ArgValue, Bound, ParamSig, Signature, Value } from './values.js';

/** Bind and type-check; returns undefined when a required argument is missing. */
export function bindArgs(sig: Signature, args: ArgValue[], callSpan: Span, out: Diagnostic[]): Bound | undefined {
  const values = new Map<string, Value>();
  const spans = new Map<string, Span>();
  const variadic: Bound['variadic'] = [];
  let positional = 0;
  let sawNamed = false;
  let ok = true;
  let confused = false; // a misspelt or misplaced argument: skip "missing" errors it causes
  const put = (p: ParamSig, a: ArgValue) => {
    const r = coerce(a.value, p.type);
    if (!r.ok) {
      out.push(
        diag('REC3001', a.span, `argument \`${p.name}\` of \`${sig.name}\` expects ${showType(p.type)}, found ${r.found}`, {
          hint: p.type.kind === 'tensor' ? 'pass a feature or a tensor-valued expression' : undefined,
        }),
      );
      values.set(p.name, { kind: 'error' });
    } else values.set(p.name, r.value);
    spans.set(p.name, a.span);
  };
  for (const a of args) {
    if (a.name) {
      sawNamed = true;
      const p = sig.params.find((q) => q.name === a.name!.name);
      if (!p) {
        confused = true;
        const alts = suggestNames(a.name.name, unset(sig.params.map((q) => q.name), args).filter((n) => !values.has(n)));
        out.push(
          diag('REC3003', a.name.span, `\`${sig.name}\` has no parameter \`${a.name.name}\``, {
            hint: didYouMean(alts) ?? `its parameters are ${sig.params.map((q) => `\`${q.name}\``).join(', ') || 'none'}`,
            suggestions: fixWith(alts, a.name!.span, 'rename to'),
          }),
        );
        continue;
      }
      if (values.has(p.name)) {
        out.push(diag('REC3004', a.name.span, `argument \`${p.name}\` of \`${sig.name}\` is given twice`, { hint: 'remove one of them' }));
        continue;
      }
      put(p, a);
      continue;
    }
    if (sawNamed) {
      out.push(diag('REC3009', a.span, `positional argument after a named one in the call of \`${sig.name}\``, { hint: 'put positional arguments first, or name this one' }));
      ok = false;
      confused = true;
      continue;
    }
    const positionalParams = sig.params.filter((q) => !q.namedOnly);
    const p = positionalParams[positional];
    if (p) {
      positional++;
      put(p, a);
      continue;
    }
    if (sig.variadic && a.value.kind === 'list') {
      // A list spreads into a variadic call: `stack(experts)` is `stack(e0, e1, …)`.
      for (const item of a.value.items) {
        const r = coerce(item, sig.variadic.type);
        if (!r.ok) {
          out.push(diag('REC3001', a.span, `arguments of \`${sig.name}\` must be ${showType(sig.variadic.type)}, found a list containing ${r.found}`));
          variadic.push({ value: { kind: 'error' }, span: a.span });
        } else variadic.push({ value: r.value, span: a.span });
      }
      continue;
    }
    if (sig.variadic) {
      const r = coerce(a.value, sig.variadic.type);
      if (!r.ok) {
        out.push(diag('REC3001', a.span, `arguments of \`${sig.name}\` must be ${showType(sig.variadic.type)}, found ${r.found}`));
        variadic.push({ value: { kind: 'error' }, span: a.span });
      } else variadic.push({ value: r.value, span: a.span });
      continue;
    }
    out.push(
      diag('REC3005', a.span, `\`${sig.name}\` takes ${sig.params.length} argument${sig.params.length === 1 ? '' : 's'}, this is one too many`, {
        hint: `its parameters are ${sig.params.map((q) => `\`${q.name}\``).join(', ')}`,
      }),
    );
  }
  for (const p of sig.params) {
    // After a misspelt argument name the missing one is almost surely it: one error is enough.
    if (!values.has(p.name) && !p.optional && confused) ok = false;
    else if (!values.has(p.name) && !p.optional) {
      out.push(
        diag('REC3002', callSpan, `missing argument \`${p.name}\` (${showType(p.type)}) in the call of \`${sig.name}\``, {
          hint: `add \`${p.name}: …\``,
        }),
      );
      ok = false;
    }
  }
  return ok ? { values, spans, variadic } : undefined;
}
