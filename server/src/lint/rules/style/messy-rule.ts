/** style/messy-rule: clauses of one rule with other rules written between them. */
import { defineRule, type Finding } from '../../types';
import { ruleName } from '../../walk';

export default defineRule({
  id: 'messy-rule',
  category: 'style',
  description: 'Messy incremental rule',
  rationale: 'All clauses of a rule belong together, so a reader sees every way it can hold in one place.',
  check: (ctx) => {
    const out: Finding[] = [];
    const closed = new Set<string>();
    let current = '';
    for (const r of ctx.module.rules) {
      const name = ruleName(r);
      if (name !== current) {
        if (closed.has(name)) out.push({ location: r.head.location });
        if (current) closed.add(current);
        current = name;
      }
    }
    return out;
  },
});
