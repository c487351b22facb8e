/** testing/identically-named-tests: two tests with one name (the second becomes `test_x#01`). */
import { defineRule, type Finding } from '../../types';
import { ruleName } from '../../walk';

export default defineRule({
  id: 'identically-named-tests',
  category: 'testing',
  description: 'Multiple tests with same name',
  rationale: 'Tests with the same name are reported under one name, so a failure is hard to place.',
  check: (ctx) => {
    const seen = new Set<string>();
    const out: Finding[] = [];
    for (const r of ctx.module.rules) {
      const name = ruleName(r);
      if (!name.startsWith('test_')) continue;
      if (seen.has(name)) out.push({ location: r.head.location });
      seen.add(name);
    }
    return out;
  },
});
