/** style/double-negative: `not no_access`, a negation of a negatively named rule. */
import { defineRule } from '../../types';
import { exprsIn } from '../../walk';

export default defineRule({
  id: 'double-negative',
  category: 'style',
  description: 'Avoid double negatives',
  rationale: '`not no_x` makes the reader undo two negations; name the rule for the positive case.',
  check: (ctx) =>
    exprsIn(ctx.module.rules).flatMap((e) => {
      if (e.type !== 'not' || e.expr.type !== 'term') return [];
      const t = e.expr.term;
      const name =
        t.type === 'var'
          ? t.name
          : t.type === 'ref' && t.terms.length === 1 && t.terms[0]?.type === 'var'
            ? t.terms[0].name
            : '';
      return /^(no|not)_/.test(name) ? [{ location: e.location }] : [];
    }),
});
