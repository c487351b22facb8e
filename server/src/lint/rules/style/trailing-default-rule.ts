/** style/trailing-default-rule: a `default` rule written after the rule it is the default of. */
import { defineRule, type Finding } from '../../types';
import { ruleName } from '../../walk';

export default defineRule({
  id: 'trailing-default-rule',
  category: 'style',
  description: 'Default rule should be declared first',
  rationale: 'The default value is the first thing a reader of a rule needs; put it above the clauses.',
  check: (ctx) => {
    const seen = new Set<string>();
    const out: Finding[] = [];
    for (const r of ctx.module.rules) {
      const name = ruleName(r);
      if (r.isDefault && seen.has(name)) out.push({ location: r.location });
      seen.add(name);
    }
    return out;
  },
});
