// Format `.rec` text with the plugin (used by `recc fmt` and the language server).
import * as prettier from 'prettier';
import plugin from './plugin.js';

export async function formatRec(text: string, opts: { printWidth?: number; filepath?: string } = {}): Promise<string> {
  // line ends: the file's own (Prettier's `auto`: those of its first line), not always `\n`
  return prettier.format(text, { parser: 'rec', plugins: [plugin], printWidth: opts.printWidth ?? 100, endOfLine: 'auto', ...(opts.filepath ? { filepath: opts.filepath } : {}) });
}
