/**
 * Call sites of request objects (JavaScript/TypeScript, see `project/js-request-objects.ts`): a
 * construction `new PostRequest(path, ...)` is the request when it is sent where it is built, by a
 * chain of method calls on it that reaches its sending method (`new PostRequest(p).withBody(b)
 * .send()`, each link a call of a method of the object), or by a local holding it whose sending
 * method the function calls (`const request = new PostRequest(p); ...; await request.send()`).
 * A construction handed on, returned or kept in a field is not sent here, and is not reported.
 */

import type { Node } from 'web-tree-sitter';
import type { WrapperDefinition } from '../project/types';
import { sliceNode } from '../syntax';
import type { HttpCall } from '../types';
import type { ScanContext } from './context';
import { buildCall } from './inferred-calls';

// How many calls a chain may make on a construction before the one that sends it.
const MAX_CHAIN = 12;
const WRAPPERS = new Set([
  'parenthesized_expression',
  'non_null_expression',
  'as_expression',
  'await_expression',
]);

/** The request `new Name(...)` stands for, when it is sent where it is built; undefined otherwise. */
export function matchConstruction(
  context: ScanContext,
  construction: Node,
  callee: Node,
  definitions: readonly WrapperDefinition[],
  visible: (definition: WrapperDefinition) => boolean,
): HttpCall | undefined {
  const candidates = definitions.filter((d) => d.constructs !== undefined && visible(d));
  if (candidates.length === 0) return undefined;
  const sends = new Set(candidates.map((d) => d.constructs as string));
  const send = chainedSend(context, construction, sends) ?? localSend(context, construction, sends);
  const definition = send === undefined ? undefined : candidates.find((d) => d.constructs === send);
  return definition === undefined ? undefined : buildCall(context, definition, construction, callee);
}

// `new X(...).a(...).b(...).send()`: the first link that is one of the sending methods.
function chainedSend(
  context: ScanContext,
  construction: Node,
  sends: ReadonlySet<string>,
): string | undefined {
  let current = construction;
  for (let links = 0; links < MAX_CHAIN; links++) {
    let parent = current.parent;
    while (parent !== null && WRAPPERS.has(parent.type) && parent.type !== 'await_expression') {
      current = parent;
      parent = current.parent;
    }
    const call = parent?.parent;
    if (
      parent?.type !== 'member_expression' ||
      parent.childForFieldName('object')?.id !== current.id ||
      call?.type !== 'call_expression' ||
      call.childForFieldName('function')?.id !== parent.id
    )
      return undefined;
    const name = sliceNode(context.text, parent.childForFieldName('property') ?? parent);
    if (sends.has(name)) return name;
    current = call;
  }
  return undefined;
}

// `const request = new X(...)` then `request.send()` in the same function: the sending method the
// function calls on the local (one only; a local assigned again is not followed).
function localSend(context: ScanContext, construction: Node, sends: ReadonlySet<string>): string | undefined {
  let holder = construction.parent;
  while (holder !== null && WRAPPERS.has(holder.type) && holder.type !== 'await_expression')
    holder = holder.parent;
  const nameNode = holder?.type === 'variable_declarator' ? holder.childForFieldName('name') : null;
  if (holder == null || nameNode?.type !== 'identifier') return undefined;
  let scope: Node | null = holder;
  while (scope !== null && scope.type !== 'statement_block' && scope.type !== 'program') scope = scope.parent;
  if (scope === null) return undefined;
  const name = sliceNode(context.text, nameNode).replace(/\$/g, '\\$');
  const after = context.text.slice(holder.endIndex, scope.endIndex);
  if (new RegExp(`\\b${name}\\s*=[^=]`).test(after)) return undefined;
  const found = new Set<string>();
  for (const match of after.matchAll(new RegExp(`\\b${name}\\s*\\.\\s*(#?[\\w$]+)\\s*\\(`, 'g')))
    if (match[1] !== undefined && sends.has(match[1])) found.add(match[1]);
  return found.size === 1 ? [...found][0] : undefined;
}
