// The serving signature of an ONNX model: its graph inputs and outputs with their element types
// and shapes, read back from the model itself (so it is what the file says, whatever wrote it).
import pkg from 'onnx-proto';

const { onnx } = pkg;

export type ElemType = 'float32' | 'int64' | 'string';

/**
 * The symbolic dimension of a LiMAML task's support rows in meta.onnx: not `batch`, the latest
 * rows' count, since ONNX takes one symbol for one size and a task sends 1 latest row and N
 * support rows (onnxruntime warns on every run of a model that says otherwise).
 */
export const SUPPORT_ROWS_DIM = 'support_rows';

export interface TensorSignature {
  name: string;
  elemType: ElemType;
  /** 'batch' for the symbolic batch dimension, SUPPORT_ROWS_DIM for a task's support rows. */
  dims: Array<number | 'batch' | typeof SUPPORT_ROWS_DIM>;
}

export interface OnnxSignature {
  inputs: TensorSignature[];
  outputs: TensorSignature[];
}

const ELEM: Record<number, ElemType> = { 1: 'float32', 7: 'int64', 8: 'string' };

function tensor(v: pkg.onnx.IValueInfoProto): TensorSignature {
  const t = v.type?.tensorType;
  const elemType = ELEM[t?.elemType ?? 0];
  if (!v.name || !elemType) throw new Error(`internal: ONNX value ${v.name ?? '?'} has element type ${t?.elemType ?? 'none'}, not float32, int64 or string`);
  const dims = (t?.shape?.dim ?? []).map((d) => {
    if (d.dimParam === 'batch') return 'batch' as const;
    if (d.dimParam === SUPPORT_ROWS_DIM) return SUPPORT_ROWS_DIM;
    const n = Number(d.dimValue ?? NaN);
    if (!Number.isInteger(n) || n < 1) throw new Error(`internal: ONNX value ${v.name} has a dimension ${d.dimParam ?? String(d.dimValue)}`);
    return n;
  });
  return { name: v.name, elemType, dims };
}

export function onnxSignature(bytes: Uint8Array): OnnxSignature {
  const g = onnx.ModelProto.decode(bytes).graph;
  if (!g) throw new Error('internal: an ONNX model without a graph');
  return { inputs: (g.input ?? []).map(tensor), outputs: (g.output ?? []).map(tensor) };
}
