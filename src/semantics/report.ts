// Reporting for the elaborator: a diagnostic goes at the innermost user-written span of the call
// chain; the user's calls that reached it and the stdlib spans that led on from it become related
// notes, and each is reported once.
import { diag, type Diagnostic, type Related } from '../diagnostics/diagnostic.js';
import { CODES, type DiagnosticCode } from '../diagnostics/codes.js';
import type { Span } from '../diagnostics/span.js';
import type { Site } from '../ir/builder.js';
import { STDLIB_DIR } from './modules.js';

/** The call chain and instance path of the place being evaluated (see evaluate.ts Frame). */
export interface Where {
  /** Instance path that prefixes parameter names, e.g. `trunk.gate0`. */
  path: string;
  /** Call sites from the model down to this frame. */
  trace: Span[];
}

export const reportKey = (code: string, where: Span, message: string) => `${code}:${where.file}:${where.start.offset}:${where.end.offset}:${message}`;

export function isStdFile(file: string): boolean {
  return file.startsWith(STDLIB_DIR);
}

export class Reporting {
  readonly diagnostics: Diagnostic[] = [];
  protected readonly reported = new Set<string>();
  /** Calls to report(), made or deduplicated: a block call that made none can be memoised. */
  protected reports = 0;

  /** Report at the innermost user-written span; stdlib spans become related notes. */
  report(code: DiagnosticCode, span: Span, message: string, f: Where | undefined, extra: { hint?: string; related?: Related[]; suggestions?: Diagnostic['suggestions'] } = {}): void {
    this.reports++;
    const chain = [...(f?.trace ?? []), span];
    let at = chain.length - 1;
    while (at > 0 && isStdFile(chain[at]!.file)) at--;
    const where = chain[at]!;
    const related: Related[] = [...(extra.related ?? [])];
    // inside a block the user wrote (in the spec or a module of theirs): the calls that reached it,
    // nearest first, say which call of a block called twice is at fault (found by a probe)
    for (let i = at - 1; i >= 0; i--) if (!isStdFile(chain[i]!.file)) related.push({ span: chain[i]!, message: 'reached from this call' });
    for (let i = at + 1; i < chain.length; i++) {
      related.push({ span: chain[i]!, message: i === chain.length - 1 ? 'the error is here in the stdlib' : 'called from here' });
    }
    // Errors inside a stdlib call all land on the call: the first is the one to fix (the others,
    // like a zero-width layer after `experts: 0`, follow from the same arguments).
    const inside = where !== span && CODES[code].severity === 'error';
    const key = inside ? reportKey('error inside', where, '') : reportKey(code, where, message);
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.diagnostics.push(diag(code, where, message, { hint: extra.hint, related, suggestions: where === span ? extra.suggestions : [] }));
  }

  site(span: Span, f: Where): Site {
    const chain = [...f.trace, span];
    let at = chain.length - 1;
    while (at > 0 && isStdFile(chain[at]!.file)) at--;
    return { span: chain[at]!, trace: chain, scope: f.path };
  }

  /** Diagnostics from helpers (argument binding) go through report() to get user spans. */
  protected sink(f: Where): Diagnostic[] {
    const self = this;
    const arr: Diagnostic[] = [];
    arr.push = (...ds: Diagnostic[]) => {
      for (const d of ds) self.report(d.code, d.span, d.message, f, { hint: d.hint, related: d.related, suggestions: d.suggestions });
      return 0;
    };
    return arr;
  }

}
