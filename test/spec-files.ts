// The specs the sweeps over every name run on: the examples and the spec fixtures.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..');

/** Every `.rec` of the examples and of test/fixtures/specs, as absolute paths. */
export function exampleSpecs(): string[] {
  return ['examples', 'test/fixtures/specs'].flatMap((d) =>
    readdirSync(join(ROOT, d))
      .filter((f) => f.endsWith('.rec'))
      .map((f) => join(ROOT, d, f)),
  );
}
