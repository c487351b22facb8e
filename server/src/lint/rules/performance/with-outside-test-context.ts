/** performance/with-outside-test-context: `with` used in a policy rather than a test. */
import { defineRule } from '../../types';
import { exprsIn, ruleRootName } from '../../walk';

export default defineRule({
  id: 'with-outside-test-context',
  category: 'performance',
  description: '`with` used outside test context',
  rationale:
    '`with` turns off caching and indexing for what it touches; in policies it costs every decision.',
  check: (ctx) =>
    ctx.isTest
      ? []
      : ctx.module.rules
          .filter((r) => !ruleRootName(r).startsWith('test_'))
          .flatMap((r) => exprsIn(r).filter((e) => e.with?.length))
          .map((e) => ({ location: (e.with?.[0] ?? e).location })),
});
