// Synthetic paper settings: `recc synth SETTING` and `data: synth(SETTING, rows: N)` in a spec.
import type { Row } from '../encode.js';
import { POSO_COLUMNS, posoRows } from './poso.js';

export interface SynthSetting {
  columns: string[];
  /** What the generator models and how to see it in results (the file's header comment, shortened). */
  doc: string;
  generate(opts: { seed: number; rows: number }): Row[];
}

export const SYNTH: Record<string, SynthSetting> = {
  poso: {
    columns: POSO_COLUMNS,
    doc: 'POSO setting: users rate movies over time; new users (low accumulated view count, avc < 10, ~5 % of samples) rate by popularity, experienced users by quality and taste. See src/data/synth/poso.ts.',
    generate: (o) => posoRows(o),
  },
};
