/** imports/import-shadows-builtin: an import binding a builtin's name or namespace (`import data.http`). */
import { BUILTINS } from '../../../rego/builtins';
import { defineRule } from '../../types';
import { importName, isKeywordImport } from './paths';

const NAMES = new Set(BUILTINS.map((b) => b.name.split('.')[0] as string));

export default defineRule({
  id: 'import-shadows-builtin',
  category: 'imports',
  description: 'Import shadows built-in namespace',
  rationale: 'An import named like a builtin (`http`, `count`) hides the builtin in the whole module.',
  check: (ctx) =>
    ctx.module.imports
      .filter((i) => !isKeywordImport(i) && NAMES.has(importName(i)))
      .map((i) => ({ location: i.location, message: `Import shadows built-in \`${importName(i)}\`` })),
});
