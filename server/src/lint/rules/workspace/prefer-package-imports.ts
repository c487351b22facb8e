/** imports/prefer-package-imports (workspace): an import of a rule rather than of its package. */
import { defineWorkspaceRule, type LintWorkspace, resolveImport } from '../../workspace-model';
import { importPath, isKeywordImport } from '../imports/paths';

export default defineWorkspaceRule({
  id: 'prefer-package-imports',
  category: 'imports',
  description: 'Prefer importing packages over rules',
  rationale:
    'Importing a package and naming its rules through it (`authz.allow`) says where each rule comes from at every use; an imported rule reads like a local one.',
  check: (ws: LintWorkspace) =>
    ws.files.flatMap((f) =>
      f.module.imports
        .filter((i) => !isKeywordImport(i))
        .filter((i) => {
          const [root, ...path] = importPath(i);
          return root === 'data' && resolveImport(ws, path) === 'rule';
        })
        .map((i) => ({ location: i.location })),
    ),
});
