/** bugs/not-equals-in-loop: `!=` against an iteration (`x != arr[_]`). */
import type { Term } from '../../../rego/syntax/ast';
import { defineRule } from '../../types';
import { callsIn } from '../../walk';

const iterates = (t: Term) =>
  t.type === 'ref' && t.terms.slice(1).some((p) => p.type === 'var' && p.generated);

export default defineRule({
  id: 'not-equals-in-loop',
  category: 'bugs',
  description: 'Use of != in loop',
  rationale:
    '`x != arr[_]` holds when any element differs, not when none equals x; use `not x in arr` (or a helper rule) for "none of".',
  check: (ctx) =>
    callsIn(ctx.module.rules)
      .filter(({ call, name }) => name === 'neq' && call.args.some(iterates))
      .map(({ call }) => ({ location: call.location })),
});
