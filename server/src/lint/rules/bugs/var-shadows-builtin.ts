/** bugs/var-shadows-builtin: a local variable named like a builtin (`count := 1`). */

import { lookupBuiltin } from '../../../rego/builtins';
import type { Term } from '../../../rego/syntax/ast';
import { defineRule, type Finding } from '../../types';
import { exprsIn, termsIn } from '../../walk';

export default defineRule({
  id: 'var-shadows-builtin',
  category: 'bugs',
  description: 'Variable name shadows built-in',
  rationale:
    'A variable named like a builtin hides the builtin in that body and reads as a call that is not one.',
  check: (ctx) => {
    const out: Finding[] = [];
    const flag = (t: Term) => {
      for (const v of termsIn(t))
        if (v.type === 'var' && !v.generated && lookupBuiltin(v.name))
          out.push({ location: v.location, message: `Variable \`${v.name}\` shadows built-in` });
    };
    for (const e of exprsIn(ctx.module.rules)) {
      if (e.type === 'assign') flag(e.left);
      if (e.type === 'somedecl') for (const v of e.vars) flag(v);
      if (e.type === 'somein' || e.type === 'every') {
        flag(e.value);
        if (e.key) flag(e.key);
      }
    }
    return out;
  },
});
