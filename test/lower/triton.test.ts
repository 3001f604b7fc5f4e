// `recc compile --triton DIR`: every example (and the fixture specs using every block) becomes a
// Triton model repository whose config.pbtxt parses as Triton's ModelConfig (the vendored
// model_config.proto, compiled by protoc, parsed by protobuf's own text-format parser) and passes
// Triton's checks of inputs and outputs against the ONNX model (test/helpers/triton_check.py).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCompile } from '../../src/cli/compile.js';
import { analyzeFile } from '../../src/semantics/analyze.js';
import { ALL_SPECS } from '../helpers/specs.js';

const ROOT = join(import.meta.dirname, '../..');
const PROTO = join(ROOT, 'test/fixtures/triton/model_config.proto');
const SPECS = ALL_SPECS;
const recc = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/recc.js'), ...args], { cwd: ROOT, encoding: 'utf8' });

const canCheck =
  spawnSync('protoc', ['--version'], { encoding: 'utf8' }).status === 0 &&
  spawnSync('/usr/bin/python3', ['-c', 'import onnx, google.protobuf.text_format'], { encoding: 'utf8' }).status === 0;

interface IO {
  name: string;
  data_type: string;
  dims: string[];
  reshape?: { shape?: string[] };
}
interface Checked {
  errors: string[];
  config: { name: string; max_batch_size: number; input: IO[]; output: IO[]; dynamic_batching?: { max_queue_delay_microseconds?: string } } | null;
}

function check(repo: string): Record<string, Checked> {
  const r = spawnSync('/usr/bin/python3', [join(ROOT, 'test/helpers/triton_check.py'), PROTO, repo], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`triton_check.py failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, Checked>;
}

/** Compile in-process, as the CLI does, without its output in the test log. */
function compile(spec: string, triton: string, extra: Partial<Parameters<typeof runCompile>[1]> = {}): number {
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = () => true;
  try {
    return runCompile(spec, { triton, maxBatchSize: 1024, maxQueueDelay: 100, target: 'onnx', seed: 1, ...extra });
  } finally {
    process.stdout.write = write;
  }
}

describe.runIf(canCheck)('Triton model repositories', () => {
  it('every example compiles to a repository whose configs pass the model_config.proto check', () => {
    const repo = mkdtempSync(join(tmpdir(), 'recc-triton-'));
    for (const spec of SPECS) expect(compile(spec, repo), spec).toBe(0);
    const checked = check(repo);
    // a model with a meta block serves as two models (<model>_global, <model>_meta)
    expect(Object.keys(checked).length).toBe(SPECS.reduce((n, s) => n + (analyzeFile(s).graph?.meta ? 2 : 1), 0));
    for (const [name, c] of Object.entries(checked)) expect(c.errors, name).toEqual([]);
    for (const name of Object.keys(checked)) expect(existsSync(join(repo, name, '1', 'model.onnx'))).toBe(true);

    // the conventions, on values worked out from the specs by hand
    const poso = checked.poso_movielens!.config!;
    expect(poso.max_batch_size).toBe(1024);
    expect(poso.dynamic_batching).toEqual({ max_queue_delay_microseconds: '100' });
    const inputs = Object.fromEntries(poso.input.map((i) => [i.name, i]));
    // one hashed id per sample: [batch] → dims [1], reshape []; ids are int64
    expect(inputs.user_id).toEqual({ name: 'user_id', data_type: 'TYPE_INT64', dims: ['1'], reshape: {} });
    // a sequence of 30 hashed ids: [batch, 30]
    expect(inputs.rated_movies).toEqual({ name: 'rated_movies', data_type: 'TYPE_INT64', dims: ['30'] });
    // a bucketized number: float32 [batch]
    expect(inputs.avc).toEqual({ name: 'avc', data_type: 'TYPE_FP32', dims: ['1'], reshape: {} });
    expect(poso.output).toEqual([
      { name: 'favorite', data_type: 'TYPE_FP32', dims: ['1'] },
      { name: 'satisfied', data_type: 'TYPE_FP32', dims: ['1'] },
    ]);
    // a vocabulary feature is sent as strings
    expect(checked.pepnet_multidomain!.config!.input.find((i) => i.name === 'domain')).toEqual({ name: 'domain', data_type: 'TYPE_STRING', dims: ['1'], reshape: {} });
    // a support set: [batch, 32, 8] values and [batch, 32] mask
    const cmml = Object.fromEntries(checked.cmml_scenario!.config!.input.map((i) => [i.name, i.dims]));
    expect(cmml['history.user']).toEqual(['32', '8']);
    expect(cmml['history.mask']).toEqual(['32']);
    // LiMAML's adapt-and-embed model takes one task a request (support rows and the latest row on
    // first dimensions of different sizes): not batched by Triton, full dims with -1
    const meta = checked.limaml_mlp_meta!.config!;
    expect(meta.max_batch_size ?? 0).toBe(0);
    expect(meta.dynamic_batching).toBeUndefined();
    const metaInputs = Object.fromEntries(meta.input.map((i) => [i.name, i]));
    expect(metaInputs['support.user_feats']).toEqual({ name: 'support.user_feats', data_type: 'TYPE_FP32', dims: ['-1', '8'] });
    expect(metaInputs['support.mask']).toEqual({ name: 'support.mask', data_type: 'TYPE_FP32', dims: ['-1'] });
    expect(metaInputs.user_feats!.dims).toEqual(['-1', '8']);
    expect(meta.output).toEqual([{ name: 'user_meta', data_type: 'TYPE_FP32', dims: ['-1', '8'] }]);
    expect(checked.limaml_mlp_global!.config!.max_batch_size).toBe(1024);
  });

  it('the check rejects what Triton would: a misspelt type, an unknown field, a batch-only input without reshape, a wrong type', () => {
    const repo = mkdtempSync(join(tmpdir(), 'recc-triton-bad-'));
    expect(compile(join(ROOT, 'examples/poso-movielens.rec'), repo)).toBe(0);
    const good = readFileSync(join(repo, 'poso_movielens', 'config.pbtxt'), 'utf8');
    const variants: Array<[string, string, RegExp]> = [
      ['type', good.replace('TYPE_FP32', 'TYPE_FLOAT'), /does not parse.*TYPE_FLOAT/s],
      ['field', good.replace('max_batch_size: 1024', 'max_batch: 1024'), /does not parse.*max_batch/s],
      ['reshape', good.replace('    reshape: { shape: [ ] }\n', ''), /dims \[1\] \(reshape None\) do not give the model's \[\]/],
      ['dtype', good.replace(/(name: "user_id"\n\s+data_type: )TYPE_INT64/, '$1TYPE_STRING'), /'user_id': data_type TYPE_STRING, the model's is TYPE_INT64/],
      ['dims', good.replace('dims: [ 30 ]', 'dims: [ 0 ]'), /dimension must be >= 1/],
      ['platform', good.replace('backend: "onnxruntime"', 'backend: "pytorch"'), /platform\/backend/],
    ];
    for (const [name, text] of variants) {
      expect(text, name).not.toBe(good);
      mkdirSync(join(repo, `bad_${name}`, '1'), { recursive: true });
      writeFileSync(join(repo, `bad_${name}`, 'config.pbtxt'), text.replace('name: "poso_movielens"', `name: "bad_${name}"`));
      writeFileSync(join(repo, `bad_${name}`, '1', 'model.onnx'), readFileSync(join(repo, 'poso_movielens', '1', 'model.onnx')));
    }
    const checked = check(repo);
    expect(checked.poso_movielens!.errors).toEqual([]);
    for (const [name, , want] of variants) expect(checked[`bad_${name}`]!.errors.join('\n'), name).toMatch(want);
  });
});

describe('recc compile --triton', () => {
  it('writes the repository, says how to serve it, and replaces the model directory whole on a second run (only one recc wrote)', () => {
    const repo = mkdtempSync(join(tmpdir(), 'recc-triton-cli-'));
    const r = recc('compile', 'examples/poso-movielens.rec', '--triton', repo, '--max-batch-size', '256', '--max-queue-delay', '500');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`serve: tritonserver --model-repository=${repo}`);
    const config = readFileSync(join(repo, 'poso_movielens', 'config.pbtxt'), 'utf8');
    expect(config).toContain('max_batch_size: 256');
    expect(config).toContain('max_queue_delay_microseconds: 500');
    // a file recc did not write there (another version, a labels file) is never deleted with it
    writeFileSync(join(repo, 'poso_movielens', 'stray'), 'x');
    const stray = recc('compile', 'examples/poso-movielens.rec', '--triton', repo);
    expect(stray.status).toBe(1);
    expect(stray.stderr).toContain('but it also holds what it did not write (stray)');
    expect(readdirSync(join(repo, 'poso_movielens')).sort()).toEqual(['1', 'config.pbtxt', 'stray']);
    rmSync(join(repo, 'poso_movielens', 'stray'));
    expect(recc('compile', 'examples/poso-movielens.rec', '--triton', repo).status).toBe(0);
    expect(readdirSync(join(repo, 'poso_movielens')).sort()).toEqual(['1', 'config.pbtxt']);
    expect(readdirSync(repo)).toEqual(['poso_movielens']);
  });

  it('needs -o or --triton, and a positive batch size', () => {
    const none = recc('compile', 'examples/poso-movielens.rec');
    expect(none.status).toBe(1);
    expect(none.stderr).toContain('say where to write');
    const zero = recc('compile', 'examples/poso-movielens.rec', '--triton', tmpdir(), '--max-batch-size', '0');
    expect(zero.status).not.toBe(0);
    expect(zero.stderr).toContain('expected a positive integer');
  });

  it('bounds --max-batch-size and --max-queue-delay to the proto’s int32 and uint64, written as integers', () => {
    const repo = mkdtempSync(join(tmpdir(), 'recc-triton-limits-'));
    const big = recc('compile', 'examples/shared-bottom.rec', '--triton', repo, '--max-batch-size', '2147483648');
    expect(big.status).toBe(2);
    expect(big.stderr).toContain("argument '2147483648' is invalid. at most 2147483647 (Triton's max_batch_size is a 32-bit integer)");
    expect(big.stderr).not.toMatch(/^\s+at /m);
    const late = recc('compile', 'examples/shared-bottom.rec', '--triton', repo, '--max-queue-delay', '99999999999999999999999');
    expect(late.status).toBe(2);
    expect(late.stderr).toContain("argument '99999999999999999999999' is invalid. at most 18446744073709551615 microseconds");
    expect(late.stderr).not.toMatch(/^\s+at /m);
    expect(recc('compile', 'examples/shared-bottom.rec', '--triton', repo, '--max-queue-delay', '1.5').status).toBe(2);
    expect(readdirSync(repo)).toEqual([]);
    // the largest values each type holds: written exactly, and (where protoc is) parsed by Triton's proto
    const most = recc('compile', 'examples/shared-bottom.rec', '--triton', repo, '--max-batch-size', '2147483647', '--max-queue-delay', '18446744073709551615');
    expect(most.stderr).toBe('');
    const config = readFileSync(join(repo, 'shared_bottom', 'config.pbtxt'), 'utf8');
    expect(config).toContain('max_batch_size: 2147483647\n');
    expect(config).toContain('max_queue_delay_microseconds: 18446744073709551615\n');
    if (canCheck) {
      const c = check(repo).shared_bottom!;
      expect(c.errors).toEqual([]);
      expect(c.config!.dynamic_batching!.max_queue_delay_microseconds).toBe('18446744073709551615');
    }
  });
});
