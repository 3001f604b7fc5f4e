// Synthetic paper settings: `recc synth SETTING` and `data: synth(SETTING, rows: N)` in a spec.
// Each generator is seeded and deterministic: the same options give the same rows, bit for bit.
import type { Row } from '../row.js';
import { CMML_DOC, cmmlRows } from './cmml.js';
import { CMML_USER_DOC, cmmlUserRows } from './cmml-user.js';
import { LIMAML_DOC, limamlRows } from './limaml.js';
import type { SynthOptions } from './options.js';
import { PEPNET_DOC, pepnetRows } from './pepnet.js';
import { PETERREC_COLD_DOC, PETERREC_DOC, peterrecColdRows, peterrecRows } from './peterrec.js';
import { PEPNET_V1_DOC, pepnetV1Rows } from './pepnet-v1.js';
import { POSO_DOC, posoRows } from './poso.js';
import { POSO_V1_DOC, posoV1Rows } from './poso-v1.js';
import { CMML_COLUMNS, CMML_USER_COLUMNS, LIMAML_COLUMNS, PEPNET_COLUMNS, PEPNET_V1_COLUMNS, PETERREC_COLD_COLUMNS, PETERREC_COLUMNS, POSO_COLUMNS, synthColumns } from './settings.js';

export type { SynthOptions } from './options.js';

export interface Generator {
  columns: string[];
  /** What the generator models and how to see it in results (its file's header, shortened). */
  doc: string;
  generate(opts: SynthOptions): Row[];
  /** The setting's version (1 when it has only one). */
  version?: number;
  /** Earlier versions, kept so earlier numbers stay reproducible: `synth(poso, version: 1)`. */
  older?: Record<number, Generator>;
}
/** The former name of `Generator`. */
export type SynthSetting = Generator;

export const SYNTH: Record<string, Generator> = {
  poso: { columns: POSO_COLUMNS, doc: POSO_DOC, generate: posoRows, version: 2, older: { 1: { columns: POSO_COLUMNS, doc: POSO_V1_DOC, generate: posoV1Rows } } },
  pepnet: { columns: PEPNET_COLUMNS, doc: PEPNET_DOC, generate: pepnetRows, version: 2, older: { 1: { columns: PEPNET_V1_COLUMNS, doc: PEPNET_V1_DOC, generate: pepnetV1Rows } } },
  cmml: { columns: CMML_COLUMNS, doc: CMML_DOC, generate: cmmlRows },
  cmml_user: { columns: CMML_USER_COLUMNS, doc: CMML_USER_DOC, generate: cmmlUserRows },
  peterrec: { columns: PETERREC_COLUMNS, doc: PETERREC_DOC, generate: peterrecRows },
  peterrec_cold: { columns: PETERREC_COLD_COLUMNS, doc: PETERREC_COLD_DOC, generate: peterrecColdRows },
  limaml: { columns: LIMAML_COLUMNS, doc: LIMAML_DOC, generate: limamlRows },
};

export interface SynthData {
  columns: string[];
  rows: Row[];
  doc: string;
}

/**
 * A setting's generator at a version (the latest when `version` is undefined); an unknown setting
 * or version is an error value listing the known ones.
 */
export function settingAt(setting: string, version?: number): Generator | { error: string } {
  const known = synthColumns(setting, version);
  if ('error' in known) return { error: known.error };
  const g = SYNTH[setting]!;
  return version === undefined || version === (g.version ?? 1) ? g : g.older![version]!;
}

/** Generate a setting's rows (at `opts.version`, the latest by default), or an error value. */
export function generate(setting: string, opts: SynthOptions): SynthData | { error: string } {
  const g = settingAt(setting, opts.version);
  if ('error' in g) return g;
  return { columns: g.columns, rows: g.generate(opts), doc: g.doc };
}
