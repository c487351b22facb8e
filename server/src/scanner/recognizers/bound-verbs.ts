/**
 * Verb functions kept in a local before the call (Python):
 *
 *     send = self.session.get
 *     if body is not None:
 *         send = self.session.post
 *     response = send(base + path, params=query)
 *
 * A bound method is a value like any other: the local holds the session's `get` (or `post`), and
 * calling the local is that request. The call is reported with the verb the function assigns
 * unconditionally (straight in its body, not under a test); a verb assigned under a test of a
 * parameter is the one a caller gets by giving that parameter (`python-flag-methods.ts`). A local
 * also assigned something that is not a verb function of the library, or with two unconditional
 * verbs, is left alone: what it holds at the call is not known.
 */

import type { Node } from 'web-tree-sitter';
import { readPythonArguments, readPythonUrl } from '../python-syntax';
import { sliceNode } from '../syntax';
import type { HttpCall, HttpClient } from '../types';
import type { ScanContext } from './context';
import type { DispatchEntry } from './dispatch-tables';
import { joinBaseUrl } from './js-objects';

/** The calls of locals that hold one of `entries` (a library's verb functions written uncalled). */
export function findBoundVerbCalls(
  context: ScanContext,
  client: HttpClient,
  entries: readonly DispatchEntry[],
): HttpCall[] {
  const groups = new Map<string, { scope: Node; name: string; entries: DispatchEntry[] }>();
  for (const entry of entries) {
    const assignment = entry.node.parent;
    const left = assignment?.childForFieldName('left');
    if (assignment?.type !== 'assignment' || assignment.childForFieldName('right')?.id !== entry.node.id)
      continue;
    const scope = findFunction(assignment);
    if (left?.type !== 'identifier' || scope === undefined) continue;
    const name = sliceNode(context.text, left);
    const key = `${scope.id}:${name}`;
    const group = groups.get(key) ?? { scope, name, entries: [] };
    group.entries.push(entry);
    groups.set(key, group);
  }
  const calls: HttpCall[] = [];
  for (const { scope, name, entries: held } of groups.values()) {
    const body = scope.childForFieldName('body');
    const plain = held.filter((entry) => entry.node.parent?.parent?.parent?.id === body?.id);
    const [first] = plain;
    if (first === undefined || plain.length !== 1 || !onlyEntries(context, scope, name, held)) continue;
    const after = first.node.endIndex;
    for (const call of scope.descendantsOfType('call')) {
      const callee = call?.childForFieldName('function');
      if (call == null || callee?.type !== 'identifier' || call.startIndex < after) continue;
      if (sliceNode(context.text, callee) !== name || findFunction(call)?.id !== scope.id) continue;
      const { positional, keywords } = readPythonArguments(call);
      calls.push({
        kind: 'http',
        client,
        method: first.verb,
        url: joinBaseUrl(first.base, readPythonUrl(positional[0] ?? keywords.get('url'), context.text)),
        location: context.locateNode(call),
        calleeLocation: context.locateCallee(callee),
        text: context.readExcerpt(call),
        origin: 'recognised',
      });
    }
  }
  return calls;
}

// The function whose local the name is (a name assigned at a module's top is no local).
function findFunction(node: Node): Node | undefined {
  for (let current = node.parent; current !== null; current = current.parent) {
    if (current.type === 'function_definition') return current;
    if (current.type === 'class_definition') return undefined;
  }
  return undefined;
}

// Every assignment of `name` in its function is one of the verb functions (`send = other` is not).
function onlyEntries(
  context: ScanContext,
  scope: Node,
  name: string,
  held: readonly DispatchEntry[],
): boolean {
  const assigned = new Set(held.map((entry) => entry.node.parent?.id));
  for (const node of scope.descendantsOfType(['assignment', 'augmented_assignment'])) {
    const left = node?.childForFieldName('left');
    if (node == null || left == null || findFunction(node)?.id !== scope.id) continue;
    const names =
      left.type === 'identifier'
        ? [left]
        : left.type === 'pattern_list' || left.type === 'tuple_pattern'
          ? left.namedChildren
          : [];
    if (names.some((id) => id !== null && sliceNode(context.text, id) === name) && !assigned.has(node.id))
      return false;
  }
  return true;
}
