/**
 * A method that reaches a call inside an options object the wrapper's caller hands in
 * (JavaScript/TypeScript): `request(url, options)` around `fetch(url, this.withHeaders(options))`,
 * `send(url, { ...init, headers })`, or a wrapper of such a wrapper. The options parameter is then
 * where the wrapper's method comes from (its `method` key, the inner call's default when absent),
 * so `this.request(path, { method: 'put' })` is a PUT.
 */

import type { Node } from 'web-tree-sitter';
import type { ScanContext } from '../recognizers/context';
import { sliceNode, unwrapExpression } from '../syntax';
import type { HttpCall } from '../types';
import { readNameValue } from './assigned-values';
import type { FunctionShape } from './code-shape';
import { findDestructuredCall, findHelper } from './js-url-values';
import type { WrapperDefinition } from './types';
import { paramOf } from './wrapper-urls';

// Clients whose second argument is an options object with a `method` key, `GET` when absent.
const INIT_CLIENTS = new Set(['fetch', 'ofetch', 'undici', 'ky', 'got', 'fetch-event-source']);
const FOLLOW_DEPTH = 3;
// A helper that sets a method itself (`method: 'POST'`, `opts.method = m`) does not pass the caller's on.
const SETS_METHOD = /\bmethod\s*:|\.method\s*=(?!=)|\[\s*['"]method['"]\s*\]\s*=(?!=)/;

/** Where a wrapper's method comes from when its caller's options object carries it. */
export interface PassedMethod {
  methodParam: number;
  methodKey: string;
  methodDefault?: string;
}

/**
 * The parameter of `fn` whose options object the call inside it (`call`, at `node`) reads its
 * method from, or undefined when the options are built here or not handed in.
 */
export function readPassedMethod(
  context: ScanContext,
  call: HttpCall,
  node: Node,
  fn: FunctionShape,
): PassedMethod | undefined {
  const holder = findMethodHolder(context, call, node);
  if (holder === undefined) return undefined;
  const index = passedParam(context, holder.argument, fn, 0);
  if (index === undefined) return undefined;
  return {
    methodParam: index,
    methodKey: holder.key,
    ...(holder.fallback === undefined ? {} : { methodDefault: holder.fallback }),
  };
}

// The argument the inner call reads its method from, under which key, and its default.
function findMethodHolder(
  context: ScanContext,
  call: HttpCall,
  node: Node,
): { argument: Node; key: string; fallback?: string } | undefined {
  const args = (node.childForFieldName('arguments')?.namedChildren ?? []).filter(
    (arg): arg is Node => arg !== null && arg.type !== 'comment' && arg.type !== 'type_arguments',
  );
  if (call.origin !== 'inferred') {
    const argument = INIT_CLIENTS.has(call.client) ? args[1] : undefined;
    return argument === undefined ? undefined : { argument, key: 'method', fallback: 'GET' };
  }
  const via = call.via;
  const definition = context.project.definitions.find(
    (d: WrapperDefinition) =>
      via !== undefined &&
      d.site.file === via.file &&
      d.site.line === via.line &&
      (d.owner === undefined ? d.name : `${d.owner}.${d.name}`) === via.name,
  );
  if (definition?.methodParam === undefined || definition.methodKey === undefined) return undefined;
  const argument = args[definition.methodParam];
  if (argument === undefined) return undefined;
  return {
    argument,
    key: definition.methodKey,
    ...(definition.methodDefault === undefined ? {} : { fallback: definition.methodDefault }),
  };
}

// The parameter an options expression passes on unchanged in its method: the parameter itself, a
// local assigned from it, `{ ...options, headers }`, or a helper of the class or module handed it
// that sets no method of its own.
function passedParam(
  context: ScanContext,
  argument: Node,
  fn: FunctionShape,
  depth: number,
): number | undefined {
  if (depth > FOLLOW_DEPTH) return undefined;
  const { text } = context;
  const node = unwrapExpression(argument);
  if (node.type === 'identifier') {
    const name = sliceNode(text, node);
    const direct = paramOf(fn, name);
    if (direct !== undefined) return direct.key === undefined ? direct.index : undefined;
    // `const { url, init } = this.#prepare(options)`: what the helper is handed, as for `this.prepare(options)`.
    const value =
      readNameValue(name, node, context.language, text, context.root) ??
      findDestructuredCall(name, node, text);
    const inside =
      value !== undefined && value.startIndex >= fn.node.startIndex && value.endIndex <= fn.node.endIndex;
    return inside ? passedParam(context, value, fn, depth + 1) : undefined;
  }
  if (node.type === 'object') {
    let found: number | undefined;
    for (const property of node.namedChildren) {
      if (property === null || property.type === 'comment') continue;
      if (property.type === 'spread_element') {
        const spread = property.firstNamedChild;
        const index = spread === null ? undefined : passedParam(context, spread, fn, depth + 1);
        if (index === undefined || found !== undefined) return undefined;
        found = index;
      } else if (/^['"]?method['"]?$/.test(sliceNode(text, property.childForFieldName('key') ?? property)))
        return undefined;
    }
    return found;
  }
  if (node.type === 'call_expression') {
    const helper = findHelper(node, node, text, context.root);
    if (helper === undefined || SETS_METHOD.test(sliceNode(text, helper))) return undefined;
    const passed = (node.childForFieldName('arguments')?.namedChildren ?? [])
      .filter((arg): arg is Node => arg !== null && arg.type !== 'comment')
      .map((arg) => passedParam(context, arg, fn, depth + 1))
      .filter((index) => index !== undefined);
    return passed.length === 1 ? passed[0] : undefined;
  }
  return undefined;
}
