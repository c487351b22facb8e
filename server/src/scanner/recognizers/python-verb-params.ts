/**
 * Verb functions handed in by the caller (Python): a sender whose parameter is the library's bound
 * verb itself, with one of the session's verbs as the fallback:
 *
 *     def send(self, path, method=None, **kwargs):
 *         method = method or self._session.get
 *         return method(self.link(path), **kwargs)
 *
 *     def deliver(url, body, verb=requests.post):
 *         return verb(url, json=body)
 *
 * Calling the parameter is the request. Its method is the caller's (`method=self._session.put`,
 * read at the call site as the verb the attribute names), the fallback when the caller gives none;
 * the call carries the parameter's name as its method source, so the function becomes a wrapper
 * whose method is that parameter. A parameter whose fallback is not a verb function of the library
 * (`loader = loader or self._cache.get`, a cursor's `execute`) is not a sender.
 */

import type { Node } from 'web-tree-sitter';
import { readPythonArguments, readPythonUrl } from '../python-syntax';
import { sliceNode } from '../syntax';
import type { HttpCall, HttpClient } from '../types';
import type { ScanContext } from './context';
import type { DispatchEntry } from './dispatch-tables';
import { joinBaseUrl } from './js-objects';

const VERB_NAME = /^(get|post|put|patch|delete|head|options)$/;

/** The calls of parameters whose fallback is one of `entries` (a library's verb functions written uncalled). */
export function findParamVerbCalls(
  context: ScanContext,
  client: HttpClient,
  entries: readonly DispatchEntry[],
): HttpCall[] {
  const calls: HttpCall[] = [];
  const done = new Set<string>();
  for (const entry of entries) {
    const held = readHolder(context, entry.node);
    if (held === undefined) continue;
    const key = `${held.fn.id}:${held.name}`;
    if (done.has(key)) continue;
    done.add(key);
    for (const call of held.fn.descendantsOfType('call')) {
      const callee = call?.childForFieldName('function');
      if (call == null || callee?.type !== 'identifier' || call.startIndex < held.after) continue;
      if (sliceNode(context.text, callee) !== held.name || enclosingFunction(call)?.id !== held.fn.id)
        continue;
      const { positional, keywords } = readPythonArguments(call);
      calls.push({
        kind: 'http',
        client,
        method: undefined,
        methodSource: held.name,
        url: joinBaseUrl(entry.base, readPythonUrl(positional[0] ?? keywords.get('url'), context.text)),
        location: context.locateNode(call),
        calleeLocation: context.locateCallee(callee),
        text: context.readExcerpt(call),
        origin: 'recognised',
      });
    }
  }
  return calls;
}

/**
 * The verb a sender's parameter `name` falls back to: `name = name or <x>.get` in `fn`, or a
 * default `name=<x>.post`, where the attribute names a verb. Undefined otherwise.
 */
export function readVerbFallback(text: string, fn: Node, name: string): string | undefined {
  for (const param of fn.childForFieldName('parameters')?.namedChildren ?? []) {
    const value = param?.childForFieldName('value');
    if (value?.type !== 'attribute' || sliceNode(text, param?.childForFieldName('name') ?? value) !== name)
      continue;
    return readVerbAttribute(text, value);
  }
  for (const node of fn.descendantsOfType('assignment')) {
    const left = node?.childForFieldName('left');
    const right = node?.childForFieldName('right');
    if (left?.type !== 'identifier' || right?.type !== 'boolean_operator') continue;
    if (sliceNode(text, left) !== name || enclosingFunction(node as Node)?.id !== fn.id) continue;
    const first = right.childForFieldName('left');
    const second = right.childForFieldName('right');
    if (first?.type !== 'identifier' || sliceNode(text, first) !== name || second?.type !== 'attribute')
      continue;
    const verb = readVerbAttribute(text, second);
    if (verb !== undefined) return verb;
  }
  return undefined;
}

/** `session.put` (an attribute named for a verb, not called): its verb in upper case. */
export function readVerbAttribute(text: string, node: Node): string | undefined {
  if (node.type !== 'attribute' || node.childForFieldName('object') === null) return undefined;
  const name = sliceNode(text, node.childForFieldName('attribute') ?? node);
  return VERB_NAME.test(name) ? name.toUpperCase() : undefined;
}

// The parameter that holds `entry` as its fallback: `name = name or entry` straight in the body of
// the function that takes `name`, or `name=entry` as the parameter's default.
function readHolder(
  context: ScanContext,
  entry: Node,
): { fn: Node; name: string; after: number } | undefined {
  const { text } = context;
  const parent = entry.parent;
  if (parent?.type === 'default_parameter' || parent?.type === 'typed_default_parameter') {
    const fn = parent.parent?.parent;
    const name = parent.childForFieldName('name');
    if (fn?.type !== 'function_definition' || name?.type !== 'identifier') return undefined;
    return { fn, name: sliceNode(text, name), after: fn.startIndex };
  }
  if (parent?.type !== 'boolean_operator' || parent.childForFieldName('right')?.id !== entry.id)
    return undefined;
  const left = parent.childForFieldName('left');
  const assignment = parent.parent;
  const target = assignment?.childForFieldName('left');
  if (assignment?.type !== 'assignment' || assignment.childForFieldName('right')?.id !== parent.id)
    return undefined;
  if (left?.type !== 'identifier' || target?.type !== 'identifier') return undefined;
  const name = sliceNode(text, left);
  const fn = enclosingFunction(assignment);
  if (fn === undefined || sliceNode(text, target) !== name || !takesParameter(text, fn, name))
    return undefined;
  return { fn, name, after: assignment.endIndex };
}

function takesParameter(text: string, fn: Node, name: string): boolean {
  return (fn.childForFieldName('parameters')?.namedChildren ?? []).some((param) => {
    if (param === null) return false;
    const id = param.type === 'identifier' ? param : param.childForFieldName('name');
    return id !== null && sliceNode(text, id) === name;
  });
}

// The function the node belongs to (a class in between ends the search).
function enclosingFunction(node: Node): Node | undefined {
  for (let current = node.parent; current !== null; current = current.parent) {
    if (current.type === 'function_definition') return current;
    if (current.type === 'class_definition') return undefined;
  }
  return undefined;
}
