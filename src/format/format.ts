// Format `.rec` text with the plugin (used by `recc fmt` and the language server).
import * as prettier from 'prettier';
import plugin from './plugin.js';

/**
 * The file's line ending: that of its first line (`\n` when it has one line). Not Prettier's
 * `auto`, which takes the first `\r` anywhere: one inside a comment, or at the end of the last
 * line, would make every line end so.
 */
export function lineEnding(text: string): 'lf' | 'crlf' | 'cr' {
  const first = /\r\n|\r|\n/.exec(text)?.[0];
  return first === '\r\n' ? 'crlf' : first === '\r' ? 'cr' : 'lf';
}

export async function formatRec(text: string, opts: { printWidth?: number; filepath?: string } = {}): Promise<string> {
  return prettier.format(text, { parser: 'rec', plugins: [plugin], printWidth: opts.printWidth ?? 100, endOfLine: lineEnding(text), ...(opts.filepath ? { filepath: opts.filepath } : {}) });
}
