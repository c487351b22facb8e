/** Type predicates (`is_string`, ...) and `type_name`. */
import { RegoNumber, RegoObject, RegoSet, typeNameOf, type Value } from '../value/value';
import { type BuiltinDef, defineBuiltin, param } from './registry';

/** Declares an `is_<type>` predicate: false for other types (OPA's v1 behaviour). */
function predicate(name: string, test: (v: Value) => boolean, what: string): BuiltinDef {
  return defineBuiltin({
    name,
    signature: { args: [param('x', 'any')], result: param('result', 'boolean') },
    description: `Returns \`true\` if the input value is ${what}.`,
    implementation: ([x]) => test(x ?? null),
  });
}

/** The type builtins. */
export const typeBuiltins: BuiltinDef[] = [
  predicate('is_number', (v) => v instanceof RegoNumber, 'a number'),
  predicate('is_string', (v) => typeof v === 'string', 'a string'),
  predicate('is_boolean', (v) => typeof v === 'boolean', 'a boolean'),
  predicate('is_array', (v) => Array.isArray(v), 'an array'),
  predicate('is_set', (v) => v instanceof RegoSet, 'a set'),
  predicate('is_object', (v) => v instanceof RegoObject, 'an object'),
  predicate('is_null', (v) => v === null, 'null'),
  defineBuiltin({
    name: 'type_name',
    signature: { args: [param('x', 'any')], result: param('type', 'string') },
    description: 'Returns the type of its input value.',
    implementation: ([x]) => typeNameOf(x ?? null),
  }),
];
