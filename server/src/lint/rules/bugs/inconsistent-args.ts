/** bugs/inconsistent-args: clauses of one function naming the same argument position differently. */
import { defineRule, type Finding } from '../../types';
import { ruleName } from '../../walk';

export default defineRule({
  id: 'inconsistent-args',
  category: 'bugs',
  description: 'Inconsistently named function arguments',
  rationale:
    'Clauses of a function that call the same argument by different names are hard to read, and often mean arguments were swapped by mistake.',
  check: (ctx) => {
    const first = new Map<string, Array<string | undefined>>();
    const out: Finding[] = [];
    for (const r of ctx.module.rules) {
      if (!r.head.args) continue;
      const names = r.head.args.map((a) => (a.type === 'var' && !a.generated ? a.name : undefined));
      const name = ruleName(r);
      const prev = first.get(name);
      if (!prev) {
        first.set(name, names);
        continue;
      }
      if (names.some((n, i) => n !== undefined && prev[i] !== undefined && n !== prev[i]))
        out.push({ location: r.head.location });
    }
    return out;
  },
});
