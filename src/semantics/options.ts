// The options of a call that reads its arguments as data (a task's `binary(clicked, loss: bce)`,
// a train setting's `by_key(user_id, test: 0.25)`): each positional argument stands for the
// option of its place, a named one for itself. An unknown option, a positional argument past
// the places and an option given twice are reported here, and left out.
import { didYouMean, fixWith, suggestNames } from '../diagnostics/suggest.js';
import type { Arg, Expr, Field } from '../syntax/ast.js';
import type { Elaborator, Frame } from './elaborate.js';

/**
 * The options `args` give `name`, by option. `positional` names what its positional arguments
 * stand for, in order; `options` are the names it takes; `hint` replaces the list of options
 * after an unknown one.
 */
export function callOptions(name: string, args: readonly Arg[], positional: readonly string[], options: readonly string[], el: Elaborator, f: Frame, hint?: string): Map<string, Expr> {
  const out = new Map<string, Expr>();
  args.filter((a) => !a.name).forEach((a, i) => {
    if (i < positional.length) {
      out.set(positional[i]!, a.value);
      return;
    }
    const takes = positional.length === 0 ? 'no positional argument' : `${positional.length} positional argument${positional.length === 1 ? '' : 's'} (${positional.join(', ')})`;
    const named = options.filter((o) => !positional.includes(o));
    const shown = named.slice(0, 4).map((o) => `\`${o}: …\``).join(', ') + (named.length > 4 ? ', …' : '');
    el.report('REC3005', a.value.span, `\`${name}\` takes ${takes}`, f, { hint: named.length > 0 ? `name the option it gives (${shown})` : 'remove it' });
  });
  const byPosition = new Set(out.keys());
  const free = unset(options, args).filter((o) => !byPosition.has(o));
  for (const a of args) {
    if (!a.name) continue;
    const key = a.name.name;
    if (!options.includes(key)) {
      const alts = suggestNames(key, free);
      el.report('REC3003', a.name.span, `\`${name}\` has no option \`${key}\``, f, {
        hint: didYouMean(alts) ?? hint ?? `its options are ${options.join(', ') || 'none'}`,
        suggestions: fixWith(alts, a.name.span, 'rename to'),
      });
      continue;
    }
    if (out.has(key)) {
      const message = byPosition.has(key) ? `\`${name}\` is given \`${key}\` twice: by position and by name` : `option \`${key}\` of \`${name}\` is given twice`;
      el.report('REC3004', a.name.span, message, f, { hint: 'remove one of them' });
      continue;
    }
    out.set(key, a.value);
  }
  return out;
}

/**
 * The fields of a record read as settings (a task's `{ from: …, tower: … }`), each name's first:
 * one setting a name again is reported (REC2002) as set twice in `where`, and left out.
 */
export function onceEach(fields: readonly Field[], where: string, el: Elaborator, f: Frame): Field[] {
  const out: Field[] = [];
  for (const fl of fields) {
    if (out.some((g) => g.name.name === fl.name.name)) el.report('REC2002', fl.name.span, `\`${fl.name.name}\` is set twice in ${where}`, f, { hint: 'remove one of them' });
    else out.push(fl);
  }
  return out;
}

/**
 * The names of `known` that no field or argument of `given` names: what a "did you mean" may offer
 * for another (offering one given already would make it given twice).
 */
export function unset(known: readonly string[], given: ReadonlyArray<{ name?: { name: string } }>): string[] {
  return known.filter((n) => !given.some((g) => g.name?.name === n));
}
