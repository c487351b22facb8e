/** imports/pointless-import: a module importing its own package. */
import { defineRule } from '../../types';
import { importPath } from './paths';

export default defineRule({
  id: 'pointless-import',
  category: 'imports',
  description: 'Importing own package is pointless',
  rationale: 'A package sees its own rules by name; importing itself adds a second, confusing way to say it.',
  check: (ctx) =>
    ctx.module.imports
      .filter((i) => {
        const p = importPath(i);
        return p[0] === 'data' && p.slice(1).join('.') === ctx.packageName;
      })
      .map((i) => ({ location: i.location })),
});
