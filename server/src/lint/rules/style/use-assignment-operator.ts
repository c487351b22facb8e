/** style/use-assignment-operator: `p = 1` in a rule head, where `:=` says "assign". */
import { locate } from '../../context';
import { defineRule, type Finding } from '../../types';

export default defineRule({
  id: 'use-assignment-operator',
  category: 'style',
  description: 'Prefer := over = for assignment',
  rationale: '`=` is unification; `:=` says the rule is assigned a value and fails to compile on a clash.',
  fixable: true,
  check: (ctx) => {
    const out: Finding[] = [];
    for (const r of ctx.module.rules) {
      const v = r.head.value;
      if (r.head.assign !== '=' || !v) continue;
      const between = ctx.text.slice(r.head.ref.location.end.offset, v.location.start.offset);
      const at = between.lastIndexOf('=');
      if (at < 0) continue;
      const offset = r.head.ref.location.end.offset + at;
      out.push({
        location: locate(ctx, offset, offset + 1),
        fix: { title: 'Use :=', edits: [{ ...locate(ctx, offset, offset + 1), text: ':=' }] },
      });
    }
    return out;
  },
});
