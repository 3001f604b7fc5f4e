// Integer options of the command line (`--epochs 3`, `--seed 0`, `--max-batch-size 1024`): decimal
// digits as a user types them (`1e1`, `0x10`, `2.0` and `-1` are refused) and no larger than
// `max`, the safe integers by default, so that the number a run uses and reports is the one typed
// (`99999999999999999999` would have been 1e20).
import { InvalidArgumentError } from 'commander';

/** A commander parser of integers from `min` to `max`; `why` says where `max` comes from. */
export function intOption(min: number, max = Number.MAX_SAFE_INTEGER, why?: string): (v: string) => number {
  return (v) => {
    if (!/^\s*\d+\s*$/.test(v) || Number(v) < min) throw new InvalidArgumentError(min === 1 ? 'expected a positive integer' : `expected an integer ≥ ${min}`);
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n > max) throw new InvalidArgumentError(`at most ${max}${why ? ` (${why})` : ''}`);
    return n;
  };
}

export const positiveInt = intOption(1);
export const nonNegativeInt = intOption(0);
