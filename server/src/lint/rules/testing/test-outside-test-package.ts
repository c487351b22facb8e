/** testing/test-outside-test-package: tests in a package whose name does not end in `_test`. */
import { defineRule } from '../../types';
import { ruleRootName } from '../../walk';

export default defineRule({
  id: 'test-outside-test-package',
  category: 'testing',
  description: 'Test outside of test package',
  rationale:
    'Tests in a `_test` package test the policy from outside, as its users see it, and stay out of bundles.',
  check: (ctx) =>
    ctx.packageName.endsWith('_test')
      ? []
      : ctx.module.rules
          .filter((r) => ruleRootName(r).startsWith('test_'))
          .map((r) => ({ location: r.head.location })),
});
