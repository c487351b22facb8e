/** imports/avoid-importing-input: `import input` or `import input.x`. */
import { defineRule } from '../../types';
import { importPath } from './paths';

export default defineRule({
  id: 'avoid-importing-input',
  category: 'imports',
  description: 'Avoid importing input',
  rationale: '`input` is global already; importing it (or part of it) hides where a name comes from.',
  check: (ctx) =>
    ctx.module.imports.filter((i) => importPath(i)[0] === 'input').map((i) => ({ location: i.location })),
});
