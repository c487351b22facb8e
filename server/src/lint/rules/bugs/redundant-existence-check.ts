/** bugs/redundant-existence-check: `input.x` checked alone, then used in the same body. */
import { defineRule, type Finding } from '../../types';
import { bodiesIn, termsIn } from '../../walk';

export default defineRule({
  id: 'redundant-existence-check',
  category: 'bugs',
  description: 'Redundant existence check',
  rationale:
    'Using a reference already fails when it is undefined, so checking that it exists first is redundant.',
  check: (ctx) => {
    const out: Finding[] = [];
    const textOf = (n: { location: { start: { offset: number }; end: { offset: number } } }) =>
      ctx.text.slice(n.location.start.offset, n.location.end.offset);
    for (const body of bodiesIn(ctx.module.rules)) {
      body.exprs.forEach((e, i) => {
        if (e.type !== 'term' || e.term.type !== 'ref' || e.with?.length) return;
        const ref = textOf(e.term);
        const used = body.exprs.some(
          (other, j) =>
            j !== i &&
            other.type !== 'not' &&
            termsIn(other).some((t) => t !== e.term && t.type === 'ref' && textOf(t) === ref),
        );
        if (used) out.push({ location: e.location });
      });
    }
    return out;
  },
});
