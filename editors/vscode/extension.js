// A minimal VS Code client: start `recc lsp --stdio` for .rec files. Install its dependency with
// `npm install` in this folder, then load the folder as an extension (F5 in VS Code).
const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

let client;

function activate(context) {
  const [command, ...args] = vscode.workspace.getConfiguration('recc').get('command');
  client = new LanguageClient('recc', 'recc', { command, args, options: { shell: process.platform === 'win32' } }, { documentSelector: [{ language: 'rec' }] });
  context.subscriptions.push({ dispose: () => client && client.stop() });
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
