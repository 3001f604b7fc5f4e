// The training plan of a model (src/ir/plan.ts), built once its parameters are known: the
// parameter groups (declared ones and the spec's `groups: { … }`), and for each stage what it
// trains, with which optimizer. Misspelt groups and selectors that match nothing are reported
// at the user's text with the names they may have meant.
//
// Rules, in the order they apply:
// - every parameter is in the group it was declared in (`embedding` for feature tables, `dense`
//   by default); a spec-defined group may hold any parameters, and parameters may be in several;
// - a stage trains the parameters of its entry that are declared trainable, minus those its
//   `freeze:` selects, plus those its `train:` selects (a bare name that is a group selects the
//   group, anything else is a path pattern);
// - a trained parameter's optimizer is that of the spec-defined group holding it that
//   `optimizer: { … }` names, else that of its declared group, else `dense`'s.
import { didYouMean, fixWith, suggestNames } from '../diagnostics/suggest.js';
import type { Span } from '../diagnostics/span.js';
import { DEFAULT_STAGE, type OptimizerAssignment, type StagePlan, type TrainPlan } from '../ir/plan.js';
import { BUILTIN_GROUPS, type OptimizerSpec, type ParamDecl, type ParamGroup } from '../ir/types.js';
import type { Expr } from '../syntax/ast.js';
import type { Elaborator, Frame } from './elaborate.js';
import { readSelectors, selectorCandidates, selectParams, type Selector } from './selectors.js';
import type { Settings } from './train-section.js';

/** One stage as the model declares it, before the plan: its settings, tasks and entry. */
export interface StageDraft {
  name: string;
  span: Span;
  settings: Settings;
  tasks: string[];
  /** The parameters its entry reads, in declaration order. */
  entryParams: ParamDecl[];
  /** The parameters its `graft:` declared: new in this stage, trained whatever `freeze:` says (graft.ts). */
  grafted: string[];
}

export interface PlanResult {
  groups: Record<ParamGroup, string[]>;
  plan: TrainPlan;
}

const sameOptimizer = (a: OptimizerSpec, b: OptimizerSpec) => JSON.stringify(a) === JSON.stringify(b);
const names = (params: readonly ParamDecl[]) => params.map((p) => p.name);

export class PlanBuilder {
  private readonly groups: Record<ParamGroup, string[]> = Object.create(null);
  /** Spec-defined groups (from `groups: { … }`), in the order written. */
  private readonly defined: string[] = [];

  constructor(
    private readonly el: Elaborator,
    private readonly f: Frame,
    private readonly params: readonly ParamDecl[],
  ) {
    for (const g of BUILTIN_GROUPS) this.groups[g] = [];
    for (const p of params) (this.groups[p.group] ??= []).push(p.name);
  }

  /** Read the model's `groups: { name: selectors, … }`. */
  defineGroups(value: Expr | undefined): void {
    if (!value) return;
    if (value.kind !== 'Record') {
      this.el.report('REC5006', value.span, '`groups` is a record of selectors, e.g. `groups: { tables: features.*, net: [net.*.conv] }`', this.f);
      return;
    }
    const names = this.params.map((p) => p.name);
    for (const fl of value.fields) {
      const name = fl.name.name;
      if (Object.hasOwn(this.groups, name)) {
        const builtin = (BUILTIN_GROUPS as readonly string[]).includes(name) || !this.defined.includes(name);
        this.el.report('REC2002', fl.name.span, builtin ? `group \`${name}\` already exists (declared by the model's parameters)` : `group \`${name}\` is defined twice`, this.f, { hint: 'choose another name' });
        continue;
      }
      const members = new Set<string>();
      for (const s of this.selectors(fl.value, names, `group \`${name}\``)) for (const p of s) members.add(p);
      this.groups[name] = names.filter((p) => members.has(p));
      this.defined.push(name);
    }
  }

  /** The parameter lists each selector of `e` picks among `among`; reported when one picks none. */
  private selectors(e: Expr, among: readonly string[], what: string): string[][] {
    const out: string[][] = [];
    for (const s of readSelectors(e)) {
      if ('error' in s) {
        this.el.report('REC3008', s.span, s.error, this.f);
        continue;
      }
      const picked = this.pick(s, among);
      if (picked.length === 0) this.noMatch(s, among, what);
      out.push(picked);
    }
    return out;
  }

  /** A group's parameters when the selector is a bare group name, else the paths it matches. */
  private pick(s: Selector, among: readonly string[]): string[] {
    if (s.segments.length === 1 && Object.hasOwn(this.groups, s.text)) {
      const inside = new Set(among);
      return this.groups[s.text]!.filter((p) => inside.has(p));
    }
    return selectParams(s, among);
  }

  private noMatch(s: Selector, among: readonly string[], what: string): void {
    const candidates = selectorCandidates(s, among);
    const alts = suggestNames(s.text, [...candidates, ...Object.keys(this.groups)]);
    // Without a close name, the paths at that depth under the same first segment (or any).
    const near = candidates.filter((c) => c.split('.')[0] === s.segments[0]);
    const pool = near.length > 0 ? near : candidates;
    const listed = pool.slice(0, 4).map((c) => `\`${c}\``);
    this.el.report('REC5010', s.span, `\`${s.text}\` in ${what} matches no parameter`, this.f, {
      hint: didYouMean(alts) ?? (listed.length > 0 ? `parameters are named by their path; here there are ${listed.join(', ')}${pool.length > listed.length ? ', …' : ''}` : 'there are no parameters here'),
      suggestions: fixWith(alts, s.span),
    });
  }

  /** Check the group names `optimizer: { … }` uses in these settings. */
  private checkOptimizerKeys(settings: Settings): void {
    for (const k of settings.optimizerKeys) {
      if (Object.hasOwn(this.groups, k.group)) continue;
      const alts = suggestNames(k.group, Object.keys(this.groups));
      this.el.report('REC5011', k.span, `unknown parameter group \`${k.group}\``, this.f, {
        hint: didYouMean(alts) ?? `the groups are ${Object.keys(this.groups).map((g) => `\`${g}\``).join(', ')}`,
        suggestions: fixWith(alts, k.span),
      });
    }
  }

  /** The optimizer of each trained parameter, grouped (see the rules at the top). */
  private assign(trainable: readonly ParamDecl[], settings: Settings, at: Span): OptimizerAssignment[] {
    const opts = settings.spec.optimizer;
    const named = this.defined.filter((g) => Object.hasOwn(opts, g));
    const memberOf = new Map<string, string[]>();
    for (const g of named) for (const p of this.groups[g]!) (memberOf.get(p) ?? memberOf.set(p, []).get(p)!).push(g);
    const byGroup = new Map<string, string[]>();
    const clashes = new Set<string>();
    for (const { name: p, group: declaredGroup } of trainable) {
      const defined = memberOf.get(p); // most parameters are in no spec-defined group
      for (let k = 1; defined && k < defined.length; k++) {
        const other = defined[k]!;
        if (sameOptimizer(opts[defined[0]!]!, opts[other]!) || clashes.has(`${defined[0]}|${other}`)) continue;
        clashes.add(`${defined[0]}|${other}`);
        const span = settings.optimizerKeys.find((x) => x.group === other)?.span ?? at;
        this.el.report('REC5006', span, `parameter \`${p}\` is in groups \`${defined[0]}\` and \`${other}\`, which have different optimizers`, this.f, { hint: 'make the groups disjoint, or give them the same optimizer' });
      }
      const group = defined?.[0] ?? (Object.hasOwn(opts, declaredGroup) ? declaredGroup : 'dense');
      (byGroup.get(group) ?? byGroup.set(group, []).get(group)!).push(p);
    }
    return [...byGroup].map(([group, params]) => ({ group, spec: opts[group]!, params }));
  }

  /** The plan of a model without stages: one stage that trains everything declared trainable. */
  single(settings: Settings, tasks: string[], entryParams: readonly ParamDecl[], at: Span): PlanResult {
    this.checkOptimizerKeys(settings);
    const trainable = entryParams.filter((p) => p.trainable);
    const stage: StagePlan = {
      name: DEFAULT_STAGE,
      entry: DEFAULT_STAGE,
      tasks,
      trainable: names(trainable),
      frozen: names(entryParams.filter((p) => !p.trainable)),
      optimizers: this.assign(trainable, settings, at),
      step: { kind: 'supervised' },
      batching: { kind: 'rows' },
      settings: settings.spec,
    };
    return { groups: this.groups, plan: { stages: [stage] } };
  }

  /** The plan of a model with stages, in the order written. */
  staged(stages: readonly StageDraft[]): PlanResult {
    const trained = new Set<string>();
    const out: StagePlan[] = [];
    for (const s of stages) {
      this.checkOptimizerKeys(s.settings);
      const what = (field: string) => `stage \`${s.name}\`'s \`${field}\``;
      const entryNames = names(s.entryParams);
      const frozenBy = new Set<string>();
      const freeze = s.settings.rest.get('freeze');
      if (freeze) for (const picked of this.selectors(freeze.value, entryNames, what('freeze'))) for (const p of picked) frozenBy.add(p);
      const unfrozen = new Set<string>();
      const train = s.settings.rest.get('train');
      if (train) for (const picked of this.selectors(train.value, entryNames, what('train'))) for (const p of picked) unfrozen.add(p);
      const patches = new Set(s.grafted);
      const trains = s.entryParams.filter((p) => patches.has(p.name) || unfrozen.has(p.name) || (p.trainable && !frozenBy.has(p.name)));
      const trainable = names(trains);
      const kept = new Set(trainable);
      const frozen = entryNames.filter((p) => !kept.has(p));
      const untrained = frozen.filter((p) => frozenBy.has(p) && !trained.has(p));
      if (untrained.length > 0 && freeze) {
        this.el.report('REC5012', freeze.value.span, `stage \`${s.name}\` freezes ${untrained.length === 1 ? `\`${untrained[0]}\`, which` : `${untrained.length} parameters (\`${untrained[0]}\`, …) that`} no earlier stage trains: ${untrained.length === 1 ? 'it keeps its' : 'they keep their'} initial values`, this.f, {
          hint: 'train them in an earlier stage, or leave them out of `freeze`',
        });
      }
      if (trainable.length === 0 && entryNames.length > 0) {
        this.el.report('REC5009', freeze?.value.span ?? s.span, `stage \`${s.name}\` trains nothing: ${freeze ? 'its `freeze` covers' : 'none is trainable of'} every parameter it reads`, this.f, {
          hint: freeze ? 'leave out of `freeze` what this stage should train, or remove the stage' : 'remove the stage',
        });
      }
      for (const p of trainable) trained.add(p);
      out.push({ name: s.name, entry: s.name, tasks: s.tasks, trainable, frozen, optimizers: this.assign(trains, s.settings, s.span), step: { kind: 'supervised' }, batching: { kind: 'rows' }, settings: s.settings.spec });
    }
    return { groups: this.groups, plan: { stages: out } };
  }
}
