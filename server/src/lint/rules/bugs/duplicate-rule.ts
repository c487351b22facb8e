/** bugs/duplicate-rule: two rule clauses with exactly the same text. */
import { defineRule, type Finding } from '../../types';

export default defineRule({
  id: 'duplicate-rule',
  category: 'bugs',
  description: 'Duplicate rule found within module',
  rationale: 'A clause written twice adds nothing; usually one copy was meant to be changed.',
  check: (ctx) => {
    const seen = new Map<string, number>();
    const out: Finding[] = [];
    for (const r of ctx.module.rules) {
      const text = ctx.text.slice(r.location.start.offset, r.location.end.offset).replace(/\s+/g, ' ');
      const first = seen.get(text);
      if (first !== undefined)
        out.push({ location: r.location, message: `Duplicate rule found (same as line ${first})` });
      else seen.set(text, r.location.start.line);
    }
    return out;
  },
});
