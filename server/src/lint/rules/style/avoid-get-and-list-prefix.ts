/** style/avoid-get-and-list-prefix: rules named `get_x` or `list_x`. */
import { defineRule } from '../../types';
import { ruleRootName } from '../../walk';

export default defineRule({
  id: 'avoid-get-and-list-prefix',
  category: 'style',
  description: 'Avoid `get_` and `list_` prefix for rules and functions',
  rationale: 'Rules are values, not procedures: `users` reads better than `get_users`.',
  check: (ctx) =>
    ctx.module.rules
      .filter((r) => /^(get|list)_/.test(ruleRootName(r)))
      .map((r) => ({ location: r.head.ref.location })),
});
