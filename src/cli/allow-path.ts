// `--allow-path DIR` (repeatable), on every command that reads specs: trees a spec may read
// besides its own (src/io/file-policy.ts). Kept apart from spec.ts so that main.ts can add it
// without loading the front end.
import type { Command } from 'commander';
import { filePolicy, type FilePolicy } from '../io/file-policy.js';

export function allowPathOption(cmd: Command): Command {
  return cmd.option(
    '--allow-path <dir>',
    'let specs read files under DIR too (repeatable); by default a spec reads only under its own directory',
    (v: string, prev: string[]) => [...prev, v],
    [] as string[],
  );
}

export const policyOf = (o: { allowPath?: string[] }): FilePolicy => filePolicy(o.allowPath ?? []);
