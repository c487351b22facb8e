/** imports/prefer-package-imports (workspace): an import of a rule rather than of its package. */
import { dataImports, defineWorkspaceRule, resolveImport } from '../../workspace-model';

export default defineWorkspaceRule({
  id: 'prefer-package-imports',
  category: 'imports',
  description: 'Prefer importing packages over rules',
  rationale:
    'Importing a package and naming its rules through it (`authz.allow`) says where each rule comes from at every use; an imported rule reads like a local one.',
  check: (ws) =>
    dataImports(ws)
      .filter(({ path }) => resolveImport(ws, path) === 'rule')
      .map(({ imp }) => ({ location: imp.location })),
});
