/**
 * Comparison operators (`==`, `!=`, `<`, `<=`, `>`, `>=`): they compare any two values by OPA's
 * total order and structural equality.
 */
import { compareValues, equalValues } from '../value/value';
import { type BuiltinDef, defineBuiltin, param } from './registry';

/** Declares a binary comparison builtin. */
function comparison(
  name: string,
  infix: string,
  test: (c: number) => boolean,
  description: string,
): BuiltinDef {
  return defineBuiltin({
    name,
    infix,
    signature: { args: [param('x', 'any'), param('y', 'any')], result: param('result', 'boolean') },
    description,
    implementation: ([x, y]) => test(compareValues(x ?? null, y ?? null)),
  });
}

/** The comparison builtins. */
export const comparisonBuiltins: BuiltinDef[] = [
  defineBuiltin({
    name: 'equal',
    infix: '==',
    signature: { args: [param('x', 'any'), param('y', 'any')], result: param('result', 'boolean') },
    description: 'Returns true if `x` is equal to `y`.',
    implementation: ([x, y]) => equalValues(x ?? null, y ?? null),
  }),
  defineBuiltin({
    name: 'neq',
    infix: '!=',
    signature: { args: [param('x', 'any'), param('y', 'any')], result: param('result', 'boolean') },
    description: 'Returns true if `x` is not equal to `y`.',
    implementation: ([x, y]) => !equalValues(x ?? null, y ?? null),
  }),
  comparison('lt', '<', (c) => c < 0, 'Returns true if `x` is less than `y`.'),
  comparison('lte', '<=', (c) => c <= 0, 'Returns true if `x` is less than or equal to `y`.'),
  comparison('gt', '>', (c) => c > 0, 'Returns true if `x` is greater than `y`.'),
  comparison('gte', '>=', (c) => c >= 0, 'Returns true if `x` is greater than or equal to `y`.'),
];
