/** Aggregates over collections: count, sum, product, max, min, sort, any, all. */
import { addNumbers, multiplyNumbers, RegoNumber } from '../value/number';
import { compareValues, num, RegoObject, RegoSet, typeNameOf, type Value } from '../value/value';
import {
  type BuiltinDef,
  collectionArg,
  defineBuiltin,
  operandTypeError,
  param,
  typeError,
} from './registry';

/** Reads a collection of numbers for sum/product. */
function numbersOf(args: Value[]): RegoNumber[] {
  const items = collectionArg(args, 0);
  return items.map((x) => {
    if (!(x instanceof RegoNumber)) {
      const t = typeNameOf(args[0] as Value);
      typeError(`operand 1 must be ${t} of numbers but got ${t} containing ${typeNameOf(x)}`);
    }
    return x;
  });
}

/** The aggregate builtins. */
export const aggregateBuiltins: BuiltinDef[] = [
  defineBuiltin({
    name: 'count',
    signature: {
      args: [param('collection', 'any<string, array, object, set>')],
      result: param('n', 'number'),
    },
    description:
      'Count takes a collection or string and returns the number of elements (or characters) in it.',
    implementation: ([c]) => {
      const v = c ?? null;
      if (typeof v === 'string') return num([...v].length);
      if (Array.isArray(v)) return num(v.length);
      if (v instanceof RegoSet || v instanceof RegoObject) return num(v.size);
      return operandTypeError(1, v, 'array', 'object', 'set', 'string');
    },
  }),
  defineBuiltin({
    name: 'sum',
    signature: {
      args: [param('collection', 'any<array[number], set[number]>')],
      result: param('n', 'number'),
    },
    description: 'Sums elements of an array or set of numbers.',
    implementation: (args) => numbersOf(args).reduce((a, b) => addNumbers(a, b), num(0)),
  }),
  defineBuiltin({
    name: 'product',
    signature: {
      args: [param('collection', 'any<array[number], set[number]>')],
      result: param('n', 'number'),
    },
    description: 'Multiplies elements of an array or set of numbers.',
    implementation: (args) => numbersOf(args).reduce((a, b) => multiplyNumbers(a, b), num(1)),
  }),
  defineBuiltin({
    name: 'max',
    signature: { args: [param('collection', 'any<array[any], set[any]>')], result: param('n', 'any') },
    description: 'Returns the maximum value in a collection.',
    implementation: (args) => {
      const items = collectionArg(args, 0);
      if (items.length === 0) return undefined;
      return items.reduce((a, b) => (compareValues(a, b) >= 0 ? a : b));
    },
  }),
  defineBuiltin({
    name: 'min',
    signature: { args: [param('collection', 'any<array[any], set[any]>')], result: param('n', 'any') },
    description: 'Returns the minimum value in a collection.',
    implementation: (args) => {
      const items = collectionArg(args, 0);
      if (items.length === 0) return undefined;
      return items.reduce((a, b) => (compareValues(a, b) <= 0 ? a : b));
    },
  }),
  defineBuiltin({
    name: 'sort',
    signature: { args: [param('collection', 'any<array[any], set[any]>')], result: param('n', 'array[any]') },
    description: 'Returns a sorted array.',
    implementation: (args) => [...collectionArg(args, 0)].sort(compareValues),
  }),
  defineBuiltin({
    name: 'any',
    signature: {
      args: [param('collection', 'any<array[any], set[any]>')],
      result: param('result', 'boolean'),
    },
    description: 'Returns true if any of the values in the collection is true (deprecated).',
    implementation: (args) => collectionArg(args, 0).some((v) => v === true),
  }),
  defineBuiltin({
    name: 'all',
    signature: {
      args: [param('collection', 'any<array[any], set[any]>')],
      result: param('result', 'boolean'),
    },
    description: 'Returns true if all of the values in the collection are true (deprecated).',
    implementation: (args) => collectionArg(args, 0).every((v) => v === true),
  }),
];
