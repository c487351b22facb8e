/** imports/import-shadows-import: two imports binding the same name. */
import { defineRule, type Finding } from '../../types';
import { importName, isKeywordImport } from './paths';

export default defineRule({
  id: 'import-shadows-import',
  category: 'imports',
  description: 'Import shadows another import',
  rationale: 'Two imports under one name: only one of them can be meant, and OPA rejects it.',
  check: (ctx) => {
    const seen = new Set<string>();
    const out: Finding[] = [];
    for (const i of ctx.module.imports) {
      if (isKeywordImport(i)) continue;
      const name = importName(i);
      if (seen.has(name)) out.push({ location: i.location });
      seen.add(name);
    }
    return out;
  },
});
