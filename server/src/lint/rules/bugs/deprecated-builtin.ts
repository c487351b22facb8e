/** bugs/deprecated-builtin: calls to builtins OPA has deprecated. */
import { defineRule } from '../../types';
import { callsIn } from '../../walk';

/** Deprecated builtins and what replaces them. */
const DEPRECATED: Record<string, string> = {
  any: 'the `in` operator or a comprehension',
  all: '`every`',
  re_match: 'regex.match',
  'net.cidr_overlap': 'net.cidr_contains',
  set_diff: 'the `-` operator',
  cast_array: 'a comprehension',
  cast_set: 'a comprehension',
  cast_string: 'format_int or sprintf',
  cast_boolean: 'a comparison',
  cast_null: 'null',
  cast_object: 'an object comprehension',
};

export default defineRule({
  id: 'deprecated-builtin',
  category: 'bugs',
  description: 'Avoid using deprecated built-in functions',
  rationale:
    'Deprecated builtins are not available in Rego v1 (or will be removed); use what replaces them so the policy keeps working on newer OPA.',
  check: (ctx) =>
    callsIn(ctx.module.rules)
      .filter(({ name }) => name in DEPRECATED)
      .map(({ call, name }) => ({
        location: call.location,
        message: `Deprecated built-in function \`${name}\`: use ${DEPRECATED[name]}`,
      })),
});
