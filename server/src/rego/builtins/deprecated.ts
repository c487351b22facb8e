/**
 * Deprecated builtins OPA still accepts in v0 mode (rejected by `--v0-compatible`-less v1 strict
 * checks, but real v0 policies call them): cast_array, cast_set, cast_string, cast_boolean,
 * cast_null, cast_object, set_diff and net.cidr_overlap. Each behaves as OPA's topdown/casts.go
 * and sets.go do: a cast returns its operand when it already has the type (an array or set for
 * cast_array/cast_set), and raises an operand type error otherwise.
 */
import { RegoObject, RegoSet, type Value } from '../value/value';
import { netBuiltins } from './net';
import { type BuiltinDef, collectionArg, defineBuiltin, operandTypeError, param, setArg } from './registry';

/** Declares a cast that accepts only values of one type. */
function identityCast(name: string, type: string, is: (v: Value) => boolean): BuiltinDef {
  return defineBuiltin({
    name,
    signature: { args: [param('x', 'any')], result: param('y', type) },
    description: `Returns \`x\` when it is ${type === 'null' ? 'null' : `a ${type}`}; an error otherwise (deprecated).`,
    implementation: (args) => {
      const v = args[0] ?? null;
      return is(v) ? v : operandTypeError(1, v, type);
    },
  });
}

const cidrContains = netBuiltins.find((b) => b.name === 'net.cidr_contains') as BuiltinDef;

/** The deprecated builtins. */
export const deprecatedBuiltins: BuiltinDef[] = [
  defineBuiltin({
    name: 'cast_array',
    signature: { args: [param('x', 'any')], result: param('y', 'array[any]') },
    description: 'Converts a set or array to an array (sets in sorted order) (deprecated).',
    implementation: (args) => {
      const v = args[0] ?? null;
      return Array.isArray(v) ? v : collectionArg(args, 0);
    },
  }),
  defineBuiltin({
    name: 'cast_set',
    signature: { args: [param('x', 'any')], result: param('y', 'set[any]') },
    description: 'Converts an array or set to a set (deprecated).',
    implementation: (args) => {
      const v = args[0] ?? null;
      return v instanceof RegoSet ? v : RegoSet.of(collectionArg(args, 0));
    },
  }),
  identityCast('cast_string', 'string', (v) => typeof v === 'string'),
  identityCast('cast_boolean', 'boolean', (v) => typeof v === 'boolean'),
  identityCast('cast_null', 'null', (v) => v === null),
  identityCast('cast_object', 'object', (v) => v instanceof RegoObject),
  defineBuiltin({
    name: 'set_diff',
    signature: { args: [param('a', 'set[any]'), param('b', 'set[any]')], result: param('c', 'set[any]') },
    description: 'Returns the members of `a` that are not in `b` (deprecated: use `a - b`).',
    implementation: (args) => {
      const a = setArg(args, 0);
      const b = setArg(args, 1);
      return RegoSet.of(a.values().filter((v) => !b.has(v)));
    },
  }),
  defineBuiltin({
    ...cidrContains,
    name: 'net.cidr_overlap',
    description: 'Checks if an IP or CIDR is contained in a CIDR (deprecated: use net.cidr_contains).',
  }),
];
