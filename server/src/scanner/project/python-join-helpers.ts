/**
 * Python URL-joining helpers of the project (`def build_url(base_url, path, query=None)` in a utils
 * module, its body `urlparse`/`urlunparse`/`PurePosixPath` arithmetic the value readers cannot
 * follow): a module-level function named for a URL or a join whose first parameter is named for a
 * base and whose second is named for a path joins those two, one `/` between them, as
 * `urljoin(base, path)` is read. Without it `self._write("POST", url=build_url(self.endpoint,
 * "/items"))` was a call to an unknown URL (`{}`).
 */

import type { Node } from 'web-tree-sitter';
import { sliceNode } from '../syntax';
import type { HelperFact } from './types';

const FUNCTION_NAME = /url|uri|join/i;
const BASE_PARAM = /^_*(?:base|base_?url|base_?uri|root|root_?url|host|server|server_?url|api_?url)$/i;
const PATH_PARAM = /^_*(?:path|url|uri|endpoint|route|resource|rel_?path|relative_?path)$/i;

/** The join helper `fn` (a module-level Python function) is, if it is one. */
export function readPythonJoinHelper(fn: Node, text: string): HelperFact | undefined {
  const name = fn.childForFieldName('name');
  const body = fn.childForFieldName('body');
  if (name === null || body === null || !FUNCTION_NAME.test(sliceNode(text, name))) return undefined;
  const params = (fn.childForFieldName('parameters')?.namedChildren ?? []).flatMap((param) => {
    const id =
      param?.type === 'identifier'
        ? param
        : param?.type === 'typed_parameter'
          ? param.firstNamedChild
          : (param?.childForFieldName('name') ?? null);
    return id?.type === 'identifier' ? [sliceNode(text, id)] : [];
  });
  const [base, path] = params;
  if (base === undefined || path === undefined || !BASE_PARAM.test(base) || !PATH_PARAM.test(path))
    return undefined;
  if (base.toLowerCase() === path.toLowerCase()) return undefined;
  // Both parameters are read in the body and something is returned: it builds from them.
  const written = sliceNode(text, body);
  const uses = (p: string) => new RegExp(`\\b${p}\\b`).test(written);
  if (!uses(base) || !uses(path) || !/\breturn\b/.test(written)) return undefined;
  return {
    name: sliceNode(text, name),
    param: base,
    params,
    url: [
      { kind: 'expr', source: base },
      { kind: 'literal', text: '/' },
      { kind: 'expr', source: path },
    ],
    joinsPath: true,
  };
}
