/** imports/unresolved-import (workspace): an import no package, rule or data file of the workspace defines. */
import { dataImports, defineWorkspaceRule, resolveImport } from '../../workspace-model';

export default defineWorkspaceRule({
  id: 'unresolved-import',
  category: 'imports',
  description: 'Unresolved import',
  rationale:
    'An import of a path that no package, rule or data file of the workspace defines is a typo or a dependency that moved: every reference through it is undefined, silently.',
  check: (ws) =>
    dataImports(ws)
      .filter(({ path }) => resolveImport(ws, path) === undefined)
      .map(({ imp, path }) => ({
        location: imp.location,
        message: `Unresolved import: nothing in the workspace defines data.${path.join('.')}`,
      })),
});
