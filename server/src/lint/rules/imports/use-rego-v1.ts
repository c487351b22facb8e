/** imports/use-rego-v1: a Rego v0 module without `import rego.v1`. */
import { defineRule } from '../../types';
import { importPath } from './paths';

export default defineRule({
  id: 'use-rego-v1',
  category: 'imports',
  description: 'Use `import rego.v1`',
  rationale:
    'OPA 1.0 reads Rego v1 only; `import rego.v1` makes a v0 module use (and be checked for) v1 syntax today.',
  check: (ctx) => {
    if (ctx.module.regoVersion !== 0) return [];
    const has = ctx.module.imports.some((i) => importPath(i).join('.') === 'rego.v1');
    return has ? [] : [{ location: ctx.module.package.location }];
  },
});
