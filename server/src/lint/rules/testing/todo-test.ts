/** testing/todo-test: `todo_test_` rules, tests that are skipped. */
import { defineRule } from '../../types';
import { ruleRootName } from '../../walk';

export default defineRule({
  id: 'todo-test',
  category: 'testing',
  description: 'TODO test encountered',
  rationale: 'A skipped test checks nothing; finish it or remove it.',
  defaultLevel: 'warning',
  check: (ctx) =>
    ctx.module.rules
      .filter((r) => ruleRootName(r).startsWith('todo_test_'))
      .map((r) => ({ location: r.head.location })),
});
