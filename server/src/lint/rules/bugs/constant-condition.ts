/** bugs/constant-condition: an expression that is a constant, or compares two constants. */
import type { Term } from '../../../rego/syntax/ast';
import { defineRule } from '../../types';
import { callName, exprsIn, isScalar } from '../../walk';

const COMPARISONS = new Set(['equal', 'neq', 'lt', 'lte', 'gt', 'gte']);

export default defineRule({
  id: 'constant-condition',
  category: 'bugs',
  description: 'Constant condition',
  rationale:
    'An expression that is a constant (other than true) or compares two constants always gives the same answer: it is left over from debugging or a mistake.',
  check: (ctx) =>
    exprsIn(ctx.module.rules).flatMap((e) => {
      if (e.type !== 'term') return [];
      const t: Term = e.term;
      if (isScalar(t) && !(t.type === 'boolean' && t.value === true)) return [{ location: e.location }];
      if (t.type === 'call' && COMPARISONS.has(callName(t)) && t.args.length === 2 && t.args.every(isScalar))
        return [{ location: e.location }];
      return [];
    }),
});
