/**
 * Calls recognised by their shape, whatever the client (`client: shape`): in real SDKs the transport
 * is often out of the scanner's reach (a dependency, an interface, many layers down), but the call
 * sites show they are requests. Two shapes, with the rules of shape-rules.ts:
 *
 * - a method given as an argument, a standard verb (`'GET'`, `"post"`, Go's `http.MethodGet`, a
 *   constant holding one), followed by an API path, to a callee named like a sender
 *   (`api.request("GET", "/users/{}")`, `c.Do(ctx, http.MethodPost, p)`, Python's `method=`/`url=`);
 * - a callee named for a verb (`get`, `_post`, `Delete`, `do_get`) whose first argument (after a Go
 *   `ctx`) is an API path, on a receiver that is no router, store or test double; a relative path
 *   (`users/me`) only on the object's own receiver (`this`, `self`, a Go receiver, or their fields).
 *
 * The URL is read with the project pass's value readers (locals, constants across files, format
 * strings); parts it cannot read are `{}`. Not in test or mock files, not with a function or handler
 * among the arguments after the path, not as a decorator, and verb-named calls not in a file that
 * imports a server framework (route definitions). A call that hands on its function's own `method`
 * parameter and URL is a transport only: never reported, it makes that function a wrapper (the
 * project pass), whose call sites are.
 */

import type { Node } from 'web-tree-sitter';
import { nodesOfType } from '../nodes-of-type';
import { FUNCTION_TYPES, isParameterAt, readNameValue } from '../project/assigned-values';
import { findEnclosingFunction, findEnclosingOwner } from '../project/code-shape';
import { readGoVariableType } from '../project/field-constants';
import { isBuiltFromParameter } from '../project/python-url-builders';
import { mergeSegments, readUrlValue } from '../project/values';
import { METHOD_NAME } from '../project/wrapper-urls';
import { sliceNode, unwrapExpression } from '../syntax';
import type { HttpCall, UrlSegment } from '../types';
import type { CallRecognizer, ScanContext } from './context';
import { readArguments, readMethodValue } from './inferred-arguments';
import {
  importsServerFramework,
  isNotClientReceiver,
  isNotSenderName,
  isSenderName,
  isTestFile,
  type PathStrength,
  readPathStrength,
  readVerbCallee,
  SHAPE_VERBS,
} from './shape-rules';

/**
 * Shape calls that only hand their function's method and URL parameters on: read by the project
 * pass (the function becomes a wrapper), never reported (the scanner drops them after it).
 */
export const transportOnly = new WeakSet<HttpCall>();

/** The recogniser of calls by their shape; reads the project's shared constants when it has them. */
export const shapeRecognizer: CallRecognizer = {
  client: 'shape',
  languages: ['typescript', 'tsx', 'javascript', 'python', 'go'],
  readsProject: true,
  recognize: findShapeCalls,
};

// Where a method argument may stand: first, or after a context, a host or a client (`REST(host,
// "GET", path)`, `newRequest(ctx, http.MethodPost, url)`).
const METHOD_POSITIONS = 3;
const PYTHON_METHOD_KEYS = ['method', 'http_method', 'verb'];
const PYTHON_URL_KEYS = ['url', 'path', 'endpoint', 'uri', 'api_path', 'url_path'];
const HANDLER_TYPES = new Set([...FUNCTION_TYPES, 'lambda']);
// Names a URL or path is kept in (`url`, `path`, `api_path`, `endpoint`, `relPath`, `uri`).
const URL_NAME = /(?:url|uri|path|endpoint|route|href)/i;
const COLLECTION_TYPES = new Set(['object', 'dictionary', 'set', 'dictionary_comprehension']);

interface Callee {
  node: Node;
  name: string;
  /** The receiver of a method call, undefined for a plain function call. */
  receiver?: Node;
}

function findShapeCalls(context: ScanContext): HttpCall[] {
  if (isTestFile(context.file)) return [];
  const server = importsServerFramework(context.text);
  const calls: HttpCall[] = [];
  const type = context.language === 'python' ? 'call' : 'call_expression';
  const reported = otherStarts.get(context);
  for (const call of nodesOfType(context.root, type)) {
    if (call === null || reported?.has(call.startIndex) || context.isInsideError(call)) continue;
    const callee = readCallee(context, call);
    if (callee === undefined || reported?.has(callee.node.startIndex)) continue;
    const found =
      readMethodArgumentCall(context, call, callee) ??
      (server ? undefined : readVerbNamedCall(context, call, callee));
    if (found !== undefined) calls.push(found);
  }
  return calls;
}

function readCallee(context: ScanContext, call: Node): Callee | undefined {
  const fn = readCalledFunction(call);
  if (fn === null) return undefined;
  if (fn.type === 'identifier') return { node: fn, name: sliceNode(context.text, fn) };
  const [objectField, nameField] =
    fn.type === 'member_expression'
      ? ['object', 'property']
      : fn.type === 'attribute'
        ? ['object', 'attribute']
        : fn.type === 'selector_expression'
          ? ['operand', 'field']
          : [];
  if (objectField === undefined || nameField === undefined) return undefined;
  const receiver = fn.childForFieldName(objectField);
  const name = fn.childForFieldName(nameField);
  if (receiver === null || name === null) return undefined;
  return { node: fn, name: sliceNode(context.text, name), receiver };
}

// `await api.get<User>("/users/1")` parses as a call of `await api.get` (tree-sitter's reading of a
// generic call after `await`): the callee is the awaited expression.
function readCalledFunction(call: Node): Node | null {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'await_expression' || call.childForFieldName('type_arguments') === null) return fn;
  return fn.firstNamedChild;
}

// `api.request("GET", "/users/{}")`, `c.Do(ctx, http.MethodPost, p)`, `self._call(method="POST", path=p)`.
function readMethodArgumentCall(context: ScanContext, call: Node, callee: Callee): HttpCall | undefined {
  if (!isSenderName(callee.name) || isNotSenderName(callee.name) || !isClientReceiver(context, callee))
    return undefined;
  const { positional, keywords } = readArguments(context, call);
  const pairs: Array<[Node, Node | undefined, number]> = [];
  for (let i = 0; i < Math.min(METHOD_POSITIONS, positional.length); i++)
    pairs.push([positional[i] as Node, positional[i + 1], i + 1]);
  if (context.language === 'python') {
    const method = PYTHON_METHOD_KEYS.map((key) => keywords.get(key)).find((node) => node !== undefined);
    const url = PYTHON_URL_KEYS.map((key) => keywords.get(key)).find((node) => node !== undefined);
    if (method !== undefined) pairs.push([method, url ?? positional[0], positional.length]);
  }
  for (const [methodNode, urlNode, after] of pairs) {
    if (urlNode === undefined) continue;
    // `this.fetch(path, "POST", data)`: the URL comes before the method, and what follows is a body.
    const before = positional[positional.indexOf(methodNode) - 1];
    if (before !== undefined && looksLikeUrl(context, before)) return undefined;
    const method = readVerbArgument(context, methodNode);
    const methodParameter = method === undefined ? readMethodParameter(context, methodNode) : undefined;
    if (method === undefined && methodParameter === undefined) continue;
    if (hasHandlerAfter(context, positional.slice(after + 1))) return undefined;
    const segments = readUrlValue(
      urlNode,
      context.language,
      context.text,
      context.root,
      context.project.shared,
    );
    const strength = readPathStrength(segments, true);
    // A method the caller gives is reported at the caller (the function is a wrapper), not here.
    if (strength !== undefined && method !== undefined)
      return buildCall(context, call, callee, method, methodParameter, segments, 'method-argument');
    if (strength === undefined && !flowsFromParameter(context, urlNode, segments)) return undefined;
    const found = buildCall(context, call, callee, method, methodParameter, segments, 'method-argument');
    transportOnly.add(found);
    return found;
  }
  return undefined;
}

// `'GET'`, `"post"`, `http.MethodGet`, a constant holding one: one of the standard verbs.
function readVerbArgument(context: ScanContext, node: Node): string | undefined {
  const inner = unwrapExpression(node);
  // Only names a method would be kept in: a constant (`GET`, `METHOD_POST`) or a method's name.
  if (inner.type === 'identifier' && !/^[A-Z][A-Z0-9_]*$/.test(sliceNode(context.text, inner)))
    return undefined;
  const method = readMethodValue(context, inner);
  return method !== undefined && SHAPE_VERBS.has(method) ? method : undefined;
}

// The function's own `method` parameter handed on (`self._session.request(method, url)`).
function readMethodParameter(context: ScanContext, node: Node): string | undefined {
  const inner = unwrapExpression(node);
  const name = sliceNode(context.text, inner);
  return inner.type === 'identifier' && METHOD_NAME.test(name) && isParameterAt(inner, name, context.text)
    ? name
    : undefined;
}

// Whether a URL the call cannot read is built from a parameter of the function around it, named
// for a URL (`path`, `url`, `endpoint`: a `data` or `body` parameter there is no URL).
function flowsFromParameter(context: ScanContext, node: Node, segments: readonly UrlSegment[]): boolean {
  if (findEnclosingFunction(node, context.language, context.text) === undefined) return false;
  // Each name the unread parts start with (`self.base + path` names `path`; `self` is no parameter).
  return (
    segments.some(
      (segment) =>
        segment.kind === 'expr' &&
        [...segment.source.matchAll(/(?<![\w$.])[A-Za-z_$][\w$]*/g)].some(
          ([name]) => URL_NAME.test(name) && isParameterAt(node, name, context.text),
        ),
    ) || isBuiltFromParameter(context, unwrapExpression(node))
  );
}

// An argument that is a URL: an API path, or a name for one.
function looksLikeUrl(context: ScanContext, node: Node): boolean {
  const inner = unwrapExpression(node);
  if (inner.type === 'identifier') return URL_NAME.test(sliceNode(context.text, inner));
  const segments = readUrlValue(inner, context.language, context.text, context.root, context.project.shared);
  return readPathStrength(segments, true) !== undefined;
}

// `this.get('/users/me')`, `self._post(f"/items/{id}", json=body)`, `c.get(ctx, "/v1/x", &out)`.
function readVerbNamedCall(context: ScanContext, call: Node, callee: Callee): HttpCall | undefined {
  const method = readVerbCallee(callee.name);
  if (method === undefined || call.parent?.type === 'decorator') return undefined;
  if (callee.receiver !== undefined && !isClientReceiver(context, callee)) return undefined;
  const { positional, keywords } = readArguments(context, call);
  const own = isOwnReceiver(context, callee);
  // A getter of one key (Go's `url.Values.Get(k)`, `header.Get(k)`; Python's `d.get(k)`,
  // `d.get(k, default)`): a Go request helper takes more (a context, an output), a Python one on
  // another object its options by keyword (`params=`, `json=`).
  if (context.language === 'go' && positional.length < 2) return undefined;
  // Go routers spell their verbs in capitals (`r.GET(path, h)`) and hand a handler built by a call
  // (`redir.RedirectToAdminRoute(h.r)`, `mw(h.list)`) after the path; Go clients do neither.
  if (context.language === 'go' && /^_*[A-Z]+$/.test(callee.name)) return undefined;
  if (context.language === 'go' && positional.slice(1).some((arg) => arg.type === 'call_expression'))
    return undefined;
  if (context.language === 'go' && callsNothing(context, callee)) return undefined;
  if (context.language === 'python' && !own && keywords.size === 0) return undefined;
  const at = context.language === 'go' && isContext(context, positional[0]) ? 1 : 0;
  const urlNode = positional[at];
  if (urlNode === undefined || hasHandlerAfter(context, positional.slice(at + 1))) return undefined;
  const segments = readUrlValue(
    urlNode,
    context.language,
    context.text,
    context.root,
    context.project.shared,
  );
  const strength: PathStrength = readPathStrength(segments, false);
  if (strength === undefined || strength === 'relative') return undefined;
  return buildCall(context, call, callee, method, undefined, segments, 'verb-name');
}

// Per Go tree: `Type.method` for each method the file declares, and whether its body calls anything.
const goMethodCalls = new WeakMap<object, Map<string, boolean>>();

// Go's `m.post(key, v)` where `m` is declared with a type of the file whose `post` calls nothing
// (`m.byID[id] = v`): the project's own bookkeeping, which cannot send a request.
function callsNothing(context: ScanContext, callee: Callee): boolean {
  if (callee.receiver?.type !== 'identifier') return false;
  const type = readGoVariableType(callee.receiver, context.text);
  if (type === undefined) return false;
  let methods = goMethodCalls.get(context.root.tree);
  if (methods === undefined) {
    methods = new Map();
    for (const method of nodesOfType(context.root, 'method_declaration')) {
      const name = method?.childForFieldName('name');
      const receiver = method
        ?.childForFieldName('receiver')
        ?.namedChildren.find((c) => c?.type === 'parameter_declaration');
      const declared = receiver?.childForFieldName('type');
      const body = method?.childForFieldName('body');
      if (name == null || declared == null || body == null) continue;
      const owner = sliceNode(context.text, declared).replace(/^\*/, '').replace(/\[.*$/, '');
      methods.set(
        `${owner}.${sliceNode(context.text, name)}`,
        body.descendantsOfType('call_expression').length > 0,
      );
    }
    goMethodCalls.set(context.root.tree, methods);
  }
  return methods.get(`${type}.${callee.name}`) === false;
}

// A Go `ctx`, `context.Background()`, `context.TODO()` first argument.
function isContext(context: ScanContext, node: Node | undefined): boolean {
  if (node === undefined) return false;
  const written = sliceNode(context.text, node);
  return /^(?:ctx|c|context|reqCtx|requestContext)$/i.test(written) || /^context\.\w+\(/.test(written);
}

// The receiver is no router, store or test double, by the words of its last name.
function isClientReceiver(context: ScanContext, callee: Callee): boolean {
  if (callee.receiver === undefined) return true;
  const written = sliceNode(context.text, callee.receiver);
  const last = /([A-Za-z_$][\w$]*)\s*(?:\(\s*\))?$/.exec(written)?.[1];
  if (last === undefined) return written === 'this' || written === 'self';
  if (last === 'this' || last === 'self') return true;
  return !isNotClientReceiver(last) && !holdsCollection(context, callee.receiver);
}

// Per file, whether a name is declared with a collection's type anywhere in it: a search of the
// whole text, so asked once per name (once per call made the 100,000-call file quadratic).
const collectionDeclarations = new WeakMap<ScanContext, Map<string, boolean>>();

// Declared with a collection's type (`mapping: Record<string, string>`, `seen: Map<K, V>`).
function declaredAsCollection(context: ScanContext, name: string): boolean {
  let known = collectionDeclarations.get(context);
  if (known === undefined) {
    known = new Map();
    collectionDeclarations.set(context, known);
  }
  let declared = known.get(name);
  if (declared === undefined) {
    const escaped = name.replace(/\$/g, '\\$');
    declared = new RegExp(
      `\\b${escaped}\\??\\s*:\\s*(?:Readonly)?(?:Map|WeakMap|Record|Set|Dict|dict|Mapping)\\b`,
    ).test(context.text);
    known.set(name, declared);
  }
  return declared;
}

// A receiver bound to a map, dict or set (`m = new Map()`, `seen = {}`, `idx := map[string]T{}`).
function holdsCollection(context: ScanContext, receiver: Node): boolean {
  if (receiver.type !== 'identifier') return false;
  const name = sliceNode(context.text, receiver);
  if (declaredAsCollection(context, name)) return true;
  const value = readNameValue(name, receiver, context.language, context.text, context.root);
  if (value === undefined) return false;
  const inner = unwrapExpression(value);
  if (COLLECTION_TYPES.has(inner.type)) return true;
  const written = sliceNode(context.text, inner);
  return /^(?:new\s+(?:Weak)?(?:Map|Set)\b|(?:dict|set|defaultdict|OrderedDict|make)\(|map\[)/.test(written);
}

// `this`, `self`, a Go method's receiver, or a field of one (`this.client`, `self._http`, `s.client`).
function isOwnReceiver(context: ScanContext, callee: Callee): boolean {
  if (callee.receiver === undefined) return false;
  const root = /^[A-Za-z_$][\w$]*/.exec(sliceNode(context.text, callee.receiver))?.[0];
  if (root === undefined) return false;
  if (root === 'this' || root === 'self') return true;
  if (context.language !== 'go') return false;
  const owner = findEnclosingOwner(callee.node, context.language, context.text);
  return owner?.selfNames.includes(root) === true;
}

// A route definition hands a handler after the path: a function, an arrow, a lambda, or a name the
// file binds to a function.
function hasHandlerAfter(context: ScanContext, rest: readonly Node[]): boolean {
  return rest.some((argument) => {
    const inner = unwrapExpression(argument);
    if (HANDLER_TYPES.has(inner.type)) return true;
    if (inner.type !== 'identifier') return false;
    const name = sliceNode(context.text, inner);
    if (context.language === 'python')
      return new RegExp(`^[ \\t]*(?:async[ \\t]+)?def[ \\t]+${name}\\b`, 'm').test(context.text);
    if (context.language === 'go') return new RegExp(`^func[ \\t]+${name}\\(`, 'm').test(context.text);
    return context
      .findBindings(name)
      .some(
        (binding) =>
          binding.kind === 'function' ||
          binding.kind === 'import' ||
          (binding.initializer !== undefined &&
            HANDLER_TYPES.has(unwrapExpression(binding.initializer).type)),
      );
  });
}

function buildCall(
  context: ScanContext,
  call: Node,
  callee: Callee,
  method: string | undefined,
  methodSource: string | undefined,
  segments: readonly UrlSegment[],
  shape: 'method-argument' | 'verb-name',
): HttpCall {
  const source = segments.map((s) => (s.kind === 'literal' ? s.text : `{${s.source}}`)).join('');
  return {
    kind: 'http',
    client: 'shape',
    method,
    url: { source, segments: mergeSegments(segments), known: segments.some((s) => s.kind === 'literal') },
    location: context.locateNode(call),
    calleeLocation: context.locateCallee(callee.node),
    text: context.readExcerpt(call),
    shape,
    ...(methodSource === undefined ? {} : { methodSource }),
  };
}

/**
 * Drops the shape calls that another recogniser reports at the same call site (the same call or
 * callee start): the client it names, the wrapper it goes through, say more.
 */
// Where the calls (and callees) other recognisers reported in a file start: a call there would be
// dropped as a repeat (`dropShapeRepeats`), so it is not read at all (on a file of 100,000 fetch
// and axios calls, reading each again as a shape was a third of the scan).
const otherStarts = new WeakMap<ScanContext, ReadonlySet<number>>();

/** Notes the calls the other recognisers reported in a file, before this recogniser reads it. */
export function noteOtherCalls(context: ScanContext, calls: readonly HttpCall[]): void {
  const starts = new Set<number>();
  for (const call of calls) {
    if (isShapeCall(call)) continue;
    starts.add(call.location.start.offset);
    starts.add(call.calleeLocation.start.offset);
  }
  otherStarts.set(context, starts);
}

/** Drops the shape calls that start where another recogniser's call or callee starts. */
export function dropShapeRepeats(calls: HttpCall[]): void {
  // Without a shape call there is no repeat to drop, nor a reason to index the others.
  if (!calls.some(isShapeCall)) return;
  const others = new Set<number>();
  for (const call of calls) {
    if (isShapeCall(call)) continue;
    others.add(call.location.start.offset);
    others.add(call.calleeLocation.start.offset);
  }
  if (others.size === 0) return;
  const kept = calls.filter(
    (call) =>
      !isShapeCall(call) ||
      (!others.has(call.location.start.offset) && !others.has(call.calleeLocation.start.offset)),
  );
  calls.length = 0;
  calls.push(...kept);
}

// A call this recogniser reported (an inferred call through a wrapper around one is not).
function isShapeCall(call: HttpCall): boolean {
  return call.client === 'shape' && call.origin !== 'inferred' && call.shape !== undefined;
}
