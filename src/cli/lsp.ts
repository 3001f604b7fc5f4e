// `recc lsp --stdio`: the language server.
import type { Command } from 'commander';

export function register(program: Command, _setCode: (c: number) => void): void {
  program
    .command('lsp')
    .description('run the language server (editors start it with --stdio)')
    .option('--stdio', 'talk LSP over stdin/stdout (the default)', true)
    .action(async () => {
      const { startServer } = await import('../server/server.js');
      startServer();
      await new Promise(() => undefined); // serve until the editor closes the connection
    });
}
