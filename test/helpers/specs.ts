// Test helper: the specs that together use every block and construct, for tests that check a
// lowering or a pass over all of them: every example, and the fixtures that call every stdlib block.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '../..');

/** Absolute paths: examples/*.rec, then test/fixtures/specs/all-blocks.rec and cmml-blocks.rec. */
export const ALL_SPECS: readonly string[] = [
  ...readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.rec')).map((f) => join(ROOT, 'examples', f)),
  join(ROOT, 'test/fixtures/specs/all-blocks.rec'),
  join(ROOT, 'test/fixtures/specs/cmml-blocks.rec'),
];
