// The children Prettier looks through when attaching comments (names and types are not: they are
// leaves inside a declaration's head, and a comment there goes to the declaration).
import { endOf, startOf, type Node } from './print-util.js';

export function visitorKeys(n: Node): string[] {
  switch (n.kind) {
    case 'File': return ['items'];
    case 'Block': return ['params', 'body'];
    case 'Param': return ['default'];
    case 'Let': case 'Assign': case 'Return': case 'Feature': case 'Pc': case 'Support': case 'Field': case 'Arg':
      return ['value'];
    case 'For': return ['iterable', 'body'];
    case 'If': return ['cond', 'then', 'else'];
    case 'Model': return ['items'];
    case 'Features': return ['features'];
    case 'Task': return ['head', 'fields'];
    case 'Train': return ['fields'];
    case 'MetaBlock': return ['inner', 'body'];
    case 'Stage': return ['fields', 'tasks'];
    case 'Paren': return ['expr'];
    case 'List': return ['items'];
    case 'Record': return ['fields'];
    case 'Member': return ['object'];
    case 'Index': return ['object', 'index'];
    case 'Call': return ['callee', 'args'];
    case 'Unary': return ['operand'];
    case 'Binary': return ['left', 'right'];
    default: return [];
  }
}

/**
 * The lists the printer puts one item per line (bodies), or on one line unless they break (brackets:
 * then one item per line, each followed by `,`; a line comment in them breaks them).
 */
export const LISTS: Record<string, readonly string[]> = {
  File: ['items'],
  Block: ['params', 'body'],
  For: ['body'],
  If: ['then', 'else'],
  Model: ['items'],
  Features: ['features'],
  Task: ['fields'],
  Train: ['fields'],
  MetaBlock: ['inner', 'body'],
  Stage: ['fields', 'tasks'],
  List: ['items'],
  Record: ['fields'],
  Call: ['args'],
};

/** The key of `parent` that holds `child` (itself or in a list), or undefined. */
export function keyOf(parent: Node, child: Node): string | undefined {
  const fields = parent as unknown as Record<string, unknown>;
  return visitorKeys(parent).find((k) => fields[k] === child || (Array.isArray(fields[k]) && (fields[k] as unknown[]).includes(child)));
}

/** The nodes from `root` down to the parent of `target` (empty when `target` is `root` or not under it). */
export function ancestors(root: Node, target: Node): Node[] {
  const chain: Node[] = [];
  const [from, to] = [startOf(target), endOf(target)];
  for (let n: Node | undefined = root; n && n !== target; ) {
    chain.push(n);
    const fields = n as unknown as Record<string, unknown>;
    const children: Node[] = visitorKeys(n).flatMap((k) => (Array.isArray(fields[k]) ? (fields[k] as Node[]) : fields[k] ? [fields[k] as Node] : []));
    // a child holds the target when its span covers the target's (children do not overlap)
    n = children.find((c) => c === target) ?? children.find((c) => startOf(c) <= from && to <= endOf(c));
    if (!n) return [];
  }
  return chain;
}
