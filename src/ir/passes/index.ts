// The IR pipeline after elaboration: an ordered, named list of passes, and how any pass is run:
// verify() after it, a failure being a compiler bug. Passes run on demand (cut) go through
// applyPass too.
import type { IRGraph } from '../types.js';
import { verify } from '../verify.js';
import { objectives } from './objectives.js';
import { prune } from './prune.js';

export interface Pass {
  name: string;
  run: (g: IRGraph) => IRGraph;
}

export const PASSES: Pass[] = [
  { name: 'prune', run: prune },
  { name: 'objectives', run: objectives },
];

/** Throw (a compiler bug) when `g` fails verification; `after` and `where` say what made it. */
export function checkVerified(g: IRGraph, after: string, where: string): IRGraph {
  const problems = verify(g);
  if (problems.length > 0) throw new Error(`internal: the IR of ${where} fails verification after ${after}:\n${problems.join('\n')}`);
  return g;
}

/** Run one pass and verify its result. */
export function applyPass(g: IRGraph, pass: Pass): IRGraph {
  return checkVerified(pass.run(g), pass.name, g.file);
}

/** The pipeline in order, each pass verified, starting from a verified graph. */
export function runPasses(graph: IRGraph): IRGraph {
  let g = checkVerified(graph, 'elaboration', graph.file);
  for (const pass of PASSES) g = applyPass(g, pass);
  return g;
}
