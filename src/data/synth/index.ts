// Synthetic paper settings: `recc synth SETTING` and `data: synth(SETTING, rows: N)` in a spec.
// Each generator is seeded and deterministic: the same options give the same rows, bit for bit.
import type { Row } from '../row.js';
import { CMML_COLUMNS, CMML_DOC, cmmlRows } from './cmml.js';
import { CMML_USER_COLUMNS, CMML_USER_DOC, cmmlUserRows } from './cmml-user.js';
import type { SynthOptions } from './options.js';
import { PEPNET_COLUMNS, PEPNET_DOC, pepnetRows } from './pepnet.js';
import { PETERREC_COLD_COLUMNS, PETERREC_COLD_DOC, PETERREC_COLUMNS, PETERREC_DOC, peterrecColdRows, peterrecRows } from './peterrec.js';
import { POSO_COLUMNS, POSO_DOC, posoRows } from './poso.js';

export type { SynthOptions } from './options.js';

export interface Generator {
  columns: string[];
  /** What the generator models and how to see it in results (its file's header, shortened). */
  doc: string;
  generate(opts: SynthOptions): Row[];
}
/** The former name of `Generator`. */
export type SynthSetting = Generator;

export const SYNTH: Record<string, Generator> = {
  poso: { columns: POSO_COLUMNS, doc: POSO_DOC, generate: posoRows },
  pepnet: { columns: PEPNET_COLUMNS, doc: PEPNET_DOC, generate: pepnetRows },
  cmml: { columns: CMML_COLUMNS, doc: CMML_DOC, generate: cmmlRows },
  cmml_user: { columns: CMML_USER_COLUMNS, doc: CMML_USER_DOC, generate: cmmlUserRows },
  peterrec: { columns: PETERREC_COLUMNS, doc: PETERREC_DOC, generate: peterrecRows },
  peterrec_cold: { columns: PETERREC_COLD_COLUMNS, doc: PETERREC_COLD_DOC, generate: peterrecColdRows },
};

export interface SynthData {
  columns: string[];
  rows: Row[];
  doc: string;
}

/** Generate a setting's rows; an unknown setting is an error value listing the known ones. */
export function generate(setting: string, opts: SynthOptions): SynthData | { error: string } {
  const g = Object.hasOwn(SYNTH, setting) ? SYNTH[setting] : undefined;
  if (!g) return { error: `unknown synthetic setting \`${setting}\` (known: ${Object.keys(SYNTH).join(', ')})` };
  return { columns: g.columns, rows: g.generate(opts), doc: g.doc };
}
