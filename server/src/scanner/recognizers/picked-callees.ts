/**
 * A function called through an expression that picks or wraps it (JavaScript/TypeScript):
 * `(retrying ? retry(send) : send)(url, init)` calls `send` either way, directly or through a
 * wrapping factory handed it as its first argument (`retry(send)`, `withTimeout(send, 5000)`). So a
 * wrapper named there is called with the outer call's arguments.
 */

import type { Node } from 'web-tree-sitter';

// How many picking or wrapping steps lie between the name and the call at most.
const MAX_STEPS = 6;

/** The call that ends up calling `name` (an identifier), and the expression it calls, if any. */
export function findPickedCall(name: Node): { call: Node; callee: Node } | undefined {
  let node = name;
  let picked = false;
  for (let step = 0; step < MAX_STEPS; step++) {
    const parent = node.parent;
    if (parent === null) return undefined;
    if (parent.type === 'call_expression' && parent.childForFieldName('function')?.id === node.id)
      return picked ? { call: parent, callee: node } : undefined;
    if (parent.type === 'parenthesized_expression') node = parent;
    else if (parent.type === 'ternary_expression' && parent.childForFieldName('condition')?.id !== node.id) {
      node = parent;
      picked = true;
    } else if (parent.type === 'arguments' && parent.firstNamedChild?.id === node.id) {
      // `retry(send)`: a factory handed the function returns it wrapped.
      const factory = parent.parent;
      if (factory?.type !== 'call_expression') return undefined;
      node = factory;
      picked = true;
    } else return undefined;
  }
  return undefined;
}
