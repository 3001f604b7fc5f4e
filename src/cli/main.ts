// The `recc` command line. Each command lives in its own file and is imported only when it
// runs, so `recc check` never loads TensorFlow.js or onnxruntime.
import { Command, Option } from 'commander';
import { allowPathOption, policyOf } from './allow-path.js';
import { nonNegativeInt } from './int-option.js';
import { VERSION } from './version.js';

export async function main(argv: string[]): Promise<number> {
  let code = 0;
  const program = new Command('recc')
    .description('A compiler for personalized recommender models: .rec specs → TensorFlow.js training and ONNX serving.')
    .version(VERSION)
    .showHelpAfterError()
    .exitOverride();

  allowPathOption(
    program
      .command('check')
      .description('check specs and report diagnostics (exit 1 on errors)')
      .argument('<paths...>', '.rec files, or directories: the .rec files under them')
      .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text')),
  ).action(async (files: string[], opts: { format: 'text' | 'json'; allowPath: string[] }) => {
    const { runCheck } = await import('./check.js');
    code = runCheck(files, { format: opts.format, files: policyOf(opts) });
  });

  allowPathOption(
    program
      .command('stats')
      .description('parameters and FLOPs per block instance and in total')
      .argument('<file>', '.rec file')
      .option('--json', 'print JSON', false)
      .option('--depth <n>', 'deepest block instances to list', nonNegativeInt, 1),
  ).action(async (file: string, opts: { json: boolean; depth: number; allowPath: string[] }) => {
    const { runStats } = await import('./stats.js');
    code = runStats(file, { ...opts, files: policyOf(opts) });
  });

  // Commands that load TensorFlow.js or onnx-proto register lazily: only their module is loaded.
  // Each import is written out, not built from a name, so the CLI bundle (scripts/bundle-cli.mjs) holds it.
  type Lazy = () => Promise<{ register: (p: Command, set: (c: number) => void) => void }>;
  const lazy: Array<[string, Lazy, string]> = [
    ['train', () => import('./train.js'), 'train a spec on its data and write checkpoint, report and a serving ONNX file'],
    ['compile', () => import('./compile.js'), 'compile a spec to a serving artefact (ONNX)'],
    ['export', () => import('./export.js'), 'export a spec for another training engine (torch: a PyTorch package)'],
    ['eval', () => import('./eval.js'), 'evaluate trained weights on data'],
    ['predict', () => import('./predict.js'), 'score a data file with trained weights (ONNX in onnxruntime), streamed'],
    ['synth', () => import('./synth.js'), 'write a synthetic dataset of a paper setting'],
    ['meta-embed', () => import('./meta-embed.js'), "LiMAML's daily job: one meta embedding per key, as CSV"],
    ['fmt', () => import('./fmt.js'), 'format .rec files'],
    ['lsp', () => import('./lsp.js'), 'run the language server (editors start it with --stdio)'],
  ];
  const wanted = argv[2];
  for (const [name, load, description] of lazy) {
    if (wanted === name) {
      (await load()).register(program, (c) => (code = c));
    } else program.command(name).description(description).allowUnknownOption().helpOption(false).action(() => undefined);
  }

  try {
    await program.parseAsync(argv);
  } catch (err) {
    const e = err as { code?: string; exitCode?: number };
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
    if (typeof e.exitCode === 'number') return e.exitCode === 0 ? 0 : 2;
    // Imported here, not at the top: its module loads node:crypto (~3 ms), which `recc check` never needs.
    const { ioFaultLine } = await import('./io-fault.js');
    const fault = ioFaultLine(err);
    if (fault) {
      process.stderr.write(`${fault}\n`);
      return 1;
    }
    throw err;
  }
  return code;
}
