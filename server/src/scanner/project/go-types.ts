/**
 * Go declares what a parameter is: `func fetchOne(ctx context.Context, c *Client, path string)`.
 * A method call on such a parameter (`c.send(...)`) goes to that type's methods, whatever the
 * parameter is called; the type is read from the declaration of the function (or closure) around
 * the use, `*` and a package qualifier dropped (`*kennel.Client` → `Client`).
 */

import type { Node } from 'web-tree-sitter';
import { sliceNode } from '../syntax';

const FUNCTIONS = new Set(['function_declaration', 'method_declaration', 'func_literal']);

/** The type name a Go identifier is declared with as a parameter of a function around it. */
export function readGoParameterType(receiver: Node, text: string): string | undefined {
  if (receiver.type !== 'identifier') return undefined;
  const name = sliceNode(text, receiver);
  for (let current = receiver.parent; current !== null; current = current.parent) {
    if (!FUNCTIONS.has(current.type)) continue;
    for (const declaration of current.childForFieldName('parameters')?.namedChildren ?? []) {
      if (declaration?.type !== 'parameter_declaration') continue;
      const names = declaration
        .childrenForFieldName('name')
        .map((n) => (n === null ? '' : sliceNode(text, n)));
      if (!names.includes(name)) continue;
      const type = declaration.childForFieldName('type');
      return type === null ? undefined : typeName(type, text);
    }
  }
  return undefined;
}

function typeName(type: Node, text: string): string | undefined {
  const written = sliceNode(text, type).replace(/^\*+/, '');
  const match = /^(?:[A-Za-z_]\w*\.)?([A-Za-z_]\w*)$/.exec(written);
  return match?.[1];
}
