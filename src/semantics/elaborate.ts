// The elaborator evaluates a model symbolically: expressions become IR nodes (tensors) or
// compile-time values (numbers, lists), block calls are expanded in place with their parameters
// named by the call path, and every shape is inferred by the op that makes it. Type, argument
// and shape errors are collected and reported at the user's text with the stdlib lines that
// led there as related information. The parts: report.ts (reporting), evaluate.ts (expressions
// and statements), calls.ts (builtins and blocks); this file adds resuming from the elaboration
// of a model's previous version (the language server).
import type { GraphBuilder } from '../ir/builder.js';
import type { BlockDecl, LetStmt, ModelDecl, ModelItem } from '../syntax/ast.js';
import { Caller } from './calls.js';
import { freeNames, keep, Read, relocate, sameRead, type LetRecord } from './let-records.js';
import type { ModuleLoader } from './modules.js';
import { reportKey } from './report.js';
import type { Scope } from './scope.js';
import type { Value } from './values.js';

export type { Frame } from './evaluate.js';
export { isStdFile } from './report.js';

/** Whether any of `entered` is in `stale` (an edit has few stale blocks: those are looked up). */
function enteredAny(entered: Set<BlockDecl>, stale: readonly BlockDecl[]): boolean {
  for (let i = 0; i < stale.length; i++) if (entered.has(stale[i]!)) return true;
  return false;
}

export class Elaborator extends Caller {
  /** What each model-level `let` did, for the next analysis of the same file (resume(), keep()). */
  private readonly lets = new Map<LetStmt, LetRecord[]>();
  /**
   * The previous elaboration of this model (an edit keeps the nodes of the items it did not
   * change, moving them if need be: syntax/reparse.ts; its `let`s are those of `previous.lets`),
   * the leading items that are unchanged, whether every item so far was taken from it, and the
   * blocks edited since.
   */
  private from: { previous: Elaborator; unchanged: Set<ModelItem>; inStep: boolean; stale: BlockDecl[] } | undefined;
  /** How many model-level `let`s were taken from the previous elaboration (for tests and benchmarks). */
  taken = 0;
  /** How many of those were renumbered (for tests and benchmarks). */
  renumbered = 0;

  /** `memoise`: off only in the test that checks memoisation changes no graph and no diagnostic. */
  constructor(builder: GraphBuilder, loader: ModuleLoader, memoise = true) {
    super(builder, loader, memoise);
  }

  // ── resuming ──────────────────────────────────────────────────────────────

  /**
   * Continue from the elaboration of this model's previous version (the language server, after
   * an edit; the caller checks that the files read are the same and that the globals are, but for
   * the bodies of the `stale` blocks). A `let` that was there before, unchanged or only moved, adds
   * what it added last time when that is what it would add now (see let-records.ts).
   */
  resume(previous: Elaborator, model: ModelDecl, previousModel: ModelDecl, stale = new Set<BlockDecl>()): void {
    let k = 0;
    while (k < model.items.length && model.items[k] === previousModel.items[k]) k++;
    // After a block was edited nothing is in step: any `let` may call it, through other blocks.
    this.from = { previous, unchanged: new Set(model.items.slice(0, k)), inStep: stale.size === 0, stale: [...stale] };
    // Templates depend only on the blocks they entered and their arguments.
    this.memo = stale.size === 0 ? previous.memo : previous.memo.without(stale);
  }

  /** Evaluate a model-level `let` in the model's scope, or take what it did last time. */
  modelLet(item: LetStmt, scope: Scope, evaluate: (item: LetStmt) => Value): Value {
    const from = this.from;
    const earlier = this.recordsOf(item);
    const inStep = !!from?.inStep && from.unchanged.has(item);
    // The values of the names it reads: every record of this `let` read the same names.
    const names = earlier?.[0]?.names ?? freeNames(item.value);
    const now = new Read(
      names.map((n) => scope.lookup(n)?.value),
      this.memo.ids,
    );
    let record = earlier && this.take(earlier, now, inStep);
    if (record) {
      this.taken++;
      this.builder.append(record.built);
      for (const d of record.diagnostics) {
        this.diagnostics.push(d);
        this.reported.add(reportKey(d.code, d.span, d.message));
      }
    } else {
      if (from) from.inStep = false; // out of step with the previous elaboration from here on
      const before = this.builder.mark();
      const [reports, diagnostics] = [this.reports, this.diagnostics.length];
      // Record the blocks it expands: an edit of one of them makes the record stale.
      const rec = { entered: new Set<BlockDecl>(), deepest: 0 };
      this.recording.push(rec);
      let value: Value;
      try {
        value = evaluate(item);
      } finally {
        this.recording.pop();
      }
      record = { built: this.builder.slice(before), diagnostics: this.diagnostics.slice(diagnostics), reports: this.reports - reports, names, read: now, value, entered: rec.entered };
    }
    this.lets.set(item, keep(record, earlier));
    return record.value;
  }

  /**
   * The records the previous elaboration kept of `item` that expanded none of the blocks edited
   * since. Only those may be taken, and only those are kept: a record kept past the edit of a
   * block it expanded would look fresh after the next edit, which compares with that one only.
   */
  private recordsOf(item: LetStmt): LetRecord[] | undefined {
    const from = this.from;
    const all = from?.previous.lets.get(item);
    const stale = (r: LetRecord) => enteredAny(r.entered, from!.stale);
    if (!all || from!.stale.length === 0 || !all.some(stale)) return all;
    const fresh = all.filter((r) => !stale(r));
    return fresh.length > 0 ? fresh : undefined;
  }

  /**
   * A record of `earlier` that gives what evaluating its `let` would now: one as it is, else one
   * renumbered when only the node ids differ (see let-records.ts); else undefined. As it is first:
   * when an edit that moved the `let`'s nodes is undone, the record kept from before it fits.
   */
  private take(earlier: LetRecord[], now: Read, inStep: boolean): LetRecord | undefined {
    for (const r of earlier) if (this.fits(r, now, inStep)) return r;
    for (const r of earlier) {
      const moved = this.renumber(r, now);
      if (moved) {
        this.renumbered++;
        return moved;
      }
    }
    return undefined;
  }

  /** Whether `r`, as it is, is what evaluating its `let` would add now. */
  private fits(r: LetRecord, now: Read, inStep: boolean): boolean {
    const b = this.builder;
    const at = r.built.from;
    if (b.nodes.length !== at.nodes || b.params.length !== at.params || b.instances.length !== at.instances || !sameRead(r, now)) return false;
    return inStep || (r.reports === 0 && b.paramsFree(r.built));
  }

  /** `r` renumbered from where the builder is now, when only the node ids differ from what evaluating its `let` would add. */
  private renumber(r: LetRecord, now: Read): LetRecord | undefined {
    if (r.reports > 0 || !this.builder.paramsFree(r.built)) return undefined;
    return relocate(r, this.builder.mark(), now);
  }

  /** Drop the previous elaboration once this one is done (each would otherwise keep the one before alive). */
  endResume(): void {
    this.from = undefined;
  }
}
