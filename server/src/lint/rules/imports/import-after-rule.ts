/** imports/import-after-rule: an import written below a rule. */
import { defineRule } from '../../types';

export default defineRule({
  id: 'import-after-rule',
  category: 'imports',
  description: 'Import declared after rule',
  rationale: 'Imports belong at the top, where readers look for what a module depends on.',
  check: (ctx) => {
    const first = ctx.module.rules[0];
    if (!first) return [];
    return ctx.module.imports
      .filter((i) => i.location.start.offset > first.location.start.offset)
      .map((i) => ({ location: i.location }));
  },
});
