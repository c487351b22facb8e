/**
 * A URL helper's part chosen by whether its caller passed an optional parameter (JavaScript/
 * TypeScript): `` `${BASE}${operation === undefined ? '' : '/' + operation}` `` is `BASE` for
 * `this.path()` and `BASE/{operation}` for `this.path(name)`. The branch the call takes is read in
 * place of the conditional, so neither call gets an unknown part where the helper writes none.
 */

import type { Node } from 'web-tree-sitter';
import { sliceNode, unwrapExpression } from '../syntax';

// `p === undefined`, `p == null`, `typeof p === 'undefined'`, `!p`: true when the caller gave none.
const ABSENT =
  /^(?:([A-Za-z_$][\w$]*)\s*===?\s*(?:undefined|null)|(?:undefined|null)\s*===?\s*([A-Za-z_$][\w$]*)|typeof\s+([A-Za-z_$][\w$]*)\s*===?\s*['"]undefined['"]|!\s*([A-Za-z_$][\w$]*))$/;
// `p !== undefined`, `p != null`, `p`: true when the caller gave one.
const PRESENT =
  /^(?:([A-Za-z_$][\w$]*)\s*!==?\s*(?:undefined|null)|(?:undefined|null)\s*!==?\s*([A-Za-z_$][\w$]*)|typeof\s+([A-Za-z_$][\w$]*)\s*!==?\s*['"]undefined['"]|([A-Za-z_$][\w$]*))$/;

/**
 * The branch of the conditional written as `source` in `returned` that a call takes, when its test
 * is whether parameter `params[i]` was passed and `given(i)` says whether the call passes it.
 */
export function chooseOptionalBranch(
  source: string,
  returned: Node,
  params: readonly string[],
  given: (index: number) => boolean,
  text: string,
): Node | undefined {
  for (const node of returned.descendantsOfType('ternary_expression')) {
    if (node === null || sliceNode(text, node) !== source) continue;
    const condition = node.childForFieldName('condition');
    if (condition === null) return undefined;
    const test = sliceNode(text, unwrapExpression(condition)).trim();
    const absent = ABSENT.exec(test);
    const present = absent === null ? PRESENT.exec(test) : null;
    const name = (absent ?? present)?.slice(1).find((group) => group !== undefined);
    const index = name === undefined ? -1 : params.indexOf(name);
    if (index < 0) return undefined;
    const whenTrue = absent !== null ? !given(index) : given(index);
    return node.childForFieldName(whenTrue ? 'consequence' : 'alternative') ?? undefined;
  }
  return undefined;
}
