/** imports/unresolved-import (workspace): an import no package, rule or data file of the workspace defines. */
import { defineWorkspaceRule, type LintWorkspace, resolveImport } from '../../workspace-model';
import { importPath, isKeywordImport } from '../imports/paths';

export default defineWorkspaceRule({
  id: 'unresolved-import',
  category: 'imports',
  description: 'Unresolved import',
  rationale:
    'An import of a path that no package, rule or data file of the workspace defines is a typo or a dependency that moved: every reference through it is undefined, silently.',
  check: (ws: LintWorkspace) =>
    ws.files.flatMap((f) =>
      f.module.imports
        .filter((i) => !isKeywordImport(i))
        .filter((i) => {
          const [root, ...path] = importPath(i);
          return root === 'data' && path.length > 0 && resolveImport(ws, path) === undefined;
        })
        .map((i) => ({
          location: i.location,
          message: `Unresolved import: nothing in the workspace defines ${importPath(i).join('.')}`,
        })),
    ),
});
