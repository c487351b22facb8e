/** idiomatic/use-in-operator: `x == arr[_]` where `x in arr` says it. */
import type { Term } from '../../../rego/syntax/ast';
import { defineRule } from '../../types';
import { callsIn } from '../../walk';

const lastIsWildcard = (t: Term | undefined) => {
  if (t?.type !== 'ref') return false;
  const last = t.terms[t.terms.length - 1];
  return last?.type === 'var' && !!last.generated;
};

export default defineRule({
  id: 'use-in-operator',
  category: 'idiomatic',
  description: 'Use in to check for membership',
  rationale: '`"admin" in input.roles` says what `"admin" == input.roles[_]` means, and reads better.',
  check: (ctx) =>
    callsIn(ctx.module.rules)
      .filter(
        ({ call, name }) =>
          name === 'equal' && (lastIsWildcard(call.args[0]) || lastIsWildcard(call.args[1])),
      )
      .map(({ call }) => ({ location: call.location })),
});
