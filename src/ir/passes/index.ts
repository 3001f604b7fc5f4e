// The IR pipeline after elaboration: an ordered, named list of passes. verify() runs after each.
import type { IRGraph } from '../types.js';
import { prune } from './prune.js';

export const PASSES: Array<{ name: string; run: (g: IRGraph) => IRGraph }> = [{ name: 'prune', run: prune }];
