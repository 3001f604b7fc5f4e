// Chevrotain, loaded from its single-file bundle: the package entry loads ~100 ES modules and
// takes ~240 ms at start-up, the bundle ~16 ms, and `recc check` and the language server must
// start fast. Same library, same version; types come from the package.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Chevrotain from 'chevrotain';

async function load(): Promise<typeof Chevrotain> {
  try {
    const entry = createRequire(import.meta.url).resolve('chevrotain');
    return (await import(pathToFileURL(join(dirname(entry), '..', 'chevrotain.min.mjs')).href)) as typeof Chevrotain;
  } catch {
    return import('chevrotain');
  }
}

const chevrotain = await load();
export const { createToken, Lexer, EmbeddedActionsParser, EOF, isRecognitionException, tokenMatcher } = chevrotain;
