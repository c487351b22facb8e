/**
 * TypeScript declares what a parameter is: `function bindCall(self: Methods, method: string)`. A
 * method call on such a parameter (`self.apiCall(...)`) goes to that class's methods (or a class
 * related to it), whatever the parameter is called; the type is read from the function (method,
 * arrow function) around the use that declares the name, generic arguments dropped (`Client<T>` →
 * `Client`). A name declared by a nearer function without a type, or with a type that is not one
 * class name (`A | B`, `{ ... }`), gives nothing.
 */

import type { Node } from 'web-tree-sitter';
import { sliceNode } from '../syntax';

const FUNCTIONS = new Set([
  'function_declaration',
  'function_expression',
  'function',
  'arrow_function',
  'method_definition',
  'generator_function_declaration',
  'generator_function',
]);
const PARAMETERS = new Set(['required_parameter', 'optional_parameter']);

/** The class name a JS/TS identifier is declared with as a parameter of a function around it. */
export function readJsParameterType(receiver: Node, text: string): string | undefined {
  if (receiver.type !== 'identifier') return undefined;
  const name = sliceNode(text, receiver);
  for (let current = receiver.parent; current !== null; current = current.parent) {
    if (!FUNCTIONS.has(current.type)) continue;
    for (const param of current.childForFieldName('parameters')?.namedChildren ?? []) {
      if (param === null || !PARAMETERS.has(param.type)) continue;
      const pattern = param.childForFieldName('pattern');
      if (pattern?.type !== 'identifier' || sliceNode(text, pattern) !== name) continue;
      return typeName(param.childForFieldName('type')?.namedChildren[0] ?? null, text);
    }
  }
  return undefined;
}

function typeName(type: Node | null, text: string): string | undefined {
  const named = type?.type === 'generic_type' ? type.childForFieldName('name') : type;
  if (named?.type !== 'type_identifier') return undefined;
  return sliceNode(text, named);
}
