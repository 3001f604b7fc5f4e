// Test helper: the specs that together use every block and construct, for tests that check a
// lowering or a pass over all of them: every example, and the fixtures that call every stdlib block.
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(import.meta.dirname, '../..');

/** Absolute paths: examples/*.rec, then test/fixtures/specs/all-blocks.rec and cmml-blocks.rec. */
export const ALL_SPECS: readonly string[] = [
  ...readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.rec')).map((f) => join(ROOT, 'examples', f)),
  join(ROOT, 'test/fixtures/specs/all-blocks.rec'),
  join(ROOT, 'test/fixtures/specs/cmml-blocks.rec'),
];

/**
 * A file's path inside the repository, the same in every checkout: what seeds random rows or
 * mutations by file (randomRows refuses a seed holding the checkout's own path).
 */
export const inRepo = (file: string): string => relative(ROOT, file);

/** Whether a seed names the checkout's path, which differs between clones. */
export const holdsCheckoutPath = (seed: string): boolean => seed.includes(ROOT);
