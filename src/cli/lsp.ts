// `recc lsp --stdio`: the language server. Editors pass `--stdio`; it is also the default, so the
// connection is made on stdin/stdout explicitly rather than from the command line's flags.
import type { Command } from 'commander';
import { allowPathOption, policyOf } from './allow-path.js';

export function register(program: Command, _setCode?: (c: number) => void): void {
  allowPathOption(
    program
      .command('lsp')
      .description('run the language server (editors start it with --stdio)')
      .option('--stdio', 'talk LSP over stdin/stdout (the default)', true),
  ).action(async (o: { allowPath: string[] }) => {
    const [{ createConnection, ProposedFeatures }, { startServer }] = await Promise.all([import('vscode-languageserver/node.js'), import('../server/server.js')]);
    // The client's `allowPaths` setting, when it sends one, replaces the command line's.
    startServer(createConnection(ProposedFeatures.all, process.stdin, process.stdout), policyOf(o));
    await new Promise(() => undefined); // serve until the editor closes the connection
  });
}
