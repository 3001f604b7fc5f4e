// Printers of expressions, call arguments and record fields. Numbers and strings are printed as
// the user wrote them (`raw`: `200_000`, `1e-3`, escapes), and the user's parentheses are kept, so
// reprinting never changes a value or a grouping.
import { doc, type AstPath, type Doc } from 'prettier';
import type * as A from '../syntax/ast.js';
import { delimited, type Node, type Print } from './print-util.js';

const { group, indent, line } = doc.builders;

const PRECEDENCE: Record<A.BinaryOp, number> = {
  or: 1,
  and: 2,
  '==': 3,
  '!=': 3,
  '<': 3,
  '<=': 3,
  '>': 3,
  '>=': 3,
  '+': 4,
  '-': 4,
  '*': 5,
  '/': 5,
  '@': 5,
};

type ExprNode = A.Expr | A.Arg | A.Field;

export function printExpr(path: AstPath<Node>, print: Print, n: ExprNode): Doc {
  const p = (key: string) => path.call(print as never, key as never) as Doc;
  const all = (key: string) => path.map(print as never, key as never) as Doc[];
  switch (n.kind) {
    case 'Number':
    case 'String':
      return n.raw;
    case 'Bool':
      return n.value ? 'true' : 'false';
    case 'Name':
      return n.name;
    case 'Paren':
      return ['(', p('expr'), ')'];
    case 'List':
      return delimited(path, '[', ']', all('items'), 'items');
    case 'Record':
      return delimited(path, '{', '}', all('fields'), 'fields', true);
    case 'Field':
      return [n.name.name, ': ', p('value')];
    case 'Arg':
      return n.name ? [n.name.name, ': ', p('value')] : p('value');
    case 'Member':
      // a number may not be followed by `.` (`1.m` is a malformed number): `1 .m` keeps its space
      return [p('object'), n.object.kind === 'Number' ? ' .' : '.', n.property.name];
    case 'Index':
      return [p('object'), '[', p('index'), ']'];
    case 'Call':
      return [p('callee'), delimited(path, '(', ')', all('args'), 'args')];
    case 'Unary':
      return [n.op === 'not' ? 'not ' : '-', p('operand')];
    case 'Binary': {
      // A chain of one precedence (`a + b - c`) is one group: when it does not fit, it breaks
      // after every operator, each operand on its own line one indent in.
      const parent = path.parent as Node | null;
      const inChain = parent?.kind === 'Binary' && PRECEDENCE[parent.op] === PRECEDENCE[n.op] && parent.left === n;
      const parts = [p('left'), ' ', n.op, line, p('right')];
      return inChain ? parts : group(indent(parts));
    }
  }
}
