/**
 * Go request types that carry their own endpoint. A generic executor (`c.client.Exec(ctx, request,
 * result)`, `Do(ctx, req)`) takes a value whose type states its URL and method through methods
 * (`func (r *getThing) Path() string { return "/v2/things/" + r.ID }`, `func (r getThing) Method()
 * string { return http.MethodGet }`), often in another file, and reads them through an interface
 * (`retryablehttp.NewRequest(req.Method(), buildURL(req), body)`). Each string method of a type
 * that takes nothing is shared as a helper under its type (`request:dir#getThing.Path` for its
 * package, `request:getThing.Path` for the project); the executor is a wrapper whose URL and method
 * are those methods of its argument (`urlKey`/`methodKey` ending in `()`), and a call site reads them
 * off the argument's type: a composite literal `&getThing{...}` (in the call or a local above), or a
 * parameter's declared type.
 */

import { dirname } from 'node:path';
import type { Node } from 'web-tree-sitter';
import { nodesOfType } from '../nodes-of-type';
import type { ScanContext } from '../recognizers/context';
import { readMethodValue } from '../recognizers/inferred-arguments';
import { sliceNode, unwrapExpression } from '../syntax';
import type { UrlSegment } from '../types';
import { readNameValue } from './assigned-values';
import type { FunctionShape } from './code-shape';
import { readParamNames } from './go-struct-fields';
import type { HelperFact, SharedValues } from './types';
import { mergeSegments, readUrlValue } from './values';

// What an executor reads a request's URL and method through: `ResourcePath()`, `URL()`, `Method()`.
const URL_METHOD = /(?:path|url|uri|endpoint|route)$/i;
const VERB_METHOD = /(?:method|verb)$/i;
const FIELD = /^([A-Za-z_]\w*)\.([A-Za-z_]\w*)$/;
const ZERO_ARG_CALL = /^([A-Za-z_]\w*)\.([A-Za-z_]\w*)\(\)$/;
// A base before the path: a name or a field (`g.base`, `c.endpoint`).
const BASE_PART = /^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*$/;
const HELPER_CALL = /^(?:([A-Za-z_]\w*)\.)?([A-Za-z_]\w*)\(([^()]*)\)$/;
// A type with more returns than this in one method picks among paths: not read.
const MAX_RETURNS = 8;
const PREFIX = 'request:';

/** The key a request type's method is shared under, in its package or (no folder) the project. */
function requestKey(type: string, method: string, file?: string): string {
  return file === undefined ? `${PREFIX}${type}.${method}` : `${PREFIX}${dirname(file)}#${type}.${method}`;
}

/**
 * One Go file's request types: each method that takes nothing, returns a string and gives the same
 * template at every return (`if r.Name != "" { return "/x/" + r.Name }; return "/x/" + r.ID`), as
 * its package's and the project's helper. Receiver fields stay expressions named by the receiver.
 */
export function readGoRequestTypes(context: ScanContext): HelperFact[] {
  if (context.language !== 'go') return [];
  const { root, text } = context;
  const out: HelperFact[] = [];
  const own = readOwnStringMethods(context);
  for (const declaration of root.namedChildren) {
    const built =
      declaration?.type === 'function_declaration' ? readConstructor(declaration, text) : undefined;
    if (built !== undefined) {
      const fact = { param: '', url: [{ kind: 'literal' as const, text: built.type }] };
      out.push(
        { name: constructorKey(built.name, context.file), ...fact },
        { name: constructorKey(built.name), ...fact },
      );
    }
    if (declaration?.type !== 'method_declaration') continue;
    const name = declaration.childForFieldName('name');
    const result = declaration.childForFieldName('result');
    const params = declaration.childForFieldName('parameters');
    const body = declaration.childForFieldName('body');
    const receiver = readReceiver(declaration, text);
    if (name === null || body === null || receiver === undefined) continue;
    if (result === null || sliceNode(text, result) !== 'string' || (params?.namedChildCount ?? 0) > 0)
      continue;
    const method = sliceNode(text, name);
    const verb = VERB_METHOD.test(method);
    if (!verb && !URL_METHOD.test(method)) continue;
    const url = readReturns(context, body, receiver.name, verb, (m) => own.get(`${receiver.type}.${m}`));
    if (url === undefined) continue;
    const fact = { param: receiver.name, url };
    out.push({ name: requestKey(receiver.type, method, context.file), ...fact });
    out.push({ name: requestKey(receiver.type, method), ...fact });
  }
  return out;
}

/** The key a constructor's result type is shared under (`NewWalk` -> `walk`), as requestKey's. */
function constructorKey(name: string, file?: string): string {
  return file === undefined ? `${PREFIX}new:${name}` : `${PREFIX}new:${dirname(file)}#${name}`;
}

// `func NewWalk(id string) *walk { return &walk{ID: id} }`: one statement returning a literal of
// the declared result type.
function readConstructor(declaration: Node, text: string): { name: string; type: string } | undefined {
  const name = declaration.childForFieldName('name');
  const result = declaration.childForFieldName('result');
  const type = result === null ? null : /^\*?([A-Za-z_]\w*)$/.exec(sliceNode(text, result));
  const statements = declaration
    .childForFieldName('body')
    ?.namedChildren.filter((c) => c?.type !== 'comment');
  const only = statements?.length === 1 ? statements[0] : undefined;
  if (name === null || type == null || only?.type !== 'return_statement') return undefined;
  const list = only.namedChildren[0];
  const value = list?.type === 'expression_list' && list.namedChildCount === 1 ? list.namedChild(0) : list;
  const literal = value == null ? undefined : unwrapAddress(value, text);
  return literal?.type === 'composite_literal' &&
    sliceNode(text, literal.childForFieldName('type') ?? literal) === type[1]
    ? { name: sliceNode(text, name), type: type[1] as string }
    : undefined;
}

// `(r *getThing)`: the receiver's name and its type without `*`.
function readReceiver(declaration: Node, text: string): { name: string; type: string } | undefined {
  const receiver = declaration
    .childForFieldName('receiver')
    ?.namedChildren.find((p) => p?.type === 'parameter_declaration');
  const name = receiver?.childForFieldName('name');
  const type = receiver?.childForFieldName('type');
  if (receiver == null || name == null || type == null) return undefined;
  const written = /^\*?([A-Za-z_]\w*)$/.exec(sliceNode(text, type));
  return written === null ? undefined : { name: sliceNode(text, name), type: written[1] as string };
}

// The template every return of the body gives (expressions compared as `{}`), or undefined.
// Each method of the file that takes nothing and only returns a string (`fileName()` returning
// `r.ID + ".ics"`), by `Type.method`: its receiver's name and the value, for paths that call one.
function readOwnStringMethods(context: ScanContext): Map<string, { receiver: string; value: Node }> {
  const { root, text } = context;
  const found = new Map<string, { receiver: string; value: Node }>();
  for (const declaration of root.namedChildren) {
    if (declaration?.type !== 'method_declaration') continue;
    const name = declaration.childForFieldName('name');
    const result = declaration.childForFieldName('result');
    const receiver = readReceiver(declaration, text);
    const statements = declaration
      .childForFieldName('body')
      ?.namedChildren.filter((c) => c?.type !== 'comment');
    const only = statements?.length === 1 ? statements[0] : undefined;
    const list = only?.type === 'return_statement' ? only.namedChildren[0] : undefined;
    const value = list?.type === 'expression_list' && list.namedChildCount === 1 ? list.namedChild(0) : list;
    if (name === null || receiver === undefined || value == null || result === null) continue;
    if (
      sliceNode(text, result) !== 'string' ||
      (declaration.childForFieldName('parameters')?.namedChildCount ?? 0) > 0
    )
      continue;
    found.set(`${receiver.type}.${sliceNode(text, name)}`, { receiver: receiver.name, value });
  }
  return found;
}

function readReturns(
  context: ScanContext,
  body: Node,
  receiver: string,
  verb: boolean,
  ownMethod: (name: string) => { receiver: string; value: Node } | undefined,
): UrlSegment[] | undefined {
  const { text, root } = context;
  let found: UrlSegment[] | undefined;
  let shape: string | undefined;
  let count = 0;
  for (const statement of nodesOfType(body, 'return_statement')) {
    if (statement === null || insideClosure(statement, body)) continue;
    if (++count > MAX_RETURNS) return undefined;
    const list = statement.namedChildren.find((c) => c !== null && c.type !== 'comment');
    const values = list?.type === 'expression_list' ? list.namedChildren : [list];
    const value = values.length === 1 ? values[0] : undefined;
    if (value == null) return undefined;
    let segments: UrlSegment[];
    if (verb) {
      const method = readMethodValue(context, value);
      if (method === undefined || !/^[A-Za-z]+$/.test(method)) return undefined;
      segments = [{ kind: 'literal', text: method.toUpperCase() }];
    } else {
      segments = mergeSegments(
        readUrlValue(value, 'go', text, root).flatMap((s) => readOwnCall(s, receiver, ownMethod, context)),
      );
      // A path of its own: written from a literal, naming nothing but the receiver's fields.
      const [first] = segments;
      if (first?.kind !== 'literal' || !first.text.includes('/')) return undefined;
      if (segments.some((s) => s.kind === 'expr' && !s.source.startsWith(`${receiver}.`))) return undefined;
    }
    const written = segments.map((s) => (s.kind === 'literal' ? s.text : '{}')).join('');
    if (shape !== undefined && shape !== written) return undefined;
    shape = written;
    // The last return: the path taken when no branch above returns (`return "/x/" + r.ID`).
    found = segments;
  }
  return found;
}

// `r.fileName()` in a path: that method's value, its receiver's fields named by ours (one level).
function readOwnCall(
  segment: UrlSegment,
  receiver: string,
  ownMethod: (name: string) => { receiver: string; value: Node } | undefined,
  context: ScanContext,
): UrlSegment[] {
  const match = segment.kind === 'expr' ? ZERO_ARG_CALL.exec(segment.source) : null;
  const method = match !== null && match[1] === receiver ? ownMethod(match[2] as string) : undefined;
  if (method === undefined) return [segment];
  const read = readUrlValue(method.value, 'go', context.text, context.root);
  if (read.some((s) => s.kind === 'expr' && !s.source.startsWith(`${method.receiver}.`))) return [segment];
  return read.map((s) =>
    s.kind === 'expr'
      ? { kind: 'expr', source: `${receiver}.${s.source.slice(method.receiver.length + 1)}` }
      : s,
  );
}

function insideClosure(node: Node, body: Node): boolean {
  for (let current = node.parent; current !== null && current.id !== body.id; current = current.parent)
    if (current.type === 'func_literal') return true;
  return false;
}

/**
 * A wrapper's URL read off a request parameter: `req.ResourcePath()` itself, or a helper of the file
 * handed the parameter that reads it (`buildURL(cli, req, query)` over `url.URL{Path:
 * r.ResourcePath()}`). The parameter's position, the method as a key (`ResourcePath()`), and the
 * wrapper's URL (the parameter alone: the type's path is the URL callers see).
 */
export function readRequestUrlMethod(
  context: ScanContext,
  source: string,
  fn: FunctionShape,
): { index: number; key: string; url: UrlSegment[] } | undefined {
  if (context.language !== 'go') return undefined;
  const direct = readParamMethodCall(source.trim(), fn, URL_METHOD);
  if (direct !== undefined)
    return { ...direct, url: [{ kind: 'expr', source: fn.params[direct.index] ?? '' }] };
  // `g.base + op.URLPath()`: the request's path after a base the wrapper writes.
  const parts = source.includes('(') && !HELPER_CALL.test(source.trim()) ? source.split('+') : [];
  const joined = parts.map((part) => readParamMethodCall(part.trim(), fn, URL_METHOD));
  const at = joined.findIndex((found) => found !== undefined);
  const found = joined[at];
  if (
    found !== undefined &&
    at === parts.length - 1 &&
    parts.slice(0, at).every((p) => BASE_PART.test(p.trim()))
  )
    return {
      ...found,
      url: [
        ...parts.slice(0, at).map((p): UrlSegment => ({ kind: 'expr', source: p.trim() })),
        { kind: 'expr', source: fn.params[found.index] ?? '' },
      ],
    };
  const helper = HELPER_CALL.exec(source.trim());
  if (helper === null) return undefined;
  const [, owner, name, list] = helper;
  if (owner !== undefined && !fn.selfNames.includes(owner)) return undefined;
  const args = (list ?? '').split(',').map((a) => a.trim());
  const position = args.findIndex((a) => fn.params.includes(a) && !fn.selfNames.includes(a));
  if (position < 0) return undefined;
  const declaration = findDeclaration(context, name ?? '', owner !== undefined);
  const param = declaration === undefined ? undefined : readParamNames(declaration, context.text)[position];
  const body = declaration?.childForFieldName('body');
  if (param === undefined || body == null) return undefined;
  const keys = new Set<string>();
  for (const call of nodesOfType(body, 'call_expression')) {
    const key = call === null ? undefined : readZeroArgMethod(call, param, context.text, URL_METHOD);
    if (key !== undefined) keys.add(key);
  }
  const [key, ...more] = keys;
  if (key === undefined || more.length > 0) return undefined;
  const index = fn.params.indexOf(args[position] as string);
  return { index, key: `${key}()`, url: [{ kind: 'expr', source: fn.params[index] ?? '' }] };
}

/** A wrapper's method read off a request parameter: `req.Method()` or `op.HTTPMethod`, as the parameter and key. */
export function readRequestVerbMethod(
  source: string,
  fn: FunctionShape,
): { index: number; key: string } | undefined {
  const field = FIELD.exec(source.trim());
  const index =
    field === null || fn.selfNames.includes(field[1] as string) ? -1 : fn.params.indexOf(field[1] as string);
  // `op.HTTPMethod`: an operation struct's field (read off the caller's literal, see readGoKeyNode).
  if (field !== null && index >= 0 && VERB_METHOD.test(field[2] as string))
    return { index, key: field[2] as string };
  return readParamMethodCall(source.trim(), fn, VERB_METHOD);
}

function readParamMethodCall(
  source: string,
  fn: FunctionShape,
  names: RegExp,
): { index: number; key: string } | undefined {
  const match = ZERO_ARG_CALL.exec(source);
  if (match === null || fn.selfNames.includes(match[1] as string)) return undefined;
  const index = fn.params.indexOf(match[1] as string);
  return index < 0 || !names.test(match[2] as string) ? undefined : { index, key: `${match[2]}()` };
}

function readZeroArgMethod(call: Node, param: string, text: string, names: RegExp): string | undefined {
  const match = ZERO_ARG_CALL.exec(sliceNode(text, call));
  return match !== null && match[1] === param && names.test(match[2] as string) ? match[2] : undefined;
}

// The one function (or method) of the file with this name.
function findDeclaration(context: ScanContext, name: string, method: boolean): Node | undefined {
  const type = method ? 'method_declaration' : 'function_declaration';
  const found = context.root.namedChildren.filter(
    (d): d is Node => d?.type === type && sliceNode(context.text, d.childForFieldName('name') ?? d) === name,
  );
  return found.length === 1 ? found[0] : undefined;
}

/**
 * What method `key` (`ResourcePath()`) of the request passed at a call site gives: the argument's
 * type is a composite literal's (`&getThing{ID: id}`, in the call or a local assigned above) or a
 * parameter's declared type. Fields the literal sets are put in; others are named by the argument.
 * Undefined when the type is unknown or states no such method.
 */
export function readRequestEndpoint(
  context: ScanContext,
  argument: Node,
  key: string,
  shared: SharedValues | undefined,
): UrlSegment[] | undefined {
  if (context.language !== 'go' || shared === undefined || !key.endsWith('()')) return undefined;
  const method = key.slice(0, -2);
  const { text } = context;
  let node: Node = unwrapAddress(unwrapExpression(argument), text);
  const name = node.type === 'identifier' ? sliceNode(text, node) : sliceNode(text, argument);
  let type: { name: string; qualified: boolean } | undefined;
  const named = node.type === 'identifier';
  if (node.type === 'identifier') {
    type = readDeclaredType(node, text);
    if (type === undefined) {
      const value = readNameValue(sliceNode(text, node), node, 'go', text, context.root);
      if (value !== undefined) node = unwrapAddress(unwrapExpression(value), text);
    }
  }
  const literal = node.type === 'composite_literal' ? node : undefined;
  if (type === undefined && literal !== undefined)
    type = readWrittenType(literal.childForFieldName('type'), text);
  if (type === undefined && node.type === 'call_expression') type = readConstructed(node, text, shared);
  if (type === undefined) return undefined;
  const local =
    type.qualified || shared.goFile === undefined
      ? undefined
      : shared.helpers.get(requestKey(type.name, method, shared.goFile));
  const helper = local ?? shared.helpers.get(requestKey(type.name, method));
  if (helper == null) return undefined;
  const fields = literal === undefined ? new Map<string, Node>() : readLiteralFields(literal, text);
  const out: UrlSegment[] = [];
  for (const segment of helper.url) {
    if (segment.kind === 'literal' || !segment.source.startsWith(`${helper.param}.`)) {
      out.push(segment);
      continue;
    }
    const field = segment.source.slice(helper.param.length + 1);
    const value = fields.get(field);
    if (value !== undefined) out.push(...readUrlValue(value, 'go', text, context.root, shared));
    else out.push({ kind: 'expr', source: named ? `${name}.${field}` : field });
  }
  return mergeSegments(out);
}

// `NewWalk(id)` or `things.NewWalk(id)`: the type the constructor returns.
function readConstructed(
  call: Node,
  text: string,
  shared: SharedValues,
): { name: string; qualified: boolean } | undefined {
  const written = /^(?:([A-Za-z_]\w*)\.)?([A-Za-z_]\w*)$/.exec(
    sliceNode(text, call.childForFieldName('function') ?? call),
  );
  if (written === null) return undefined;
  const qualified = written[1] !== undefined;
  const name = written[2] as string;
  const local =
    qualified || shared.goFile === undefined
      ? undefined
      : shared.helpers.get(constructorKey(name, shared.goFile));
  const [type] = (local ?? shared.helpers.get(constructorKey(name)))?.url ?? [];
  return type?.kind === 'literal' ? { name: type.text, qualified } : undefined;
}

function unwrapAddress(node: Node, text: string): Node {
  if (node.type !== 'unary_expression' || !sliceNode(text, node).startsWith('&')) return node;
  const operand = node.childForFieldName('operand');
  return operand === null ? node : unwrapExpression(operand);
}

// A parameter's declared type (`req *things.GetRequest`), as its name and whether a package qualifies it.
function readDeclaredType(node: Node, text: string): { name: string; qualified: boolean } | undefined {
  const name = sliceNode(text, node);
  for (let current = node.parent; current !== null; current = current.parent) {
    if (!['function_declaration', 'method_declaration', 'func_literal'].includes(current.type)) continue;
    for (const declaration of current.childForFieldName('parameters')?.namedChildren ?? []) {
      if (declaration?.type !== 'parameter_declaration') continue;
      if (!declaration.childrenForFieldName('name').some((n) => n !== null && sliceNode(text, n) === name))
        continue;
      return readWrittenType(declaration.childForFieldName('type'), text);
    }
  }
  return undefined;
}

function readWrittenType(type: Node | null, text: string): { name: string; qualified: boolean } | undefined {
  if (type === null) return undefined;
  const match = /^\*?(?:([A-Za-z_]\w*)\.)?([A-Za-z_]\w*)$/.exec(sliceNode(text, type));
  return match === null ? undefined : { name: match[2] as string, qualified: match[1] !== undefined };
}

// `getThing{ID: id, Name: name}`: each keyed field's value.
function readLiteralFields(literal: Node, text: string): Map<string, Node> {
  const fields = new Map<string, Node>();
  const body = literal.childForFieldName('body');
  for (const element of body?.namedChildren ?? []) {
    if (element?.type !== 'keyed_element') continue;
    const [key, value] = element.namedChildren;
    const keyName = key?.type === 'literal_element' ? key.firstNamedChild : key;
    const valueNode = value?.type === 'literal_element' ? value.firstNamedChild : value;
    if (keyName?.type === 'field_identifier' || keyName?.type === 'identifier')
      if (valueNode != null) fields.set(sliceNode(text, keyName), valueNode);
  }
  return fields;
}
