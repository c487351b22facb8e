/**
 * Go dispatch tables: a map literal keyed by the method whose values are net/http's verb functions
 * written without calling them (`map[string]func(string) (*http.Response, error){"GET": http.Get,
 * http.MethodHead: http.Head}`, also `http.DefaultClient.Get`), bound to a name, looked up by a key
 * and called with a URL: `table[method](url)`, or `fn := table[m]` / `fn, ok := table[m]` then
 * `fn(url)`. Each such call is a call whose method is the key: a string or `http.MethodX`, or,
 * when the key is a name the code computes (a parameter), unknown with that name as its source, so
 * that a wrapper takes the method from its callers. Every key must name its own function's verb.
 */

import type { Node } from 'web-tree-sitter';
import { nodesOfType } from '../nodes-of-type';
import { sliceNode } from '../syntax';
import type { HttpCall } from '../types';
import type { ScanContext } from './context';

const SCOPES = new Set(['function_declaration', 'method_declaration', 'func_literal', 'source_file']);

/** How go-http.ts reads a verb function's method and a URL argument, handed in. */
export interface GoVerbReader {
  /** The method a package verb function sends (`http.Get` → GET), or undefined. */
  verbOf(node: Node): string | undefined;
  /** The method a key names (`"GET"`, `http.MethodGet`), or undefined. */
  methodOf(node: Node): string | undefined;
  readUrl(node: Node | undefined): HttpCall['url'];
}

/** The calls made through dispatch tables of net/http's verb functions in one Go file. */
export function findGoDispatchCalls(context: ScanContext, reader: GoVerbReader): HttpCall[] {
  const calls: HttpCall[] = [];
  for (const literal of nodesOfType(context.root, 'composite_literal')) {
    if (literal?.childForFieldName('type')?.type !== 'map_type' || !isTable(literal, reader)) continue;
    const name = readBoundName(literal, context.text);
    if (name === undefined) continue;
    const scope = findScope(literal);
    for (const lookup of scope.descendantsOfType('index_expression')) {
      const operand = lookup?.childForFieldName('operand');
      const key = lookup?.childForFieldName('index');
      if (lookup == null || key == null || lookup.startIndex < literal.endIndex) continue;
      if (operand?.type !== 'identifier' || sliceNode(context.text, operand) !== name) continue;
      const method = reader.methodOf(key);
      const source =
        method === undefined && key.type === 'identifier' ? sliceNode(context.text, key) : undefined;
      for (const callee of findCallees(context, scope, lookup)) {
        const call = callee.parent as Node;
        const args = (call.childForFieldName('arguments')?.namedChildren ?? []).filter(
          (arg): arg is Node => arg !== null && arg.type !== 'comment',
        );
        calls.push({
          kind: 'http',
          client: 'net/http',
          method,
          url: reader.readUrl(args[0]),
          location: context.locateNode(call),
          calleeLocation: context.locateCallee(callee),
          text: context.readExcerpt(call),
          origin: 'recognised',
          ...(source === undefined ? {} : { methodSource: source }),
        });
      }
    }
  }
  return calls;
}

// Every element is `<method key>: <verb function of that method>`.
function isTable(literal: Node, reader: GoVerbReader): boolean {
  const elements = (literal.childForFieldName('body')?.namedChildren ?? []).filter(
    (e): e is Node => e !== null && e.type !== 'comment',
  );
  return (
    elements.length > 0 &&
    elements.every((element) => {
      const [key, value] = element.namedChildren.map((c) => c?.firstNamedChild ?? undefined);
      if (element.type !== 'keyed_element' || key === undefined || value === undefined) return false;
      const verb = reader.verbOf(value);
      return verb !== undefined && reader.methodOf(key) === verb;
    })
  );
}

// `table := map...{}`, `var table = map...{}`, `table = map...{}`: the one name bound to the literal.
function readBoundName(literal: Node, text: string): string | undefined {
  const list = literal.parent;
  const holder = list?.type === 'expression_list' ? list.parent : undefined;
  if (list == null || holder == null || list.namedChildCount !== 1) return undefined;
  const left =
    holder.type === 'var_spec' ? holder.childForFieldName('name') : holder.childForFieldName('left');
  const target = left?.type === 'expression_list' ? left.namedChildren[0] : left;
  return target?.type === 'identifier' ? sliceNode(text, target) : undefined;
}

function findScope(node: Node): Node {
  let current = node.parent;
  while (current !== null && !SCOPES.has(current.type)) current = current.parent;
  return current ?? node;
}

// `table[m](url)`, or the name a lookup is bound to (`fn := table[m]`, `fn, ok := table[m]`) called after.
function findCallees(context: ScanContext, scope: Node, lookup: Node): Node[] {
  const parent = lookup.parent;
  if (parent?.type === 'call_expression' && parent.childForFieldName('function')?.id === lookup.id)
    return [lookup];
  const holder = parent?.type === 'expression_list' ? parent.parent : undefined;
  if (holder == null || !/^(short_var_declaration|assignment_statement)$/.test(holder.type)) return [];
  const left = holder.childForFieldName('left');
  const target = left?.type === 'expression_list' ? left.namedChildren[0] : left;
  if (target?.type !== 'identifier') return [];
  const name = sliceNode(context.text, target);
  const callees: Node[] = [];
  for (const call of scope.descendantsOfType('call_expression')) {
    const callee = call?.childForFieldName('function');
    if (call == null || callee?.type !== 'identifier' || call.startIndex < holder.endIndex) continue;
    if (sliceNode(context.text, callee) === name) callees.push(callee);
  }
  return callees;
}
