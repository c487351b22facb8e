/** style/prefer-some-in-iteration: `x := input.items[_]` where `some x in input.items` says it. */
import { defineRule } from '../../types';
import { exprsIn } from '../../walk';

export default defineRule({
  id: 'prefer-some-in-iteration',
  category: 'style',
  description: 'Prefer `some .. in` for iteration',
  rationale: '`some x in xs` declares the iteration and its variable; `xs[_]` hides it in a reference.',
  check: (ctx) =>
    exprsIn(ctx.module.rules).flatMap((e) => {
      if ((e.type !== 'assign' && e.type !== 'unify') || e.right.type !== 'ref' || e.left.type !== 'var')
        return [];
      const last = e.right.terms[e.right.terms.length - 1];
      return last?.type === 'var' && last.generated ? [{ location: e.location }] : [];
    }),
});
