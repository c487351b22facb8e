/** style/todo-comment: `TODO` and `FIXME` comments. */
import { defineRule } from '../../types';

export default defineRule({
  id: 'todo-comment',
  category: 'style',
  description: 'Avoid TODO comments',
  rationale: 'A TODO in a policy is unfinished authorization logic; track it in an issue instead.',
  defaultLevel: 'warning',
  check: (ctx) =>
    ctx.module.comments
      .filter((c) => /\b(TODO|FIXME)\b/i.test(c.text))
      .map((c) => ({ location: c.location })),
});
