/**
 * Recognises Go's resty (github.com/go-resty/resty, `gopkg.in/resty.v1`, `resty.dev/v3`): a request
 * is built by a chain on the client's request constructor and sent by its verb method,
 * `client.R().SetBody(x).SetPathParam("id", id).Post("/users/{id}")`. The chain may be cut by a
 * local (`req := client.R()` then `req.Get(url)`), start from a parameter or local typed
 * `*resty.Request`, or from a function of the file declared to return one (a project helper that
 * sets the token and hands the request back). `Execute(method, url)` takes the method as its first
 * argument (a string, `http.MethodGet`, `resty.MethodGet`, or a wrapper's `method` parameter), and
 * v3's `SetMethod(m).SetURL(u).Send()` takes both from the chain. Only in files that import resty.
 * `{name}` placeholders in the URL are resty's path parameters.
 */

import type { Node } from 'web-tree-sitter';
import { nodesOfType } from '../nodes-of-type';
import { readNameValue } from '../project/assigned-values';
import { sliceNode, unwrapExpression } from '../syntax';
import type { HttpCall } from '../types';
import type { CallRecognizer, ScanContext } from './context';
import { readGoImports, readGoString, readGoUrl } from './go-http';
import { readPathParams } from './js-clients';

// resty's import paths, every major version: v1 on gopkg.in, v2 on GitHub, v3 on its own domain.
const RESTY_PATH = /^(?:github\.com\/go-resty\/resty(?:\/v\d+)?|gopkg\.in\/resty\.v\d+|resty\.dev\/v\d+)$/;

/** resty's `Request` methods that send, each with the method it sends; the URL is their argument. */
const VERBS: ReadonlyMap<string, string> = new Map([
  ['Get', 'GET'],
  ['Head', 'HEAD'],
  ['Post', 'POST'],
  ['Put', 'PUT'],
  ['Patch', 'PATCH'],
  ['Delete', 'DELETE'],
  ['Options', 'OPTIONS'],
  ['Trace', 'TRACE'],
]);

// The client's request constructors (`client.R()`, `client.NewRequest()`; v1's package-level `resty.R()`).
const CONSTRUCTORS = new Set(['R', 'NewRequest']);
// The request's own methods that return it (`SetBody`, `EnableTrace`, `ForceContentType`, ...): a
// chain of them is still the request the constructor made.
const CHAINED = /^(?:Set|Enable|Disable|Force|Expect|Add|With)[A-Z]/;
// Setters no other common Go builder names so: resty's result, error, path and query parameters.
const RESTY_ONLY_NAMES =
  'SetResult|SetError|SetPathParams?|SetRawPathParams?|SetQueryParams?|SetQueryString|SetQueryParamsFromValues|SetFormData|SetAuthToken|SetDoNotParseResponse|ForceContentType|ExpectContentType|SetMultipartFields?|SetFileReader';
const RESTY_ONLY = new RegExp(`^(?:${RESTY_ONLY_NAMES})$`);
const RESTY_ONLY_WORD = new RegExp(`\\.\\s*(?:${RESTY_ONLY_NAMES})\\(`);
const METHOD_PARAM = /^(?:method|verb|httpMethod|httpVerb|reqMethod)$/i;
// A chain cut by locals is followed through at most this many of them (a local set from itself stops).
const MAX_LOCALS = 8;
const FUNCTIONS = new Set(['function_declaration', 'method_declaration', 'func_literal']);

/** The recogniser for resty. */
export const goRestyRecognizer: CallRecognizer = {
  client: 'resty',
  languages: ['go'],
  recognize: findRestyCalls,
};

function findRestyCalls(context: ScanContext): HttpCall[] {
  const names = findRestyImports(context);
  const { text } = context;
  // A file of the package that only calls the project's request helper need not import resty: its
  // chains are read when they call setters only resty's request has (`SetResult`, `SetPathParam`).
  const imported = names.length > 0;
  if (!imported && !RESTY_ONLY_WORD.test(text)) return [];
  const requestType = imported ? new RegExp(`^\\*?(?:${names.join('|')})\\.Request$`) : /^$/;
  const builders = findRequestBuilders(context, requestType);
  const calls: HttpCall[] = [];
  for (const call of nodesOfType(context.root, 'call_expression')) {
    const selector = call?.childForFieldName('function');
    if (call == null || selector?.type !== 'selector_expression') continue;
    const field = sliceNode(text, selector.childForFieldName('field') ?? selector);
    const operand = selector.childForFieldName('operand');
    if (operand === null || !(VERBS.has(field) || field === 'Execute' || field === 'Send')) continue;
    const chain = readRequestChain(context, operand, requestType, builders);
    if (chain === undefined || (!imported && !(chain.helper === true && chain.restyOnly))) continue;
    const args = (call.childForFieldName('arguments')?.namedChildren ?? []).filter(
      (arg): arg is Node => arg !== null && arg.type !== 'comment',
    );
    let methodNode: Node | undefined;
    let urlNode: Node | undefined;
    if (field === 'Execute') [methodNode, urlNode] = args;
    else if (field === 'Send') ({ methodNode, urlNode } = chain);
    else urlNode = args[0];
    if (urlNode === undefined) continue;
    const url = readPathParams(readGoUrl(urlNode, text));
    // `c.cache(ctx).Get(key)`: a helper of another file sending a name, with nothing set, may be anything.
    if (chain.helper === true && chain.setters === 0 && !url.known) continue;
    const method = VERBS.get(field) ?? (methodNode === undefined ? undefined : readMethod(methodNode, text));
    if (method === undefined && methodNode === undefined) continue;
    const param =
      method === undefined && methodNode?.type === 'identifier' ? sliceNode(text, methodNode) : '';
    // A computed method that is not the wrapper's own `method` parameter: not a request we can read.
    if (method === undefined && !METHOD_PARAM.test(param)) continue;
    calls.push({
      kind: 'http',
      client: 'resty',
      method,
      ...(method === undefined ? { methodSource: param } : {}),
      url,
      location: context.locateNode(call),
      calleeLocation: context.locateCallee(selector),
      text: context.readExcerpt(call),
      origin: 'recognised',
    });
  }
  return calls;
}

// The names the file imports resty under.
function findRestyImports(context: ScanContext): string[] {
  const names: string[] = [];
  for (const { path, alias } of readGoImports(context.root, context.text)) {
    if (!RESTY_PATH.test(path)) continue;
    // Every version declares `package resty`, whatever its path ends with (`resty.v1`, `v3`).
    if (alias === null) names.push('resty');
    else if (alias.type === 'package_identifier') names.push(sliceNode(context.text, alias));
  }
  return names;
}

// Functions and methods of the file declared to return a resty request (`func (c *Client)
// authed(ctx context.Context) *resty.Request`): their calls start a chain.
function findRequestBuilders(context: ScanContext, requestType: RegExp): Set<string> {
  const names = new Set<string>();
  for (const fn of nodesOfType(context.root, ['function_declaration', 'method_declaration'])) {
    const result = fn?.childForFieldName('result');
    const name = fn?.childForFieldName('name');
    if (result == null || name == null) continue;
    if (requestType.test(sliceNode(context.text, result).replace(/\s+/g, '')))
      names.add(sliceNode(context.text, name));
  }
  return names;
}

interface RequestChain {
  /** v3's `SetMethod(m)` and `SetURL(u)` in the chain, for `Send()`. */
  methodNode?: Node;
  urlNode?: Node;
  /** How many of the request's setters the chain calls. */
  setters: number;
  /** Whether one of them is a setter only resty's request has (`SetResult`, `SetPathParam`). */
  restyOnly?: boolean;
  /**
   * The chain starts at a call of the project's own (`c.authed(ctx)`, `newRequest(ctx)`) that this
   * file does not declare: a request when the chain sets something on it or the URL is written.
   */
  helper?: boolean;
}

/**
 * Whether `node` is a resty request: down the chain of the request's own setters to the client's
 * constructor (`x.R()`), a builder of the file, or a name typed or assigned as one. Iterative: a
 * chain thousands of calls long is walked once.
 */
function readRequestChain(
  context: ScanContext,
  start: Node,
  requestType: RegExp,
  builders: ReadonlySet<string>,
): RequestChain | undefined {
  const { text } = context;
  const chain: RequestChain = { setters: 0 };
  let locals = 0;
  let current: Node | null = unwrapExpression(start);
  while (current !== null) {
    if (current.type === 'identifier') {
      const name = sliceNode(text, current);
      if (isDeclaredRequest(current, name, requestType, text)) return chain;
      const value = locals < MAX_LOCALS ? readNameValue(name, current, 'go', text, context.root) : undefined;
      if (
        value === undefined ||
        (value.startIndex <= current.startIndex && value.endIndex >= current.endIndex)
      )
        return undefined;
      locals++;
      current = unwrapExpression(value);
      continue;
    }
    if (current.type !== 'call_expression') return undefined;
    const fn = current.childForFieldName('function');
    const args = (current.childForFieldName('arguments')?.namedChildren ?? []).filter(
      (arg): arg is Node => arg !== null && arg.type !== 'comment',
    );
    if (fn?.type === 'identifier')
      return builders.has(sliceNode(text, fn)) ? chain : { ...chain, helper: true };
    if (fn?.type !== 'selector_expression') return undefined;
    const field = sliceNode(text, fn.childForFieldName('field') ?? fn);
    const operand = fn.childForFieldName('operand');
    if (CONSTRUCTORS.has(field) && args.length === 0) return chain;
    if (builders.has(field)) return chain;
    if (operand === null) return undefined;
    if (!CHAINED.test(field)) return isOwnReceiver(operand, text) ? { ...chain, helper: true } : undefined;
    chain.setters++;
    if (RESTY_ONLY.test(field)) chain.restyOnly = true;
    // The setter nearest the send wins, as resty keeps the last value set.
    if (field === 'SetMethod' && chain.methodNode === undefined) chain.methodNode = args[0];
    if (field === 'SetURL' && chain.urlNode === undefined) chain.urlNode = args[0];
    current = unwrapExpression(operand);
  }
  return undefined;
}

// `req *resty.Request` as a parameter of a function around the use, or `var req *resty.Request`.
function isDeclaredRequest(use: Node, name: string, requestType: RegExp, text: string): boolean {
  for (let scope = use.parent; scope !== null; scope = scope.parent) {
    if (!FUNCTIONS.has(scope.type)) continue;
    for (const declaration of scope.childForFieldName('parameters')?.namedChildren ?? []) {
      if (declaration?.type !== 'parameter_declaration') continue;
      const declared = declaration
        .childrenForFieldName('name')
        .some((n) => n !== null && sliceNode(text, n) === name);
      const type = declaration.childForFieldName('type');
      if (declared) return type !== null && requestType.test(sliceNode(text, type).replace(/\s+/g, ''));
    }
    for (const spec of scope.descendantsOfType('var_spec')) {
      if (spec === null || spec.startIndex > use.startIndex) continue;
      const declared = spec
        .childrenForFieldName('name')
        .some((n) => n !== null && sliceNode(text, n) === name);
      const type = spec.childForFieldName('type');
      if (declared && type !== null && requestType.test(sliceNode(text, type).replace(/\s+/g, '')))
        return true;
    }
  }
  return false;
}

// `"GET"`, `http.MethodGet`, `resty.MethodGet`: the method; undefined for anything computed.
function readMethod(node: Node, text: string): string | undefined {
  const literal = readGoString(node, text);
  if (literal !== undefined) return /^[A-Za-z]+$/.test(literal) ? literal.toUpperCase() : undefined;
  if (node.type !== 'selector_expression') return undefined;
  return /^Method([A-Z][a-z]+)$/
    .exec(sliceNode(text, node.childForFieldName('field') ?? node))?.[1]
    ?.toUpperCase();
}

// `c` in `func (c *Client) ...` around the use: the project's own method is called, not a value's
// (`q.Get("page")` on a local `url.Values` is no request).
function isOwnReceiver(node: Node, text: string): boolean {
  if (node.type !== 'identifier') return false;
  const name = sliceNode(text, node);
  for (let scope = node.parent; scope !== null; scope = scope.parent) {
    if (scope.type !== 'method_declaration') continue;
    const receiver = scope.childForFieldName('receiver')?.namedChildren[0];
    return (
      receiver?.childrenForFieldName('name').some((n) => n !== null && sliceNode(text, n) === name) ?? false
    );
  }
  return false;
}
