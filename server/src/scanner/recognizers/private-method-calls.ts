/**
 * Calls of a class's private `#` methods that are wrappers (`this.#send(options)` inside the class
 * that defines `#send`). A `#name` is no word to the word search the other inferred calls go
 * through (`#` starts no identifier), and only the class itself can call it, so its calls are looked
 * for in the defining file alone, at each place the file writes `.#name`.
 */

import type { Node } from 'web-tree-sitter';
import { isJsLanguage } from '../project/code-shape';
import type { WrapperDefinition } from '../project/types';
import { sliceNode } from '../syntax';
import type { HttpCall } from '../types';
import type { ScanContext } from './context';
import { buildCall } from './inferred-calls';

const CLASS_TYPES = new Set(['class_declaration', 'class', 'abstract_class_declaration']);

/** The calls in this file of the private wrappers it defines. */
export function findPrivateMethodCalls(
  context: ScanContext,
  definitions: readonly WrapperDefinition[],
): HttpCall[] {
  if (!isJsLanguage(context.language)) return [];
  const { text, root } = context;
  const calls: HttpCall[] = [];
  for (const definition of definitions) {
    const { name, owner } = definition;
    if (!name.startsWith('#') || owner === undefined || definition.site.file !== context.file) continue;
    for (let at = text.indexOf(`.${name}`); at >= 0; at = text.indexOf(`.${name}`, at + name.length)) {
      const node = root.descendantForIndex(at + 1, at + 1 + name.length);
      if (node?.type !== 'private_property_identifier' || sliceNode(text, node) !== name) continue;
      const member = node.parent;
      if (member?.type !== 'member_expression' || member.childForFieldName('object')?.type !== 'this')
        continue;
      const call = readCallOf(member);
      if (call === undefined || enclosingClassName(call, text) !== owner) continue;
      // The wrapper's own recursive call is not a call site of it.
      if (call.startPosition.row + 1 === definition.site.line) continue;
      const found = buildCall(context, definition, call, member);
      if (found !== undefined) calls.push(found);
    }
  }
  return calls;
}

// The call of `member`: `this.#send(o)`, also `await this.#send<T>(o)`, which tree-sitter reads as
// a call of `await this.#send` with the type arguments.
function readCallOf(member: Node): Node | undefined {
  const parent = member.parent;
  if (parent?.type === 'call_expression' && parent.childForFieldName('function')?.id === member.id)
    return parent;
  const outer = parent?.parent;
  if (
    parent?.type === 'await_expression' &&
    outer?.type === 'call_expression' &&
    outer.childForFieldName('function')?.id === parent.id
  )
    return outer;
  return undefined;
}

function enclosingClassName(node: Node, text: string): string | undefined {
  for (let current = node.parent; current !== null; current = current.parent) {
    if (!CLASS_TYPES.has(current.type)) continue;
    const name = current.childForFieldName('name');
    return name === null ? undefined : sliceNode(text, name);
  }
  return undefined;
}
