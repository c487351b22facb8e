/** imports/redundant-alias: `import data.users as users`, an alias equal to the last segment. */
import { locate } from '../../context';
import { defineRule } from '../../types';
import { importPath } from './paths';

export default defineRule({
  id: 'redundant-alias',
  category: 'imports',
  description: 'Redundant alias',
  rationale: 'The last segment of an import is its name already; the alias only adds noise.',
  fixable: true,
  check: (ctx) =>
    ctx.module.imports
      .filter((i) => i.alias && i.alias === importPath(i)[importPath(i).length - 1])
      .map((i) => ({
        location: i.location,
        fix: {
          title: 'Remove the alias',
          edits: [{ ...locate(ctx, i.path.location.end.offset, i.location.end.offset), text: '' }],
        },
      })),
});
