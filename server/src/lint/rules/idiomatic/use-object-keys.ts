/** idiomatic/use-object-keys: `{k | some k, _ in obj}` or `{k | obj[k]}`, which is `object.keys(obj)`. */
import { defineRule } from '../../types';
import { termsIn } from '../../walk';

export default defineRule({
  id: 'use-object-keys',
  category: 'idiomatic',
  description: 'Prefer to use `object.keys`',
  rationale: '`object.keys(obj)` names the intent of a comprehension that only collects keys.',
  check: (ctx) =>
    termsIn(ctx.module.rules).flatMap((t) => {
      if (t.type !== 'setcomprehension' || t.term.type !== 'var' || t.body.exprs.length !== 1) return [];
      const name = t.term.name;
      const e = t.body.exprs[0];
      if (
        e?.type === 'somein' &&
        e.key?.type === 'var' &&
        e.key.name === name &&
        e.value.type === 'var' &&
        e.value.generated
      )
        return [{ location: t.location }];
      if (e?.type === 'term' && e.term.type === 'ref') {
        const last = e.term.terms[e.term.terms.length - 1];
        if (e.term.terms.length >= 2 && last?.type === 'var' && last.name === name)
          return [{ location: t.location }];
      }
      return [];
    }),
});
