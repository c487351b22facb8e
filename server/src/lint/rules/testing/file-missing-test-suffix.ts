/** testing/file-missing-test-suffix: tests in a file whose name does not end in `_test.rego`. */
import { defineRule } from '../../types';
import { ruleRootName } from '../../walk';

export default defineRule({
  id: 'file-missing-test-suffix',
  category: 'testing',
  description: 'Files containing tests should have a _test.rego suffix',
  rationale: 'The suffix tells tools and people which files are tests, so bundles can leave them out.',
  check: (ctx) => {
    if (ctx.file.endsWith('_test.rego')) return [];
    const test = ctx.module.rules.find((r) => ruleRootName(r).startsWith('test_'));
    return test ? [{ location: ctx.module.package.location }] : [];
  },
});
