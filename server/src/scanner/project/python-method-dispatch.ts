/**
 * A Python wrapper that dispatches its verb by comparing its method parameter:
 *
 *     def _request(self, method, endpoint):
 *         url = self._url(endpoint)
 *         method = method.lower()
 *         if method == "get":
 *             response = self.session.get(url=url)
 *         elif method == "post":
 *             response = self.session.post(url=url, json=body)
 *
 * Each branch's call has its own verb, but the wrapper's method is the parameter: a caller passing
 * `"post"` makes a POST. Without this the first branch's verb (GET) was every caller's.
 */

import type { Node } from 'web-tree-sitter';
import { sliceNode } from '../syntax';
import type { FunctionShape } from './code-shape';
import { METHOD_NAME } from './wrapper-urls';

// `method == "get"`, `method.lower() == "get"`, `verb.upper() == 'POST'`, `"get" == method`.
const COMPARED =
  /^(?:([A-Za-z_]\w*)(?:\.(?:lower|upper|casefold)\(\))?\s*==\s*(["'])([A-Za-z]+)\2|(["'])([A-Za-z]+)\4\s*==\s*([A-Za-z_]\w*)(?:\.(?:lower|upper|casefold)\(\))?)$/;

/**
 * The method parameter's position and its default when the call at `node` (of verb `method`) sits
 * in a branch taken when that parameter equals `method`; else undefined.
 */
export function readDispatchedMethod(
  node: Node,
  method: string,
  fn: FunctionShape,
  text: string,
): { index: number; fallback?: string } | undefined {
  for (let at: Node | null = node.parent; at !== null && at.id !== fn.node.id; at = at.parent) {
    if (at.type !== 'block') continue;
    const branch = at.parent;
    if (branch?.type !== 'if_statement' && branch?.type !== 'elif_clause') continue;
    if (branch.childForFieldName('consequence')?.id !== at.id) continue;
    const condition = branch.childForFieldName('condition');
    const match = condition == null ? null : COMPARED.exec(sliceNode(text, condition).trim());
    if (match === null) return undefined;
    const name = match[1] ?? match[6] ?? '';
    const verb = (match[3] ?? match[5] ?? '').toUpperCase();
    const index = fn.params.indexOf(name);
    if (verb !== method || index < 0 || !METHOD_NAME.test(name)) return undefined;
    const fallback = fn.defaults?.get(index);
    return fallback !== undefined && /^[A-Za-z]+$/.test(fallback)
      ? { index, fallback: fallback.toUpperCase() }
      : { index };
  }
  return undefined;
}
