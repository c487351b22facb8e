/**
 * Reading the arguments of a call of an inferred client: positional (and Python keyword)
 * arguments, the node an options object holds under a key (also through a local holding the
 * object), and a method written as a string, Go's `http.MethodGet` or a constant.
 */

import type { Node } from 'web-tree-sitter';
import { readNameValue } from '../project/assigned-values';
import { isJsLanguage } from '../project/code-shape';
import { readClassAttributeMethod } from '../project/python-class-methods';
import { readOwnAttributeMethod } from '../project/python-own-methods';
import { readUrlValue } from '../project/values';
import { readPythonArguments, readPythonString } from '../python-syntax';
import { readConstantString, sliceNode, unwrapExpression } from '../syntax';
import type { ScanContext } from './context';
import { readGoString } from './go-http';
import { readCallArguments, readObjectProperty, readPropertyName } from './js-objects';
import { readVerbAttribute } from './python-verb-params';

const HTTP_METHOD = /^(?:get|post|put|patch|delete|head|options)$/i;

/** Positional arguments (without type arguments), and Python's keyword arguments by name. */
export function readArguments(
  context: ScanContext,
  call: Node,
  callee?: Node,
): { positional: Node[]; keywords: Map<string, Node> } {
  if (context.language === 'python') return readPythonArguments(call);
  const args = call.childForFieldName('arguments');
  const positional = (args?.namedChildren ?? []).filter(
    (arg): arg is Node => arg !== null && arg.type !== 'comment' && arg.type !== 'type_arguments',
  );
  // `fn.bind(thisArg, a, b)` calls `fn(a, b)`: its first argument is the bound `this`.
  const bound = callee !== undefined && isBindingOf(context, call, callee);
  return { positional: bound ? positional.slice(1) : positional, keywords: new Map() };
}

/** Whether `call` is `callee.bind(...)`, the wrapper `callee` bound with its leading arguments. */
export function isBindingOf(context: ScanContext, call: Node, callee: Node): boolean {
  const member = call.childForFieldName('function');
  return (
    member?.type === 'member_expression' &&
    member.childForFieldName('object')?.id === callee.id &&
    sliceNode(context.text, member.childForFieldName('property') ?? member) === 'bind'
  );
}

/**
 * `const request = { method: 'post', body }` above `this.send(url, request)`: the object the local
 * holds (JS/TS; also `Object.assign({ method: 'post' }, options)`), else the argument. A local
 * handed to a normaliser and assigned its result (`options = normalizeOptions(msg, options, extra)`)
 * is read as the object it held before: the options it is handed are what it returns, merged with
 * the caller's extras, unless the call writes a method of its own (a method-like string argument).
 */
export function readLocalObject(context: ScanContext, argument: Node): Node {
  if (!isJsLanguage(context.language) || argument.type !== 'identifier') return argument;
  const name = sliceNode(context.text, argument);
  let value = readNameValue(name, argument, context.language, context.text, context.root);
  if (value !== undefined && isNormaliserOf(context, value, name))
    value = readNameValue(name, value, context.language, context.text, context.root);
  return value !== undefined && (unwrapExpression(value).type === 'object' || isObjectAssign(context, value))
    ? value
    : argument;
}

// `normalize(msg, options, extra)` for `options`: a call other than `Object.assign` handed the name
// itself, and no string that reads as an HTTP method.
function isNormaliserOf(context: ScanContext, value: Node, name: string): boolean {
  const call = unwrapExpression(value);
  if (call.type !== 'call_expression' || isObjectAssign(context, call)) return false;
  const args = readCallArguments(call);
  return (
    args.some((arg) => arg.type === 'identifier' && sliceNode(context.text, arg) === name) &&
    !args.some((arg) => HTTP_METHOD.test(readConstantString(arg, context.text) ?? ''))
  );
}

/**
 * The value an options object gives `key` as a default that options merged after it may replace:
 * `{ method: 'GET', ...options }` and `Object.assign({ method: 'GET' }, options)` send GET unless
 * the caller's own `options` say otherwise, so GET is what the call sends as written (as a
 * parameter's default is). The last object literal that sets `key` gives it; a shorthand `key` or a
 * spread before it leaves it unknown. JavaScript/TypeScript only.
 */
export function readDefaultValue(context: ScanContext, argument: Node, key: string): Node | undefined {
  if (!isJsLanguage(context.language)) return undefined;
  const node = unwrapExpression(argument);
  const parts =
    node.type === 'object' ? [node] : isObjectAssign(context, node) ? readCallArguments(node) : [];
  let found: Node | undefined;
  for (const part of parts) {
    const object = unwrapExpression(part);
    if (object.type !== 'object') continue;
    for (const property of object.namedChildren) {
      if (property?.type === 'shorthand_property_identifier' && sliceNode(context.text, property) === key)
        found = undefined;
      else if (property?.type === 'pair' && readPropertyName(property, context.text) === key)
        found = property.childForFieldName('value') ?? undefined;
    }
  }
  return found;
}

// `Object.assign(target, ...sources)`.
function isObjectAssign(context: ScanContext, node: Node): boolean {
  const callee = node.type === 'call_expression' ? node.childForFieldName('function') : null;
  return callee?.type === 'member_expression' && sliceNode(context.text, callee) === 'Object.assign';
}

/** Whether an options object literal does not set `key` (and spreads nothing that might). */
export function isWithoutKey(context: ScanContext, argument: Node, key: string): boolean {
  return context.language !== 'python' && readObjectProperty(argument, key, context.text).kind === 'absent';
}

/** The node a key of an object argument holds: `{ path: '/x' }` gives `'/x'`, `{ path }` the name. */
export function readKeyNode(context: ScanContext, argument: Node, key: string): Node | undefined {
  if (context.language === 'python') return undefined;
  if (context.language === 'go') return readGoKeyNode(context, argument, key);
  const object = unwrapExpression(argument);
  if (object.type !== 'object') return undefined;
  let found: Node | undefined;
  for (const property of object.namedChildren) {
    if (property?.type === 'shorthand_property_identifier' && sliceNode(context.text, property) === key)
      found = property;
    else if (property?.type === 'pair' && readObjectValue(context, object, key) !== undefined)
      found = readObjectValue(context, object, key);
  }
  return found;
}

/** The value an object argument gives `key`, when it is written there. */
export function readObjectValue(context: ScanContext, argument: Node, key: string): Node | undefined {
  if (context.language === 'python') return undefined;
  const reading = readObjectProperty(argument, key, context.text);
  return reading.kind === 'value' ? reading.node : undefined;
}

/** `"GET"`, `'get'`, Go's `http.MethodGet`, a constant holding one; undefined for anything computed. */
export function readMethodValue(context: ScanContext, node: Node): string | undefined {
  const { language, text } = context;
  const literal =
    language === 'python'
      ? readPythonString(node, text)
      : language === 'go'
        ? readGoString(node, text)
        : readConstantString(node, text);
  if (literal !== undefined) return /^[A-Za-z]+$/.test(literal) ? literal.toUpperCase() : undefined;
  if (language === 'go' && node.type === 'selector_expression') {
    const match = /^Method([A-Z][a-z]+)$/.exec(sliceNode(text, node.childForFieldName('field') ?? node));
    return match?.[1]?.toUpperCase();
  }
  // `self.resource_class.http_method_create`: a class attribute of a class chosen elsewhere.
  // Before that, `self.REST_CREATE` (`self.owner.REST_READ`): the attribute of the caller's own class
  // or of the class a field is declared to hold, read through its bases.
  if (language === 'python' && node.type === 'attribute') {
    const attribute = node.childForFieldName('attribute');
    const { shared, fieldTypes } = context.project;
    const own = readOwnAttributeMethod(node, text, shared, fieldTypes);
    if (own !== undefined) return own;
    if (attribute !== null)
      // `method=self._session.put`: a verb function of the library handed to a sender that calls it.
      return readClassAttributeMethod(shared, sliceNode(text, attribute)) ?? readVerbAttribute(text, node);
  }
  // A constant holding the method (`type=POST` after `POST = 'POST'`, here or in another module).
  // Also a route descriptor's verb (`getShelf.method`, shared by the module that declares it).
  if (node.type === 'identifier' || (isJsLanguage(language) && node.type === 'member_expression')) {
    const [value, ...rest] = readUrlValue(node, language, text, context.root, context.project.shared);
    if (rest.length === 0 && value?.kind === 'literal' && /^[A-Za-z]+$/.test(value.text))
      return value.text.toUpperCase();
  }
  return undefined;
}

// Go: `requestData{relPath: p}` (also `&requestData{...}`), written at the call or held in a local
// assigned above it: the value of the field `key`.
function readGoKeyNode(context: ScanContext, argument: Node, key: string): Node | undefined {
  const { text } = context;
  let literal = unwrapExpression(argument);
  if (literal.type === 'identifier') {
    const value = readNameValue(sliceNode(text, literal), literal, 'go', text, context.root);
    if (value === undefined) return undefined;
    literal = unwrapExpression(value);
  }
  if (literal.type === 'unary_expression') literal = literal.childForFieldName('operand') ?? literal;
  if (literal.type !== 'composite_literal') return undefined;
  for (const element of literal.childForFieldName('body')?.namedChildren ?? []) {
    if (element?.type !== 'keyed_element') continue;
    const [name, value] = element.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
    if (name !== undefined && sliceNode(text, name) === key) return value?.firstNamedChild ?? value;
  }
  return undefined;
}
