/** Array functions: concat, slice, reverse, flatten. */
import { type RegoNumber, toSafeInteger } from '../value/number';
import type { Value } from '../value/value';
import { arrayArg, type BuiltinDef, chargeBytes, defineBuiltin, numberArg, param } from './registry';

/** Clamps a slice index the way OPA does. */
function sliceIndex(n: RegoNumber, len: number): number {
  const i = toSafeInteger(n) ?? Math.trunc(Number(n.toString()));
  return Math.max(0, Math.min(len, i));
}

/** Flattens nested arrays into `out`, depth first, charging each member (members may be shared). */
function flattenInto(items: Value[], out: Value[], charge: (n: number) => void): void {
  charge(items.length);
  for (const v of items) {
    if (Array.isArray(v)) flattenInto(v, out, charge);
    else out.push(v);
  }
}

/** The array builtins. */
export const arrayBuiltins: BuiltinDef[] = [
  defineBuiltin({
    name: 'array.flatten',
    signature: { args: [param('arr', 'array[any]')], result: param('flattened', 'array[any]') },
    description: 'Returns the array with every nested array replaced by its members, recursively.',
    implementation: (args, ctx) => {
      const out: Value[] = [];
      let pending = 0;
      flattenInto(arrayArg(args, 0), out, (n) => {
        pending += n;
        if (pending > 4096) {
          chargeBytes(ctx, pending * 16);
          pending = 0;
        }
      });
      return out;
    },
  }),
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
