// The recc package API: the front end, the lowerings and the data contract, for tools that embed
// the compiler (the CLI, the language server and the Prettier plugin are built on these).
export { analyze, analyzeFile, type Analysis, type AnalyzeOptions } from './semantics/analyze.js';
export { parse, type ParseResult } from './syntax/parse.js';
export type { Diagnostic, Severity } from './diagnostics/diagnostic.js';
export { CODES, type DiagnosticCode } from './diagnostics/codes.js';
export { renderDiagnostic } from './diagnostics/render.js';
export type { IRGraph, IRNode, ParamDecl, FeatureSpec, TaskSpec, TrainSpec } from './ir/types.js';
export { graphStats, type GraphStats } from './ir/stats.js';
export { OPS, getOp } from './ops/registry.js';
/** The hash of `id(hash: N)` features; serving clients send `hashBucket(value, N)`. */
export { hashBucket, fnv1a32 } from './data/hash.js';
export { lowerToOnnx } from './lower/onnx/lower.js';
export { buildForward } from './lower/tfjs/forward.js';
export { initWeights } from './lower/tfjs/init.js';
export { initBackend, type BackendName } from './lower/tfjs/backend.js';
export { encodeSafetensors, decodeSafetensors, checkWeights } from './io/safetensors.js';
