/** bugs/top-level-iteration: a rule value that iterates (`x := input.items[_]`) without a body. */
import { defineRule } from '../../types';

export default defineRule({
  id: 'top-level-iteration',
  category: 'bugs',
  description: 'Iteration in top-level assignment',
  rationale:
    'A complete rule whose value iterates gives a conflict error as soon as two values exist; iterate in a body or a comprehension.',
  check: (ctx) =>
    ctx.module.rules
      .filter((r) => {
        const v = r.head.value;
        if (!v || r.head.args || r.body.exprs.length > 0 || v.type !== 'ref') return false;
        const argNames = new Set<string>();
        return v.terms.slice(1).some((t) => t.type === 'var' && !argNames.has(t.name));
      })
      .map((r) => ({ location: r.head.location })),
});
