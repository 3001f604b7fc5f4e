// `param(name, shape, init: ..., group: ...)`: how stdlib blocks declare their weights.
import type { Init } from '../../ir/types.js';
import { T } from '../types.js';
import type { Builtin } from '../values.js';
import { arg } from './builtin.js';

const INITS = ['glorot_uniform', 'normal', 'uniform', 'zeros', 'ones', 'constant'];
/** The initializer each option belongs to. */
const OPTION_OF: ReadonlyArray<[string, string]> = [
  ['std', 'normal'],
  ['limit', 'uniform'],
  ['value', 'constant'],
];

export const paramBuiltin: Builtin = {
  name: 'param',
  doc: 'A weight of the enclosing block, named `<block path>.<name>`. init: glorot_uniform (default), normal (std), uniform (limit), zeros, ones, constant (value). group: the parameter group it is declared in (default "dense"; feature tables are "embedding"). trainable: false keeps it frozen unless a stage\'s `train:` selects it.',
  sig: {
    name: 'param',
    params: [
      { name: 'name', type: T.string, optional: false },
      { name: 'shape', type: T.list(T.int), optional: false },
      { name: 'init', type: T.string, optional: true },
      { name: 'std', type: T.float, optional: true },
      { name: 'limit', type: T.float, optional: true },
      { name: 'value', type: T.float, optional: true },
      { name: 'group', type: T.string, optional: true },
      { name: 'trainable', type: T.bool, optional: true },
    ],
  },
  call(ctx, args) {
    const name = arg(args, 'name', 'string')?.value;
    const shapeList = arg(args, 'shape', 'list');
    if (name === undefined || !shapeList) return { kind: 'error' };
    const shape = shapeList.items.map((i) => (i.kind === 'int' ? i.value : NaN));
    if (shape.some((d) => !Number.isInteger(d) || d <= 0)) {
      return ctx.error('REC4003', `parameter \`${name}\` needs positive dimensions, got [${shape.join(', ')}]`);
    }
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return ctx.error('REC3008', `parameter name \`${name}\` must be an identifier`);
    const initName = arg(args, 'init', 'string')?.value ?? 'glorot_uniform';
    // an option of another initializer would be ignored, and a negative spread means nothing (found by a probe)
    for (const [option, of] of OPTION_OF) {
      if (args.values.has(option) && initName !== of && INITS.includes(initName)) return ctx.error('REC3008', `\`${option}\` is an option of \`init: "${of}"\`, not of "${initName}"`, `remove \`${option}\`, or use \`init: "${of}"\``);
    }
    for (const option of ['std', 'limit']) {
      const v = arg(args, option, 'float')?.value;
      if (v !== undefined && !(v >= 0)) return ctx.error('REC3008', `\`${option}\` must be ≥ 0, found ${v}`);
    }
    let init: Init;
    switch (initName) {
      case 'glorot_uniform': {
        // Keras/Glorot convention: fan-in is the second-to-last dim (rows of a [in, out] kernel).
        const fanOut = shape[shape.length - 1]!;
        const fanIn = shape.length >= 2 ? shape[shape.length - 2]! : fanOut;
        const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
        init = { kind: 'glorot_uniform', fanIn: fanIn * receptive, fanOut: fanOut * receptive };
        break;
      }
      case 'normal':
        init = { kind: 'normal', std: arg(args, 'std', 'float')?.value ?? 0.05 };
        break;
      case 'uniform':
        init = { kind: 'uniform', limit: arg(args, 'limit', 'float')?.value ?? 0.05 };
        break;
      case 'zeros':
        init = { kind: 'zeros' };
        break;
      case 'ones':
        init = { kind: 'ones' };
        break;
      case 'constant':
        init = { kind: 'constant', value: arg(args, 'value', 'float')?.value ?? 0 };
        break;
      default:
        return ctx.error('REC3008', `unknown initializer \`${initName}\``, `use one of ${INITS.join(', ')}`);
    }
    // Any group name: a spec may give that group its own optimizer, or freeze it in a stage.
    const group = arg(args, 'group', 'string')?.value ?? 'dense';
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(group)) return ctx.error('REC3008', `parameter group \`${group}\` must be an identifier`);
    return ctx.param(name, shape, init, group, arg(args, 'trainable', 'bool')?.value ?? true);
  },
};
