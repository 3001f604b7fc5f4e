// `train { … }`: how the model is trained. Settings are data (option names, numbers, lists),
// read straight from the syntax; each unknown name gets a "did you mean".
//
//   optimizer: adam(lr: 1e-3)  |  { embedding: adagrad(lr: 0.05), dense: adam(lr: 1e-3), <group>: … }
//   groups: { tables: features.*, net: [net.*.conv1, net.*.conv2] }   (selectors.ts; plan.ts reads it)
//   batch: 1024   epochs: 2   seed: 7   clip_norm: 1.0   warmup: 100 | 0.05   lr_decay: cosine   early_stop: 2
//   split: random(test: 0.2) | by_key(user_id, test: 0.25) | chronological(timestamp, test: 0.2)
//   metrics: [auc, gauc(by: user_id), logloss]
//   group_by: is_new          data: synth(poso, rows: 100_000)  |  data: "ratings.csv"
import { didYouMean, fixWith, suggestNames } from '../diagnostics/suggest.js';
import type { Span } from '../diagnostics/span.js';
import { groupDigits } from '../data/synth/max-rows.js';
import { SYNTH_OPTION_BOUNDS, SYNTH_OPTION_RANGES } from '../data/synth/options.js';
import { synthColumns, SYNTH_NAMES } from '../data/synth/settings.js';
import type { DataSource, MetricSpec, OptimizerSpec, SplitSpec, TrainSpec } from '../ir/types.js';
import type { Expr, Field, TrainSection } from '../syntax/ast.js';
import type { Elaborator, Frame } from './elaborate.js';
import { callOptions, onceEach, unset } from './options.js';

export const TRAIN_FIELDS = ['optimizer', 'batch', 'epochs', 'split', 'metrics', 'seed', 'clip_norm', 'warmup', 'lr_decay', 'early_stop', 'group_by', 'data'];
const OPTIMIZERS = { adam: ['lr', 'beta1', 'beta2', 'epsilon'], adagrad: ['lr', 'initial_accumulator'], sgd: ['lr'] } as const;

/**
 * The calls a setting takes, each with its named options: what the checker accepts below and
 * what completion offers (`optimizer: adam(lr: …)`, `metrics: [gauc(by: …)]`).
 */
export const SETTING_CALLS: Record<'optimizer' | 'lr_decay' | 'split' | 'metrics' | 'data', Record<string, readonly string[]>> = {
  optimizer: OPTIMIZERS,
  lr_decay: { constant: [], cosine: [] },
  split: { random: ['test'], by_key: ['key', 'test'], chronological: ['by', 'test'] },
  metrics: { auc: [], gauc: ['by'], logloss: [], mse: [], mae: [], recall: ['k', 'by'], ndcg: ['k', 'by'] },
  data: { synth: ['rows', 'seed', 'users', 'items', 'dim', 'negatives', 'first', 'types', 'clusters', 'buckets', 'targets', 'target_buckets', 'noise', 'version'] },
};
/** The metrics a task kind reports without being listed, which are not `metrics:` entries. */
const ALWAYS_REPORTED: Readonly<Record<string, string>> = { accuracy: 'a multiclass task reports accuracy and logloss', nll: 'a next_item task reports nll' };

/**
 * What a call's positional arguments stand for, in order (`by_key(user_id, 0.25)` is
 * `by_key(key: user_id, test: 0.25)`); `synth`'s first is its setting, which has no name.
 */
const POSITIONAL: Record<string, readonly string[]> = {
  adam: ['lr'], adagrad: ['lr'], sgd: ['lr'],
  random: ['test'], by_key: ['key', 'test'], chronological: ['by', 'test'],
  gauc: ['by'], recall: ['k', 'by'], ndcg: ['k', 'by'],
  synth: ['setting', 'rows'],
};
/** The name of a setting's call or bare name (`adam` of `adam(lr: 1e-3)`, `cosine`), or undefined. */
export const settingCallName = (e: Expr): string | undefined => (e.kind === 'Name' ? e.name : e.kind === 'Call' && e.callee.kind === 'Name' ? e.callee.name : undefined);
const callsOf = (setting: keyof typeof SETTING_CALLS) => Object.keys(SETTING_CALLS[setting]);
const optionsOf = (setting: keyof typeof SETTING_CALLS) => (name: string) => SETTING_CALLS[setting][name] ?? [];

export function defaultTrain(): TrainSpec {
  const adam: OptimizerSpec = { kind: 'adam', lr: 1e-3 };
  return { optimizer: { embedding: adam, dense: adam }, batch: 1024, epochs: 1, split: { kind: 'random', test: 0.2 }, metrics: [{ kind: 'auc' }], seed: 1 };
}

interface Call {
  name: string;
  nameSpan: Span;
  /** Every argument by the option it gives, positional ones by POSITIONAL. */
  named: Map<string, Expr>;
  span: Span;
}

class Reader {
  constructor(
    private readonly el: Elaborator,
    private readonly f: Frame,
  ) {}

  fail(span: Span, message: string, hint?: string): undefined {
    this.el.report('REC5006', span, message, this.f, { hint });
    return undefined;
  }

  /** `name(args)` or a bare `name`, checked against the allowed names and options. */
  call(e: Expr, allowed: readonly string[], options: (name: string) => readonly string[], what: string): Call | undefined {
    const name = settingCallName(e);
    const nameSpan = e.kind === 'Call' ? e.callee.span : e.span;
    if (!name) return this.fail(e.span, `expected ${what}, like ${allowed.slice(0, 3).map((a) => `\`${a}\``).join(', ')}`);
    if (!allowed.includes(name)) {
      const alts = suggestNames(name, allowed);
      const always = what === 'metric' && Object.hasOwn(ALWAYS_REPORTED, name) ? `${ALWAYS_REPORTED[name]} whatever \`metrics:\` lists: leave it out` : undefined;
      this.el.report('REC5006', nameSpan, `unknown ${what} \`${name}\``, this.f, {
        hint: always ?? didYouMean(alts) ?? `use one of ${allowed.map((a) => `\`${a}\``).join(', ')}`,
        suggestions: fixWith(alts, nameSpan),
      });
      return undefined;
    }
    const args = e.kind === 'Call' ? e.args : [];
    return { name, nameSpan, named: callOptions(name, args, POSITIONAL[name] ?? [], options(name), this.el, this.f), span: e.span };
  }

  number(e: Expr | undefined, what: string, check: (x: number) => boolean, rule: string): number | undefined {
    if (!e) return undefined;
    const v = this.el.evalExpr(e, this.f);
    if ((v.kind === 'int' || v.kind === 'float') && check(v.value)) return v.value;
    if (v.kind === 'error') return undefined;
    return this.fail(e.span, `\`${what}\` must be ${rule}`);
  }

  int(e: Expr | undefined, what: string, min = 1): number | undefined {
    return this.number(e, what, (x) => Number.isInteger(x) && x >= min, `an int ≥ ${min}`);
  }

  fraction(e: Expr | undefined, what: string): number | undefined {
    return this.number(e, what, (x) => x > 0 && x < 1, 'a fraction between 0 and 1');
  }

  column(e: Expr, what: string): string | undefined {
    if (e.kind === 'Name') return e.name;
    if (e.kind === 'String') return e.value;
    return this.fail(e.span, `\`${what}\` must name a column`);
  }

  optimizer(e: Expr): OptimizerSpec | undefined {
    const c = this.call(e, callsOf('optimizer'), optionsOf('optimizer'), 'optimizer');
    if (!c) return undefined;
    const lr = this.number(c.named.get('lr'), 'lr', (x) => x > 0, 'a positive number') ?? (c.named.has('lr') ? undefined : 1e-3);
    if (lr === undefined) return undefined;
    const o: OptimizerSpec = { kind: c.name as OptimizerSpec['kind'], lr };
    const b1 = this.number(c.named.get('beta1'), 'beta1', (x) => x >= 0 && x < 1, 'in [0, 1)');
    const b2 = this.number(c.named.get('beta2'), 'beta2', (x) => x >= 0 && x < 1, 'in [0, 1)');
    const eps = this.number(c.named.get('epsilon'), 'epsilon', (x) => x > 0, 'positive');
    const acc = this.number(c.named.get('initial_accumulator'), 'initial_accumulator', (x) => x >= 0, '≥ 0');
    if (b1 !== undefined) o.beta1 = b1;
    if (b2 !== undefined) o.beta2 = b2;
    if (eps !== undefined) o.epsilon = eps;
    if (acc !== undefined) o.initialAccumulator = acc;
    return o;
  }
}

/** A key of `optimizer: { … }`: a group name the plan checks (plan.ts). */
export interface OptimizerKey {
  group: string;
  span: Span;
}

export interface Settings {
  spec: TrainSpec;
  /** The groups `optimizer: { … }` named, with their spans; empty for `optimizer: adam(…)`. */
  optimizerKeys: OptimizerKey[];
  /** The fields of `others` found, for the caller to read (`groups`, a stage's `freeze`, …). */
  rest: Map<string, Field>;
}

/**
 * Read training settings onto a copy of `base` (the model's `train` section for a stage; the
 * defaults for the section itself). `where` names the section in messages; fields named in
 * `others` are not settings but the caller's, and are handed back in `rest`.
 */
export function readSettings(fields: readonly Field[], el: Elaborator, f: Frame, base: TrainSpec, where: string, others: readonly string[]): Settings {
  const spec: TrainSpec = { ...base, optimizer: { ...base.optimizer } };
  const optimizerKeys: OptimizerKey[] = [];
  const rest = new Map<string, Field>();
  const r = new Reader(el, f);
  const known = [...TRAIN_FIELDS, ...others];
  for (const fl of onceEach(fields, `\`${where}\``, el, f)) {
    const key = fl.name.name;
    const e = fl.value;
    if (others.includes(key)) {
      rest.set(key, fl);
      continue;
    }
    switch (key) {
      case 'optimizer': {
        if (e.kind === 'Record') {
          // Group names are checked once the model's groups are known (plan.ts).
          for (const g of onceEach(e.fields, '`optimizer`', el, f)) {
            const group = g.name.name === 'embeddings' ? 'embedding' : g.name.name;
            if (optimizerKeys.some((k) => k.group === group)) {
              el.report('REC2002', g.name.span, `the optimizer of \`${group}\` is set twice`, f, { hint: '`embedding` and `embeddings` name one group: remove one of them' });
              continue;
            }
            const o = r.optimizer(g.value);
            if (!o) continue;
            spec.optimizer[group] = o;
            optimizerKeys.push({ group, span: g.name.span });
          }
        } else {
          const o = r.optimizer(e);
          if (o) spec.optimizer = { embedding: o, dense: o };
        }
        break;
      }
      case 'batch':
        spec.batch = r.int(e, 'batch') ?? spec.batch;
        break;
      case 'epochs':
        spec.epochs = r.int(e, 'epochs') ?? spec.epochs;
        break;
      case 'seed':
        spec.seed = r.int(e, 'seed', 0) ?? spec.seed;
        break;
      case 'clip_norm': {
        const v = r.number(e, 'clip_norm', (x) => x > 0, 'a positive number');
        if (v !== undefined) spec.clipNorm = v;
        break;
      }
      case 'warmup': {
        // an int counts optimizer steps; a fraction in (0, 1) is that share of the stage's steps,
        // which the trainer resolves once it knows how many batches the data makes
        const v = r.number(e, 'warmup', (x) => (Number.isInteger(x) && x >= 0) || (x > 0 && x < 1), 'a number of steps (an int ≥ 0) or a fraction of the run in (0, 1)');
        if (v === undefined) break;
        delete spec.warmupSteps;
        delete spec.warmupFraction;
        if (Number.isInteger(v)) spec.warmupSteps = v;
        else spec.warmupFraction = v;
        break;
      }
      case 'lr_decay': {
        const c = r.call(e, callsOf('lr_decay'), optionsOf('lr_decay'), 'learning-rate decay');
        if (c) spec.lrDecay = c.name as 'constant' | 'cosine';
        break;
      }
      case 'early_stop': {
        const v = r.int(e, 'early_stop');
        if (v !== undefined) spec.earlyStop = { patience: v };
        break;
      }
      case 'group_by': {
        const v = r.column(e, 'group_by');
        if (v !== undefined) spec.groupBy = v;
        break;
      }
      case 'split': {
        const c = r.call(e, callsOf('split'), optionsOf('split'), 'split');
        if (!c) break;
        const test = r.fraction(c.named.get('test'), 'test') ?? 0.2;
        let s: SplitSpec | undefined;
        if (c.name === 'random') s = { kind: 'random', test };
        else {
          const colExpr = c.named.get(c.name === 'by_key' ? 'key' : 'by');
          const col = colExpr ? r.column(colExpr, c.name === 'by_key' ? 'key' : 'by') : r.fail(c.span, `\`${c.name}\` needs a column, e.g. \`${c.name}(user_id)\``);
          if (col !== undefined) s = c.name === 'by_key' ? { kind: 'by_key', key: col, test } : { kind: 'chronological', by: col, test };
        }
        if (s) spec.split = s;
        break;
      }
      case 'metrics': {
        const items = e.kind === 'List' ? e.items : [e];
        const ms: MetricSpec[] = [];
        // one metric listed twice (`[auc, auc]`) is one column: reported, not computed twice
        const add = (m: MetricSpec, item: Expr) => {
          const name = 'by' in m ? `${m.kind}(by: ${m.by}${'k' in m ? `, k: ${m.k}` : ''})` : m.kind;
          if (ms.some((x) => JSON.stringify(x) === JSON.stringify(m))) el.report('REC2002', item.span, `the metric \`${name}\` is listed twice`, f, { hint: 'remove one of them' });
          else ms.push(m);
        };
        for (const item of items) {
          const c = r.call(item, callsOf('metrics'), optionsOf('metrics'), 'metric');
          if (!c) continue;
          if (c.name === 'gauc' || c.name === 'recall' || c.name === 'ndcg') {
            const byExpr = c.named.get('by');
            if (!byExpr) {
              r.fail(c.span, `\`${c.name}\` is computed per key: add \`by: user_id\``);
              continue;
            }
            const by = r.column(byExpr, 'by');
            if (by === undefined) continue;
            if (c.name === 'gauc') add({ kind: 'gauc', by }, item);
            else {
              const k = r.int(c.named.get('k'), 'k') ?? 10;
              add({ kind: c.name, k, by }, item);
            }
          } else add({ kind: c.name as 'auc' | 'logloss' | 'mse' | 'mae' }, item);
        }
        spec.metrics = ms;
        break;
      }
      case 'data': {
        let d: DataSource | undefined;
        if (e.kind === 'String') d = { kind: 'file', path: e.value };
        else {
          const c = r.call(e, callsOf('data'), optionsOf('data'), 'data source');
          const setting = c?.named.get('setting');
          if (c && setting && (setting.kind === 'Name' || setting.kind === 'String')) {
            const options: Record<string, number> = {};
            for (const [k, v] of c.named) {
              if (k === 'setting') continue;
              const { min, max } = SYNTH_OPTION_RANGES[k] ?? { min: 0, max: Number.MAX_SAFE_INTEGER };
              const n = r.number(v, k, (x) => Number.isInteger(x) && x >= min && x <= max, `an int from ${min} to ${groupDigits(max)}`);
              if (n !== undefined) options[k] = n;
            }
            d = { kind: 'synth', setting: setting.kind === 'Name' ? setting.name : setting.value, options };
            for (const b of SYNTH_OPTION_BOUNDS) {
              if (!b.settings.includes(d.setting)) continue;
              const [count, buckets] = [options[b.count] ?? b.defaults[0], options[b.buckets] ?? b.defaults[1]];
              if (count <= buckets) continue;
              const at = c.named.get(b.buckets) ?? c.named.get(b.count)!;
              r.fail(at.span, `${count} ${b.count} cannot have distinct ids among ${buckets} ${b.buckets.replace('_', ' ')}`, `give \`${b.buckets}\` at least ${count}, or fewer \`${b.count}\``);
            }
            const known = synthColumns(d.setting, options.version);
            if ('error' in known) {
              // an unknown setting gets the nearest names; an unknown version is on the `version:` option
              const alts = known.unknown === 'setting' ? suggestNames(d.setting, SYNTH_NAMES) : [];
              const at = known.unknown === 'setting' ? setting.span : (c.named.get('version')?.span ?? setting.span);
              el.report('REC5006', at, known.error, f, { hint: didYouMean(alts), suggestions: fixWith(alts, setting.span, 'use') });
              d = undefined;
            }
          } else if (c) r.fail(c.span, '`synth` needs a setting name, e.g. `synth(poso, rows: 100_000)`');
        }
        if (d) spec.data = d;
        break;
      }
      default: {
        const alts = suggestNames(key, unset(known, fields));
        el.report('REC3011', fl.name.span, `\`${where}\` has no setting \`${key}\``, f, {
          hint: didYouMean(alts) ?? `its settings are ${known.join(', ')}`,
          suggestions: fixWith(alts, fl.name.span, 'rename to'),
        });
      }
    }
  }
  return { spec, optimizerKeys, rest };
}

/** The model's `train { … }` section (defaults where it says nothing); `groups` is the plan's. */
export function readTrain(section: TrainSection | undefined, el: Elaborator, f: Frame, others: readonly string[] = []): Settings {
  return readSettings(section?.fields ?? [], el, f, defaultTrain(), 'train', ['groups', ...others]);
}
