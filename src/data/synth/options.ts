// Options every synthetic generator takes: a seed, a row count, and setting-specific sizes
// (`data: synth(pepnet, rows: 50_000, users: 2_000)` in a spec passes them through).
export interface SynthOptions {
  seed: number;
  rows?: number;
  [size: string]: number | undefined;
}
