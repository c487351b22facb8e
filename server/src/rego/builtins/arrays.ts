/** Array functions: concat, slice, reverse. */
import { type RegoNumber, toSafeInteger } from '../number';
import { arrayArg, type BuiltinDef, defineBuiltin, numberArg, param } from './registry';

/** Clamps a slice index the way OPA does. */
function sliceIndex(n: RegoNumber, len: number): number {
  const i = toSafeInteger(n) ?? Math.trunc(Number(n.toString()));
  return Math.max(0, Math.min(len, i));
}

/** The array builtins. */
export const arrayBuiltins: BuiltinDef[] = [
  defineBuiltin({
    name: 'array.concat',
    signature: {
      args: [param('x', 'array[any]'), param('y', 'array[any]')],
      result: param('z', 'array[any]'),
    },
    description: 'Concatenates two arrays.',
    implementation: (args) => [...arrayArg(args, 0), ...arrayArg(args, 1)],
  }),
  defineBuiltin({
    name: 'array.slice',
    signature: {
      args: [param('arr', 'array[any]'), param('start', 'number'), param('stop', 'number')],
      result: param('slice', 'array[any]'),
    },
    description: 'Returns a slice of a given array; out-of-range indices are clamped.',
    implementation: (args) => {
      const arr = arrayArg(args, 0);
      const start = sliceIndex(numberArg(args, 1), arr.length);
      const stop = sliceIndex(numberArg(args, 2), arr.length);
      return start >= stop ? [] : arr.slice(start, stop);
    },
  }),
  defineBuiltin({
    name: 'array.reverse',
    signature: { args: [param('arr', 'array[any]')], result: param('rev', 'array[any]') },
    description: 'Returns the reverse of a given array.',
    implementation: (args) => [...arrayArg(args, 0)].reverse(),
  }),
];
