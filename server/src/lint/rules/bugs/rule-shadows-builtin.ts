/** bugs/rule-shadows-builtin: a rule or function named like a builtin. */
import { lookupBuiltin } from '../../../rego/builtins';
import { defineRule } from '../../types';
import { ruleRootName } from '../../walk';

export default defineRule({
  id: 'rule-shadows-builtin',
  category: 'bugs',
  description: 'Rule name shadows built-in',
  rationale:
    'A rule named like a builtin (`count`, `contains`) hides it in the package and confuses readers.',
  check: (ctx) =>
    ctx.module.rules
      .filter((r) => r.head.ref.terms.length === 1 && lookupBuiltin(ruleRootName(r)) !== undefined)
      .map((r) => ({
        location: r.head.ref.location,
        message: `Rule name shadows built-in \`${ruleRootName(r)}\``,
      })),
});
