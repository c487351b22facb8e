/** bugs/if-empty-object: `p if {}`, which is the empty object (always true), not an empty body. */
import { defineRule } from '../../types';

export default defineRule({
  id: 'if-empty-object',
  category: 'bugs',
  description: 'Empty object following `if`',
  rationale:
    '`if {}` is a condition that is an empty object, which is always truthy: the rule holds unconditionally.',
  check: (ctx) =>
    ctx.module.rules
      .filter((r) => {
        const only = r.body.exprs[0];
        return (
          r.body.exprs.length === 1 &&
          only?.type === 'term' &&
          only.term.type === 'object' &&
          only.term.entries.length === 0
        );
      })
      .map((r) => ({ location: r.body.location })),
});
