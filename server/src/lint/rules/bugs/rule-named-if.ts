/** bugs/rule-named-if: a rule called `if`, what v0 makes of `p if { ... }` without the import. */
import { defineRule } from '../../types';
import { ruleRootName } from '../../walk';

export default defineRule({
  id: 'rule-named-if',
  category: 'bugs',
  description: 'Rule named "if"',
  rationale:
    'In Rego v0 without `import rego.v1`, `allow if { ... }` defines a rule named `if`: never what was meant.',
  check: (ctx) =>
    ctx.module.rules.filter((r) => ruleRootName(r) === 'if').map((r) => ({ location: r.head.location })),
});
