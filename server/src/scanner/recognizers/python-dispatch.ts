/**
 * Python dispatch tables: a dictionary keyed by the method whose values are a recognised client's
 * verb functions (`{'GET': requests.get, 'POST': self._session.post}`, also as the first element of
 * a tuple per method: `{GET: (s.get, headers), ...}`), looked up by a key and called with a URL
 * (`table[method](url)`, `fn = table[m]; fn(url)`, `fn, headers = table[m]`, `table.get(m)(url)`).
 * Each such call is a call whose method is the key: a string, a module constant, or, when the key is
 * a name the code computes (a parameter), unknown with that name as its source so that a wrapper
 * takes the method from its callers.
 */

import type { Node } from 'web-tree-sitter';
import { readPythonArguments, readPythonString, readPythonUrl } from '../python-syntax';
import { sliceNode } from '../syntax';
import type { HttpCall, HttpClient, UrlTemplate } from '../types';
import type { ScanContext } from './context';
import { joinBaseUrl } from './js-objects';

/** One value of a possible table: a client's verb function written without calling it. */
export interface DispatchEntry {
  /** The expression (`requests.get`, `self._session.get`, an imported `get`). */
  node: Node;
  /** Upper case: the function's verb. */
  verb: string;
  base: UrlTemplate | undefined;
}

interface Table {
  dictionary: Node;
  /** Where the function sits in each value: -1 when the value is the function itself. */
  position: number;
  base: UrlTemplate | undefined;
}

/** The calls made through the dispatch tables that `entries` form. */
export function findPythonDispatchCalls(
  context: ScanContext,
  client: HttpClient,
  entries: readonly DispatchEntry[],
): HttpCall[] {
  const calls: HttpCall[] = [];
  for (const table of findTables(context, entries)) {
    const holder = table.dictionary.parent;
    const left = holder?.childForFieldName('left');
    if (holder?.type !== 'assignment' || left?.type !== 'identifier') continue;
    const name = sliceNode(context.text, left);
    const scope = findScope(holder);
    for (const lookup of findLookups(context, scope, name, holder.endIndex)) {
      for (const callee of findCallees(context, findScope(lookup.node), lookup.node, table.position)) {
        const call = callee.parent;
        if (call?.type !== 'call') continue;
        const { positional, keywords } = readPythonArguments(call);
        const method = readMethod(context, lookup.key);
        calls.push({
          kind: 'http',
          client,
          method: method.value,
          url: joinBaseUrl(table.base, readPythonUrl(positional[0] ?? keywords.get('url'), context.text)),
          location: context.locateNode(call),
          calleeLocation: context.locateNode(callee),
          text: context.readExcerpt(call),
          origin: 'recognised',
          ...(method.source === undefined ? {} : { methodSource: method.source }),
        });
      }
    }
  }
  return calls;
}

// Dictionaries every pair of which is `<method key>: <entry of that verb>` (or a tuple holding one,
// all at the same position).
function findTables(context: ScanContext, entries: readonly DispatchEntry[]): Table[] {
  const byDictionary = new Map<number, { dictionary: Node; positions: Set<number>; pairs: number }>();
  const bases = new Map<number, UrlTemplate | undefined>();
  for (const entry of entries) {
    let value = entry.node;
    let position = -1;
    if (value.parent?.type === 'tuple') {
      position = value.parent.namedChildren.findIndex((child) => child?.id === value.id);
      value = value.parent;
    }
    const pair = value.parent;
    const dictionary = pair?.parent;
    if (pair?.type !== 'pair' || pair.childForFieldName('value')?.id !== value.id || dictionary == null)
      continue;
    const key = pair.childForFieldName('key');
    if (key == null || readMethod(context, key).value !== entry.verb) continue;
    const found = byDictionary.get(dictionary.id) ?? { dictionary, positions: new Set(), pairs: 0 };
    found.positions.add(position);
    found.pairs++;
    byDictionary.set(dictionary.id, found);
    if (entry.base !== undefined) bases.set(dictionary.id, entry.base);
  }
  const tables: Table[] = [];
  for (const { dictionary, positions, pairs } of byDictionary.values()) {
    const all = dictionary.namedChildren.filter((child) => child !== null && child.type !== 'comment');
    const [position] = [...positions];
    if (positions.size !== 1 || position === undefined || pairs !== all.length) continue;
    tables.push({ dictionary, position, base: bases.get(dictionary.id) });
  }
  return tables;
}

function findScope(node: Node): Node {
  let current: Node | null = node.parent;
  while (current !== null && current.type !== 'function_definition' && current.type !== 'module')
    current = current.parent;
  return current ?? node;
}

// `table[key]` and `table.get(key)` after the table is built.
function findLookups(
  context: ScanContext,
  scope: Node,
  name: string,
  after: number,
): { node: Node; key: Node }[] {
  const lookups: { node: Node; key: Node }[] = [];
  for (const node of scope.descendantsOfType(['subscript', 'call'])) {
    if (node === null || node.startIndex < after) continue;
    if (node.type === 'subscript') {
      const value = node.childForFieldName('value');
      const key = node.childForFieldName('subscript');
      if (value?.type === 'identifier' && sliceNode(context.text, value) === name && key !== null)
        lookups.push({ node, key });
      continue;
    }
    const callee = node.childForFieldName('function');
    const object = callee?.childForFieldName('object');
    const attribute = callee?.childForFieldName('attribute');
    const [key] = readPythonArguments(node).positional;
    if (
      callee?.type === 'attribute' &&
      object?.type === 'identifier' &&
      sliceNode(context.text, object) === name &&
      attribute != null &&
      sliceNode(context.text, attribute) === 'get' &&
      key !== undefined
    )
      lookups.push({ node, key });
  }
  return lookups;
}

// What is called with the looked-up function: the lookup itself (`table[m](url)`), or the name it
// is assigned to (`fn = table[m]`, `fn, headers = table[m]` at the function's position).
function findCallees(context: ScanContext, scope: Node, lookup: Node, position: number): Node[] {
  const parent = lookup.parent;
  if (parent?.type === 'call' && parent.childForFieldName('function')?.id === lookup.id)
    return position === -1 ? [lookup] : [];
  if (parent?.type !== 'assignment' || parent.childForFieldName('right')?.id !== lookup.id) return [];
  const left = parent.childForFieldName('left');
  const target =
    position === -1
      ? left
      : left?.type === 'pattern_list' || left?.type === 'tuple_pattern'
        ? left.namedChildren[position]
        : undefined;
  if (target?.type !== 'identifier') return [];
  const name = sliceNode(context.text, target);
  const callees: Node[] = [];
  for (const call of scope.descendantsOfType('call')) {
    const callee = call?.childForFieldName('function');
    if (call == null || callee?.type !== 'identifier' || call.startIndex < parent.endIndex) continue;
    if (sliceNode(context.text, callee) === name) callees.push(callee);
  }
  return callees;
}

// A key: a string, or a name bound at the top of the module to one (`GET = 'GET'`); any other name
// is computed (its source is kept for the wrapper that takes it as a parameter).
function readMethod(context: ScanContext, key: Node): { value?: string; source?: string } {
  const literal = readPythonString(key, context.text);
  if (literal !== undefined) return { value: literal.toUpperCase() };
  if (key.type !== 'identifier') return {};
  const name = sliceNode(context.text, key);
  const constant = readModuleConstant(context, name);
  return constant === undefined ? { source: name } : { value: constant.toUpperCase() };
}

function readModuleConstant(context: ScanContext, name: string): string | undefined {
  let value: string | undefined;
  let count = 0;
  for (const statement of context.root.namedChildren) {
    const assignment = statement?.type === 'expression_statement' ? statement.firstNamedChild : null;
    const left = assignment?.childForFieldName('left');
    const right = assignment?.childForFieldName('right');
    if (assignment?.type !== 'assignment' || left?.type !== 'identifier' || right == null) continue;
    if (sliceNode(context.text, left) !== name) continue;
    count++;
    value = readPythonString(right, context.text);
  }
  return count === 1 ? value : undefined;
}
