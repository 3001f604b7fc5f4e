// How the training sessions run: `threads` intra-op threads (1 by default), one inter-op thread,
// sequential execution, and no spinning: a spinning thread pool halved throughput on a loaded
// machine in the issue-14 prototype, and the step's JavaScript half (lookups, optimizer) would
// compete with spinning threads. The config keys are onnxruntime's
// (onnxruntime_session_options_config_keys.h), passed through the binding's `extra`.
import type * as OrtModule from 'onnxruntime-node';

export interface OrtBackendOptions {
  threads: number;
  /** onnxruntime's CUDA execution provider instead of the CPU one. */
  cuda: boolean;
  /**
   * Where lookup-only tables are gathered: on the host (default: the graph sees the touched rows
   * and gives their gradient, ort/lookup-feeds.ts), or in the graph (the whole table is an input
   * and its gradient a whole-table output). bench/train-throughput.mjs measures both.
   */
  lookups?: 'host' | 'graph';
}

export function sessionOptions(o: OrtBackendOptions): OrtModule.InferenceSession.SessionOptions {
  return {
    executionProviders: [o.cuda ? 'cuda' : 'cpu'],
    intraOpNumThreads: o.threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    // errors only: onnxruntime's warnings (an unused initializer) are not the user's business
    logSeverityLevel: 3,
    extra: { session: { 'intra_op.allow_spinning': '0', 'inter_op.allow_spinning': '0' } },
  };
}
