/**
 * Dispatch tables: a Python dict or JavaScript object keyed by the method whose values are a
 * recognised client's verb functions (`{'GET': requests.get, 'POST': self._session.post}`,
 * `{ get: axios.get, post: axios.post }`, also as one element of a tuple or array per method:
 * `{GET: (s.get, headers), ...}`), looked up by a key and called with a URL (`table[method](url)`,
 * `fn = table[m]; fn(url)`, `fn, headers = table[m]`, `const [fn] = table[m]`, Python's
 * `table.get(m)(url)`, JavaScript's `table.put(url)`).
 * Each such call is a call whose method is the key: a string, a module constant, or, when the key is
 * a name the code computes (a parameter), unknown with that name as its source so that a wrapper
 * takes the method from its callers.
 */

import type { Node } from 'web-tree-sitter';
import { readNameValue } from '../project/assigned-values';
import { readPythonArguments, readPythonString, readPythonUrl } from '../python-syntax';
import { readConstantString, sliceNode } from '../syntax';
import type { HttpCall, HttpClient, UrlTemplate } from '../types';
import { readUrlTemplate } from '../url-template';
import type { ScanContext } from './context';
import { joinBaseUrl, readCallArguments } from './js-objects';

/** The node types and readings that differ between Python and JavaScript. */
interface DispatchSyntax {
  tuple: string;
  pair: string;
  subscript: [type: string, object: string, index: string];
  call: string;
  member: [type: string, object: string, property: string];
  /** Assignments: `[type, left, right]`. */
  assignments: readonly [string, string, string][];
  patterns: readonly string[];
  scopes: readonly string[];
  readUrl(call: Node, text: string): UrlTemplate;
  readString(node: Node, text: string): string | undefined;
}

const PYTHON: DispatchSyntax = {
  tuple: 'tuple',
  pair: 'pair',
  subscript: ['subscript', 'value', 'subscript'],
  call: 'call',
  member: ['attribute', 'object', 'attribute'],
  assignments: [['assignment', 'left', 'right']],
  patterns: ['pattern_list', 'tuple_pattern'],
  scopes: ['function_definition', 'module'],
  readUrl: (call, text) => {
    const { positional, keywords } = readPythonArguments(call);
    return readPythonUrl(positional[0] ?? keywords.get('url'), text);
  },
  readString: (node, text) => readPythonString(node, text),
};

const JAVASCRIPT: DispatchSyntax = {
  tuple: 'array',
  pair: 'pair',
  subscript: ['subscript_expression', 'object', 'index'],
  call: 'call_expression',
  member: ['member_expression', 'object', 'property'],
  assignments: [
    ['variable_declarator', 'name', 'value'],
    ['assignment_expression', 'left', 'right'],
  ],
  patterns: ['array_pattern'],
  scopes: [
    'function_declaration',
    'function_expression',
    'arrow_function',
    'method_definition',
    'generator_function_declaration',
    'program',
  ],
  readUrl: (call, text) => readUrlTemplate(readCallArguments(call)[0], text),
  // A key written as a name (`get: axios.get`) is that text.
  readString: (node, text) =>
    node.type === 'property_identifier' ? sliceNode(text, node) : readConstantString(node, text),
};

/** One value of a possible table: a client's verb function written without calling it. */
export interface DispatchEntry {
  /** The expression (`requests.get`, `self._session.get`, an imported `get`, `axios.post`). */
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
export function findDispatchCalls(
  context: ScanContext,
  client: HttpClient,
  entries: readonly DispatchEntry[],
): HttpCall[] {
  if (entries.length === 0) return [];
  const syntax = context.language === 'python' ? PYTHON : JAVASCRIPT;
  const calls: HttpCall[] = [];
  for (const table of findTables(context, syntax, entries)) {
    const holder = table.dictionary.parent;
    const left = holder === null ? undefined : readAssigned(syntax, holder, table.dictionary);
    if (holder === null || left?.type !== 'identifier') continue;
    const name = sliceNode(context.text, left);
    const scope = findScope(syntax, holder);
    for (const lookup of findLookups(context, syntax, scope, name, holder.endIndex)) {
      const callees = findCallees(context, syntax, lookup.node, table.position);
      for (const callee of callees) {
        const call = callee.parent;
        if (call?.type !== syntax.call) continue;
        const method = readMethod(context, syntax, lookup.key);
        calls.push({
          kind: 'http',
          client,
          method: method.value,
          url: joinBaseUrl(table.base, syntax.readUrl(call, context.text)),
          location: context.locateNode(call),
          calleeLocation: context.locateCallee(callee),
          text: context.readExcerpt(call),
          origin: 'recognised',
          ...(method.source === undefined ? {} : { methodSource: method.source }),
        });
      }
    }
  }
  return calls;
}

// Tables every pair of which is `<method key>: <entry of that verb>` (or a tuple holding one, all
// at the same position).
function findTables(
  context: ScanContext,
  syntax: DispatchSyntax,
  entries: readonly DispatchEntry[],
): Table[] {
  const byDictionary = new Map<number, { dictionary: Node; positions: Set<number>; pairs: number }>();
  const bases = new Map<number, UrlTemplate | undefined>();
  for (const entry of entries) {
    let value = entry.node;
    let position = -1;
    if (value.parent?.type === syntax.tuple) {
      position = value.parent.namedChildren.findIndex((child) => child?.id === value.id);
      value = value.parent;
    }
    const pair = value.parent;
    const dictionary = pair?.parent;
    if (pair?.type !== syntax.pair || pair.childForFieldName('value')?.id !== value.id || dictionary == null)
      continue;
    const key = pair.childForFieldName('key');
    if (key == null || readMethod(context, syntax, key).value !== entry.verb) continue;
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

// The left side when `holder` assigns `value` (`lookup = {...}`, `const fn = table[m]`).
function readAssigned(syntax: DispatchSyntax, holder: Node, value: Node): Node | undefined {
  for (const [type, left, right] of syntax.assignments) {
    if (holder.type === type && holder.childForFieldName(right)?.id === value.id)
      return holder.childForFieldName(left) ?? undefined;
  }
  return undefined;
}

function findScope(syntax: DispatchSyntax, node: Node): Node {
  let current: Node | null = node.parent;
  while (current !== null && !syntax.scopes.includes(current.type)) current = current.parent;
  return current ?? node;
}

// `table[key]`, Python's `table.get(key)` and JavaScript's `table.key` after the table is built.
function findLookups(
  context: ScanContext,
  syntax: DispatchSyntax,
  scope: Node,
  name: string,
  after: number,
): { node: Node; key: Node }[] {
  const [subscriptType, objectField, indexField] = syntax.subscript;
  const [memberType, memberObject, memberProperty] = syntax.member;
  const lookups: { node: Node; key: Node }[] = [];
  // Python's `table.get(key)` is a lookup; in JavaScript `table.get` is the object's `get` key.
  const byMember = syntax !== PYTHON;
  for (const node of scope.descendantsOfType([subscriptType, byMember ? memberType : syntax.call])) {
    if (node === null || node.startIndex < after) continue;
    if (node.type === memberType) {
      const object = node.childForFieldName(memberObject);
      const key = node.childForFieldName(memberProperty);
      if (object?.type === 'identifier' && sliceNode(context.text, object) === name && key !== null)
        lookups.push({ node, key });
      continue;
    }
    if (node.type === subscriptType) {
      const value = node.childForFieldName(objectField);
      const key = node.childForFieldName(indexField);
      if (value?.type === 'identifier' && sliceNode(context.text, value) === name && key !== null)
        lookups.push({ node, key });
      continue;
    }
    const callee = node.childForFieldName('function');
    const object = callee?.childForFieldName(memberObject);
    const property = callee?.childForFieldName(memberProperty);
    const key = node
      .childForFieldName('arguments')
      ?.namedChildren.find((c) => c !== null && c.type !== 'comment');
    if (
      callee?.type === memberType &&
      object?.type === 'identifier' &&
      sliceNode(context.text, object) === name &&
      property != null &&
      sliceNode(context.text, property) === 'get' &&
      key != null
    )
      lookups.push({ node, key });
  }
  return lookups;
}

// What is called with the looked-up function: the lookup itself (`table[m](url)`), or the name it
// is assigned to (`fn = table[m]`, `fn, headers = table[m]` at the function's position), in the
// function around the lookup.
function findCallees(context: ScanContext, syntax: DispatchSyntax, lookup: Node, position: number): Node[] {
  const parent = lookup.parent;
  if (parent?.type === syntax.call && parent.childForFieldName('function')?.id === lookup.id)
    return position === -1 ? [lookup] : [];
  const left = parent === null ? undefined : readAssigned(syntax, parent, lookup);
  const target =
    position === -1
      ? left
      : left !== undefined && syntax.patterns.includes(left.type)
        ? left.namedChildren[position]
        : undefined;
  if (parent === null || target?.type !== 'identifier') return [];
  const name = sliceNode(context.text, target);
  const callees: Node[] = [];
  for (const call of findScope(syntax, lookup).descendantsOfType(syntax.call)) {
    const callee = call?.childForFieldName('function');
    if (call == null || callee?.type !== 'identifier' || call.startIndex < parent.endIndex) continue;
    if (sliceNode(context.text, callee) === name) callees.push(callee);
  }
  return callees;
}

// A key: a string, or (Python) a name bound to one (`GET = 'GET'` at the top of the module); any
// other name is computed (its source is kept for the wrapper that takes it as a parameter).
function readMethod(
  context: ScanContext,
  syntax: DispatchSyntax,
  key: Node,
): { value?: string; source?: string } {
  const literal = syntax.readString(key, context.text);
  if (literal !== undefined) return { value: literal.toUpperCase() };
  if (key.type !== 'identifier') return {};
  const name = sliceNode(context.text, key);
  const bound =
    syntax === PYTHON ? readNameValue(name, key, context.language, context.text, context.root) : undefined;
  const constant = bound === undefined ? undefined : readPythonString(bound, context.text);
  return constant === undefined ? { source: name } : { value: constant.toUpperCase() };
}
