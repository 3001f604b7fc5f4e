// The graph input names of a support set (SupportSpec): `<name>.<item>` per item, then
// `<name>.label` and `<name>.mask`. One definition for the front end, the data loader, the ONNX
// lowering and the IR checks.
import type { SupportSpec } from './types.js';

export const SUPPORT_LABEL = 'label';
export const SUPPORT_MASK = 'mask';

/** The input name of one part (an item feature, `label` or `mask`) of the support set `set`. */
export const supportInput = (set: string, part: string): string => `${set}.${part}`;

/** Every input of a support set: its items in order, then the label and the mask. */
export function supportInputNames(s: SupportSpec): string[] {
  return [...s.items, SUPPORT_LABEL, SUPPORT_MASK].map((part) => supportInput(s.name, part));
}
