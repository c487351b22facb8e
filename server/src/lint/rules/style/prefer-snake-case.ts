/** style/prefer-snake-case: rule, function and variable names not in snake_case. */
import { defineRule, type Finding } from '../../types';
import { exprsIn, ruleRootName, termsIn } from '../../walk';

const SNAKE = /^[a-z0-9_]+$/;

export default defineRule({
  id: 'prefer-snake-case',
  category: 'style',
  description: 'Prefer snake_case for names',
  rationale:
    'Rego, its builtins and its conventions use snake_case; mixed styles make names harder to guess.',
  check: (ctx) => {
    const out: Finding[] = [];
    const seen = new Set<string>();
    for (const r of ctx.module.rules) {
      const name = ruleRootName(r);
      if (!SNAKE.test(name) && !seen.has(name)) {
        seen.add(name);
        out.push({ location: r.head.ref.location, message: `Name \`${name}\` is not snake_case` });
      }
    }
    for (const e of exprsIn(ctx.module.rules)) {
      if (e.type !== 'assign' && e.type !== 'somedecl') continue;
      for (const v of termsIn(e.type === 'assign' ? e.left : e.vars))
        if (v.type === 'var' && !v.generated && !SNAKE.test(v.name))
          out.push({ location: v.location, message: `Name \`${v.name}\` is not snake_case` });
    }
    return out;
  },
});
