// What a checkpoint must hold before a resume trusts it: a training state of the right shape and
// plausible values, and finite tensors. Each problem is one sentence naming the field; nothing
// here throws on a malformed file (a checkpoint may be truncated, hand-edited or not recc's).
import type { NamedTensor } from '../io/safetensors.js';

/** No run takes 10^12 optimizer steps (30 years at a millisecond a step): more is a corrupt count. */
export const MAX_STEPS = 1e12;

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const count = (v: unknown, max = MAX_STEPS): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= max;

/** The problems of a parsed `recc.state`, one line each; empty when it can be used. */
export function stateProblems(raw: unknown): string[] {
  if (!isObject(raw)) return ['the training state is not a JSON object'];
  const p: string[] = [];
  for (const k of ['step', 'epoch', 'batchInEpoch'] as const) if (!count(raw[k])) p.push(`\`${k}\` must be an integer from 0 to ${MAX_STEPS}, found ${JSON.stringify(raw[k])}`);
  if (p.length === 0) {
    const step = raw.step as number;
    if ((raw.batchInEpoch as number) > step) p.push(`\`batchInEpoch\` (${raw.batchInEpoch}) is more than the steps taken (${step})`);
    if ((raw.epoch as number) > step) p.push(`\`epoch\` (${raw.epoch}) is more than the steps taken (${step}): every epoch takes a step`);
  }
  if (typeof raw.seed !== 'number' || !Number.isFinite(raw.seed)) p.push(`\`seed\` must be a number, found ${JSON.stringify(raw.seed)}`);
  if (typeof raw.model !== 'string') p.push(`\`model\` must be a string, found ${JSON.stringify(raw.model)}`);
  if (!Array.isArray(raw.losses)) p.push('`losses` must be a list');
  else if (!raw.losses.every((l) => isObject(l) && count(l.step) && typeof l.loss === 'number')) p.push('`losses` must be a list of {step, loss}');
  if (!Array.isArray(raw.history)) p.push('`history` must be a list');
  else if (!raw.history.every((h) => isObject(h) && count(h.epoch))) p.push('`history` must be a list of {epoch, metrics}');
  if (raw.tables !== undefined && !(isObject(raw.tables) && Object.values(raw.tables).every((r) => count(r) && r > 0))) p.push('`tables` must map table names to row counts');
  if (raw.optimizer !== undefined) {
    if (!isObject(raw.optimizer)) p.push('`optimizer` must be an object of parameter groups');
    else {
      for (const [group, o] of Object.entries(raw.optimizer)) {
        if (!isObject(o)) p.push(`optimizer group \`${group}\` is not an object`);
        else {
          if (typeof o.kind !== 'string') p.push(`optimizer group \`${group}\`: \`kind\` must be a string`);
          if (typeof o.lr !== 'number' || !Number.isFinite(o.lr)) p.push(`optimizer group \`${group}\`: \`lr\` must be a finite number`);
          if (o.step !== undefined && !(count(o.step) && (typeof raw.step !== 'number' || o.step <= raw.step))) p.push(`optimizer group \`${group}\`: \`step\` must be an integer no more than the steps taken, found ${JSON.stringify(o.step)}`);
          if (!Array.isArray(o.slots) || !o.slots.every((s) => typeof s === 'string')) p.push(`optimizer group \`${group}\`: \`slots\` must be a list of names`);
        }
      }
    }
  }
  for (const k of ['bestMetric'] as const) if (raw[k] !== undefined && typeof raw[k] !== 'number') p.push(`\`${k}\` must be a number`);
  if (raw.badEpochs !== undefined && !count(raw.badEpochs)) p.push('`badEpochs` must be a count');
  if (raw.earlyStopped !== undefined && typeof raw.earlyStopped !== 'boolean') p.push('`earlyStopped` must be true or false');
  if (raw.rng !== undefined && !(isObject(raw.rng) && typeof raw.rng.key === 'string' && count(raw.rng.consumedRows))) p.push('`rng` must be {kind, key, consumedRows}');
  return p;
}

/** One line per tensor holding NaN or ±∞ values: its name and how many. */
export function nonFiniteTensors(tensors: Record<string, NamedTensor>): string[] {
  const out: string[] = [];
  for (const [name, t] of Object.entries(tensors)) {
    let bad = 0;
    for (let i = 0; i < t.data.length; i++) if (!Number.isFinite(t.data[i]!)) bad++;
    if (bad > 0) out.push(`${name}: ${bad} of ${t.data.length} values are NaN or infinite`);
  }
  return out;
}
