// The synthetic settings by name and version, and the columns each version's rows have: what
// `data: synth(…)` may name and what a spec on it may read, known before any row is made (the
// checker reads this; the generators, in index.ts, are loaded only to make rows).
import { PEPNET_TASKS } from './pepnet-domains.js';

export const POSO_COLUMNS = ['user_id', 'movie_id', 'rated_movies', 'rated_tags', 'avc', 'rating', 'is_new', 'timestamp'];
export const PEPNET_COLUMNS = ['uid', 'iid', 'aid', 'domain', 'age', 'hist', 'user', 'item', ...PEPNET_TASKS, 'timestamp'];
export const PEPNET_V1_COLUMNS = ['uid', 'iid', 'aid', 'domain', 'age', 'hist', ...PEPNET_TASKS, 'timestamp'];
export const CMML_COLUMNS = ['scenario', 'user_id', 'item_id', 'user', 'item', 'clicked', 'timestamp'];
export const CMML_USER_COLUMNS = ['user_id', 'item_id', 'user', 'item', 'rating', 'timestamp'];
export const PETERREC_COLUMNS = ['user_id', 'items', 'age', 'type'];
export const PETERREC_COLD_COLUMNS = ['user_id', 'items', 'target', 'liked', 'type'];
export const LIMAML_COLUMNS = ['user_id', 'ts', 'user_feats', 'item_id', 'item_feats', 'clicked'];

/** Each setting's columns by version; the last version listed is the latest, used by default. */
export const SYNTH_SETTINGS: Record<string, Record<number, readonly string[]>> = {
  poso: { 1: POSO_COLUMNS, 2: POSO_COLUMNS },
  pepnet: { 1: PEPNET_V1_COLUMNS, 2: PEPNET_COLUMNS },
  cmml: { 1: CMML_COLUMNS },
  cmml_user: { 1: CMML_USER_COLUMNS },
  peterrec: { 1: PETERREC_COLUMNS },
  peterrec_cold: { 1: PETERREC_COLD_COLUMNS },
  limaml: { 1: LIMAML_COLUMNS },
};

export const SYNTH_NAMES = Object.keys(SYNTH_SETTINGS);

/** The latest version of a known setting. */
export const latestVersion = (setting: string): number => Math.max(...Object.keys(SYNTH_SETTINGS[setting]!).map(Number));

/**
 * The columns of a setting's rows at a version (the latest when undefined); an unknown setting or
 * version is an error naming the known ones (`unknown: 'setting' | 'version'`).
 */
export function synthColumns(setting: string, version?: number): { columns: readonly string[] } | { error: string; unknown: 'setting' | 'version' } {
  if (!Object.hasOwn(SYNTH_SETTINGS, setting)) return { error: `unknown synthetic setting \`${setting}\` (known: ${SYNTH_NAMES.join(', ')})`, unknown: 'setting' };
  const versions = SYNTH_SETTINGS[setting]!;
  const v = version ?? latestVersion(setting);
  if (!Object.hasOwn(versions, v)) return { error: `synthetic setting \`${setting}\` has no version ${version} (known: ${Object.keys(versions).join(', ')})`, unknown: 'version' };
  return { columns: versions[v]! };
}
