/** Set operations: `&`, `|`, intersection and union of sets of sets. */
import { RegoSet, type Value } from '../value/value';
import { type BuiltinDef, defineBuiltin, param, setArg, typeError } from './registry';

/** Reads a set of sets. */
function setsOf(args: Value[]): RegoSet[] {
  const outer = setArg(args, 0);
  return outer.values().map((s) => {
    if (!(s instanceof RegoSet)) typeError('operand 1 must be set of sets');
    return s;
  });
}

/** The set builtins. */
export const setBuiltins: BuiltinDef[] = [
  defineBuiltin({
    name: 'and',
    infix: '&',
    signature: { args: [param('x', 'set[any]'), param('y', 'set[any]')], result: param('z', 'set[any]') },
    description: 'Returns the intersection of two sets.',
    implementation: (args) => {
      const a = setArg(args, 0);
      const b = setArg(args, 1);
      return RegoSet.of(a.values().filter((v) => b.has(v)));
    },
  }),
  defineBuiltin({
    name: 'or',
    infix: '|',
    signature: { args: [param('x', 'set[any]'), param('y', 'set[any]')], result: param('z', 'set[any]') },
    description: 'Returns the union of two sets.',
    implementation: (args) => RegoSet.of([...setArg(args, 0).values(), ...setArg(args, 1).values()]),
  }),
  defineBuiltin({
    name: 'intersection',
    signature: { args: [param('xs', 'set[set[any]]')], result: param('y', 'set[any]') },
    description: 'Returns the intersection of the given input sets.',
    implementation: (args) => {
      const sets = setsOf(args);
      const [first, ...rest] = sets;
      if (!first) return new RegoSet();
      return RegoSet.of(first.values().filter((v) => rest.every((s) => s.has(v))));
    },
  }),
  defineBuiltin({
    name: 'union',
    signature: { args: [param('xs', 'set[set[any]]')], result: param('y', 'set[any]') },
    description: 'Returns the union of the given input sets.',
    implementation: (args) => RegoSet.of(setsOf(args).flatMap((s) => s.values())),
  }),
];
