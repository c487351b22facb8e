/** imports/redundant-data-import: `import data`, which imports what is always there. */
import { defineRule } from '../../types';
import { importPath } from './paths';

export default defineRule({
  id: 'redundant-data-import',
  category: 'imports',
  description: 'Redundant import of data',
  rationale: '`data` is global already; importing it adds nothing.',
  check: (ctx) =>
    ctx.module.imports
      .filter((i) => importPath(i).length === 1 && importPath(i)[0] === 'data' && !i.alias)
      .map((i) => ({ location: i.location })),
});
