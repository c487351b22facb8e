/**
 * Factories that wrap a client in an object of forwarding methods (JavaScript/TypeScript):
 * `function tracked(http: HttpClient, t: Tracker): TrackedHttp { return { post: (...args) =>
 * track(http.post(...args)), put: (...args) => track(http.put(...args)) } }`. Each method of the
 * returned object calls the parameter's method of the same name with what it is given, so a value
 * of the declared return type sends as the parameter's class does: `this.#tracked.post({ path })`
 * is `HttpClient.post`. Read as a class fact, the return type naming the parameter's type as its
 * base, so the receiver of a field declared with that type matches the client's wrappers.
 */

import type { Node } from 'web-tree-sitter';
import { nodesOfType } from '../nodes-of-type';
import type { ScanContext } from '../recognizers/context';
import { sliceNode, unwrapExpression } from '../syntax';
import { isJsLanguage } from './code-shape';
import type { ClassFact } from './types';

// A returned object needs this many forwarding methods (and no other member) to be read.
const MIN_METHODS = 2;

/** The return types of the file's forwarding factories, each with the forwarded parameter's type as base. */
export function readForwardingFactories(context: ScanContext): ClassFact[] {
  if (context.language !== 'typescript' && context.language !== 'tsx') return [];
  if (!isJsLanguage(context.language) || !/\breturn\s*\{|=>\s*\(\s*\{/.test(context.text)) return [];
  const { text } = context;
  const facts: ClassFact[] = [];
  for (const fn of nodesOfType(context.root, ['function_declaration', 'arrow_function'])) {
    if (fn == null) continue;
    const returnType = typeName(fn.childForFieldName('return_type'), text);
    if (returnType === undefined) continue;
    const object = returnedObject(fn);
    if (object === undefined) continue;
    const params = new Map<string, string>();
    for (const param of fn.childForFieldName('parameters')?.namedChildren ?? []) {
      const pattern = param?.childForFieldName('pattern');
      const type = typeName(param?.childForFieldName('type') ?? null, text);
      if (pattern?.type === 'identifier' && type !== undefined) params.set(sliceNode(text, pattern), type);
    }
    const forwarded = forwardedParam(object, params, text);
    const base = forwarded === undefined ? undefined : params.get(forwarded);
    if (base !== undefined && base !== returnType) facts.push({ name: returnType, bases: [base] });
  }
  return facts;
}

// `: TrackedHttp` or `: TrackedHttp<T>`: the named type (undefined for a union, an object type, ...).
function typeName(annotation: Node | null, text: string): string | undefined {
  const type = annotation?.namedChildren[0];
  const named = type?.type === 'generic_type' ? type.childForFieldName('name') : type;
  return named?.type === 'type_identifier' ? sliceNode(text, named) : undefined;
}

// The object literal a function returns: its body's last statement `return { ... }`, or an arrow's `({ ... })`.
function returnedObject(fn: Node): Node | undefined {
  const body = fn.childForFieldName('body');
  if (body == null) return undefined;
  if (body.type !== 'statement_block') {
    const value = unwrapExpression(body);
    return value.type === 'object' ? value : undefined;
  }
  const last = body.namedChildren.filter((s) => s !== null && s.type !== 'comment').at(-1);
  const value = last?.type === 'return_statement' ? last.namedChildren[0] : undefined;
  const inner = value == null ? undefined : unwrapExpression(value);
  return inner?.type === 'object' ? inner : undefined;
}

// The one parameter every member of the object forwards to, calling its method of the member's name.
function forwardedParam(object: Node, params: ReadonlyMap<string, string>, text: string): string | undefined {
  let forwarded: string | undefined;
  let methods = 0;
  for (const member of object.namedChildren) {
    if (member === null || member.type === 'comment') continue;
    const key = member.type === 'pair' ? member.childForFieldName('key') : member.childForFieldName('name');
    const value = member.type === 'pair' ? member.childForFieldName('value') : member;
    if (key == null || value == null) return undefined;
    if (
      value.type !== 'arrow_function' &&
      value.type !== 'method_definition' &&
      value.type !== 'function_expression'
    )
      return undefined;
    const name = sliceNode(text, key);
    const target = callsParamMethod(value, name, params, text);
    if (target === undefined || (forwarded !== undefined && target !== forwarded)) return undefined;
    forwarded = target;
    methods++;
  }
  return methods >= MIN_METHODS ? forwarded : undefined;
}

// The parameter whose method `name` the function calls with its own parameters (`http.post(...args)`).
function callsParamMethod(
  fn: Node,
  name: string,
  params: ReadonlyMap<string, string>,
  text: string,
): string | undefined {
  const own = (fn.childForFieldName('parameters')?.namedChildren ?? [])
    .filter((p): p is Node => p !== null && p.type !== 'comment')
    .map((p) => sliceNode(text, p.childForFieldName('pattern') ?? p).replace(/^\.\.\./, ''));
  const single = fn.childForFieldName('parameter');
  if (single !== null) own.push(sliceNode(text, single));
  for (const call of fn.descendantsOfType('call_expression')) {
    const callee = call?.childForFieldName('function');
    if (callee?.type !== 'member_expression') continue;
    const receiver = callee.childForFieldName('object');
    const property = callee.childForFieldName('property');
    if (receiver?.type !== 'identifier' || property == null || sliceNode(text, property) !== name) continue;
    const param = sliceNode(text, receiver);
    const args = (call?.childForFieldName('arguments')?.namedChildren ?? []).filter(
      (a): a is Node => a !== null && a.type !== 'comment',
    );
    const handsOwn =
      args.length > 0 && args.every((a) => own.includes(sliceNode(text, a).replace(/^\.\.\./, '')));
    if (params.has(param) && handsOwn) return param;
  }
  return undefined;
}
