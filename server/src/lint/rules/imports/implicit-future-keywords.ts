/** imports/implicit-future-keywords: `import future.keywords`, all keywords at once. */
import { defineRule } from '../../types';
import { importPath } from './paths';

export default defineRule({
  id: 'implicit-future-keywords',
  category: 'imports',
  description: 'Use explicit future keyword imports',
  rationale:
    'Importing every future keyword changes the meaning of names that later become keywords; import `rego.v1` or each keyword.',
  check: (ctx) =>
    ctx.module.imports
      .filter((i) => {
        const p = importPath(i);
        return p.length === 2 && p[0] === 'future' && p[1] === 'keywords';
      })
      .map((i) => ({ location: i.location })),
});
