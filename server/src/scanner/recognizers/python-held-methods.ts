/**
 * A client's method kept in a local before it is called (Python):
 *
 *     send = self._hub.request if relay else self.request
 *     return send(path, headers=headers)
 *
 * A bound method is a value: calling the local calls the method with those arguments. The local is
 * read only when every value it is given in its function is a bound method (`recv.name`, or a
 * conditional choosing between such), so a local later set to something else is left alone.
 */

import type { Node } from 'web-tree-sitter';
import { sliceNode } from '../syntax';

/** One call of a local that holds the bound method `member` (an uncalled `recv.name`). */
export interface HeldCall {
  call: Node;
  callee: Node;
}

/** The calls of the local `member` is assigned to (directly or as a branch of a conditional). */
export function readHeldCalls(text: string, member: Node): HeldCall[] {
  let value: Node = member;
  if (value.parent?.type === 'conditional_expression') value = value.parent;
  const assignment = value.parent;
  const left = assignment?.childForFieldName('left');
  if (assignment?.type !== 'assignment' || assignment.childForFieldName('right')?.id !== value.id) return [];
  if (left?.type !== 'identifier') return [];
  if (value.type === 'conditional_expression' && !isMethodChoice(value)) return [];
  const fn = enclosingFunction(assignment);
  if (fn === undefined) return [];
  const name = sliceNode(text, left);
  const calls: HeldCall[] = [];
  for (const node of fn.descendantsOfType(['assignment', 'augmented_assignment', 'call'])) {
    if (node === null || enclosingFunction(node)?.id !== fn.id) continue;
    if (node.type !== 'call') {
      const target = node.childForFieldName('left');
      // Another value given to the same name: what the local holds at a call is not known.
      if (node.id !== assignment.id && target?.type === 'identifier' && sliceNode(text, target) === name)
        return [];
      continue;
    }
    const callee = node.childForFieldName('function');
    if (callee?.type !== 'identifier' || sliceNode(text, callee) !== name) continue;
    if (node.startIndex >= assignment.endIndex) calls.push({ call: node, callee });
  }
  return calls;
}

// `a.m if flag else b.m`: both branches bound methods (attributes, not calls).
function isMethodChoice(node: Node): boolean {
  const [first, , second] = node.namedChildren;
  return first?.type === 'attribute' && second?.type === 'attribute';
}

// The function the node belongs to (a class in between ends the search).
function enclosingFunction(node: Node): Node | undefined {
  for (let current = node.parent; current !== null; current = current.parent) {
    if (current.type === 'function_definition') return current;
    if (current.type === 'class_definition') return undefined;
  }
  return undefined;
}
