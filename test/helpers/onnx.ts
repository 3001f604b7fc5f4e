// Test helpers: run ONNX bytes in onnxruntime-node, and check files with Debian's ONNX checker.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';

export type Feed = Record<string, ort.Tensor>;

export async function runOnnx(bytes: Uint8Array, feeds: Feed): Promise<Record<string, Float32Array>> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'disabled' });
  const out = await session.run(feeds);
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.data as Float32Array]));
}

export { ort };

/** True when /usr/bin/python3 can import onnx (Debian's python3-onnx). */
export function haveOnnxChecker(): boolean {
  return spawnSync('/usr/bin/python3', ['-c', 'import onnx'], { encoding: 'utf8' }).status === 0;
}

/** Run onnx.checker.check_model(full_check=True) on each model; returns error text per failing file. */
export function checkOnnx(models: Record<string, Uint8Array>): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'recc-onnx-'));
  const files = Object.entries(models).map(([name, bytes]) => {
    const f = join(dir, `${name.replace(/[^A-Za-z0-9_.-]/g, '_')}.onnx`);
    writeFileSync(f, bytes);
    return [name, f] as const;
  });
  const script = `
import onnx, sys, json
errors = {}
for name, path in json.loads(sys.argv[1]):
    try:
        onnx.checker.check_model(onnx.load(path), full_check=True)
    except Exception as e:
        errors[name] = str(e)[:2000]
print(json.dumps(errors))
`;
  const r = spawnSync('/usr/bin/python3', ['-c', script, JSON.stringify(files)], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`onnx checker failed to run: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, string>;
}

/** An onnxruntime tensor of IR values: int32 ids become int64, floats stay float32. */
export function ortTensor(data: ArrayLike<number>, shape: number[], ids = data instanceof Int32Array): ort.Tensor {
  return ids ? new ort.Tensor('int64', BigInt64Array.from(Array.from(data, (x) => BigInt(x))), shape) : new ort.Tensor('float32', data instanceof Float32Array ? data : Float32Array.from(data), shape);
}
