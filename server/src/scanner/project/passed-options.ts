/**
 * An options object handed on whole (JavaScript/TypeScript): a verb method of a request helper that
 * takes one object carrying the URL (`get(options) { return this.#send(options) }`, also `post(o) {
 * return this.#send({ ...o, method: 'POST' }) }`) around a wrapper that reads the URL from a key of
 * its options (`#send({ path, method })`). The URL is then the caller's own parameter's key, so the
 * verb method is a wrapper of that key in turn, and its callers' `{ path: ... }` are the calls.
 */

import type { Node } from 'web-tree-sitter';
import type { ScanContext } from '../recognizers/context';
import { readConstantString, sliceNode, unwrapExpression } from '../syntax';
import type { HttpCall } from '../types';
import { type FunctionShape, findEnclosingFunction, isJsLanguage } from './code-shape';

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
// `options.path`: a parameter's key, as the URL segment of a call that hands its options on.
const KEYED = /^([A-Za-z_$][\w$]*)\.([A-Za-z_$][\w$]*)$/;

/**
 * The parameter (of a function around `holder`, as its identifier at the call) whose `key` a call's options argument carries when
 * the argument is that parameter (`send(options)`) or an object spreading it without writing `key`
 * itself (`send({ ...options, method: 'POST' })`); undefined otherwise.
 */
export function readPassedOptionsParam(context: ScanContext, holder: Node, key: string): Node | undefined {
  if (!isJsLanguage(context.language)) return undefined;
  const { text } = context;
  const node = unwrapExpression(holder);
  if (node.type === 'identifier') {
    const name = sliceNode(text, node);
    return isOwnParameter(context, node, name) ? node : undefined;
  }
  if (node.type !== 'object') return undefined;
  let spread: Node | undefined;
  for (const property of node.namedChildren) {
    if (property === null || property.type === 'comment') continue;
    if (property.type === 'spread_element') {
      const inner = property.firstNamedChild;
      const name = inner === null ? '' : sliceNode(text, inner);
      // Two spreads, or one of something else: which one carries the key is not known.
      if (spread !== undefined || inner?.type !== 'identifier' || !isOwnParameter(context, inner, name))
        return undefined;
      spread = inner;
      continue;
    }
    const keyNode =
      property.type === 'pair'
        ? property.childForFieldName('key')
        : property.type === 'method_definition'
          ? null
          : property;
    if (keyNode !== null && sliceNode(text, keyNode).replace(/^['"]|['"]$/g, '') === key) return undefined;
  }
  return spread;
}

// A parameter of the function the name is used in itself (not a local, nor an outer function's).
function isOwnParameter(context: ScanContext, node: Node, name: string): boolean {
  const fn = findEnclosingFunction(node, context.language, context.text);
  return fn?.params.includes(name) === true;
}

/**
 * `options.path` in a wrapper whose parameter is `options`: the key of the parameter the URL comes
 * from (`path`), so that its callers' `{ path: ... }` give the URL; undefined for anything else.
 */
export function readKeyOfParam(source: string, params: readonly string[]): string | undefined {
  const match = KEYED.exec(source.trim());
  if (match === null || !IDENTIFIER.test(match[1] as string)) return undefined;
  return params.includes(match[1] as string) ? match[2] : undefined;
}

// Clients whose options object's `method` is `GET` when absent.
const INIT_CLIENTS = new Set(['fetch', 'ofetch', 'undici', 'ky', 'got', 'fetch-event-source']);

/**
 * The method a wrapper whose method is a key of its object parameter (`#send({ path, method })`)
 * sends when its caller gives none: the pattern's default (`{ method = 'PUT' }`), else `GET` when
 * the call inside hands it to a client whose options default to `GET` (`fetch(url, { method })`).
 */
export function readKeyedMethodDefault(
  context: ScanContext,
  call: HttpCall,
  fn: FunctionShape,
  name: string,
): string | undefined {
  if (!isJsLanguage(context.language)) return undefined;
  for (const pattern of fn.node
    .childForFieldName('parameters')
    ?.descendantsOfType('object_assignment_pattern') ?? []) {
    const left = pattern?.childForFieldName('left');
    const right = pattern?.childForFieldName('right');
    if (left == null || right == null || sliceNode(context.text, left) !== name) continue;
    const fallback = readConstantString(right, context.text);
    return fallback !== undefined && /^[A-Za-z]+$/.test(fallback) ? fallback.toUpperCase() : undefined;
  }
  return call.origin !== 'inferred' && INIT_CLIENTS.has(call.client) ? 'GET' : undefined;
}

/**
 * `fetch(req.url, { method: req.method })` in `request(req)`: the method is the `method` key of the
 * parameter the call reads it from (its default the client's, `GET` for fetch's options).
 */
export function readMemberMethod(
  context: ScanContext,
  call: HttpCall,
  node: Node,
  fn: FunctionShape,
): { methodParam: number; methodKey: string; methodDefault?: string } | undefined {
  if (!isJsLanguage(context.language) || call.method !== undefined) return undefined;
  const args = node.childForFieldName('arguments');
  for (const member of args?.descendantsOfType('member_expression') ?? []) {
    const object = member?.childForFieldName('object');
    const property = member?.childForFieldName('property');
    if (object?.type !== 'identifier' || property == null) continue;
    const key = sliceNode(context.text, property);
    const index = fn.params.indexOf(sliceNode(context.text, object));
    if (index < 0 || !METHOD_KEY.test(key)) continue;
    const fallback = call.origin !== 'inferred' && INIT_CLIENTS.has(call.client) ? 'GET' : undefined;
    return {
      methodParam: index,
      methodKey: key,
      ...(fallback === undefined ? {} : { methodDefault: fallback }),
    };
  }
  return undefined;
}

const METHOD_KEY = /^(?:method|verb|httpMethod)$/;
