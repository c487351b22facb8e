/**
 * Recognises Go's `net/http`: `http.Get(url)`, `http.Head(url)`, `http.Post(url, ...)`,
 * `http.PostForm(url, ...)`, `http.NewRequest(method, url, body)` and
 * `http.NewRequestWithContext(ctx, method, url, body)`, under whatever name the file imports
 * `net/http` as. A package named `http` imported from another path is not `net/http`. A request
 * built with `NewRequest` and sent with `client.Do(req)` is reported at the `NewRequest`, where its
 * method and URL are written; `Do` itself is not a call site.
 *
 * Libraries that mirror net/http's request constructor (`retryablehttp.NewRequest(method, url,
 * body)`: a package whose import path ends in a name holding `http`, outside the standard library's
 * `net/http/...`) are read the same way, for `NewRequest` and `NewRequestWithContext` only, when the
 * method argument is an HTTP verb or a parameter of the function around the call (a wrapper's own
 * method): their other functions need not share net/http's signatures.
 */

import type { Node } from 'web-tree-sitter';
import { nodesOfType } from '../nodes-of-type';
import { readGoParameterType } from '../project/go-types';
import { decodeEscapes, sliceNode } from '../syntax';
import type { HttpCall, UrlSegment, UrlTemplate } from '../types';
import type { CallRecognizer, ScanContext } from './context';
import { findGoDispatchCalls } from './go-dispatch-tables';
import { findCleanWordNodes } from './recovery';

const MODULE = 'net/http';

/** Functions with a fixed method: the URL is their first argument. */
const FIXED: ReadonlyMap<string, string> = new Map([
  ['Get', 'GET'],
  ['Head', 'HEAD'],
  ['Post', 'POST'],
  ['PostForm', 'POST'],
]);

/** Functions taking a method and a URL, and the index of the method argument. */
const WITH_METHOD: ReadonlyMap<string, number> = new Map([
  ['NewRequest', 0],
  ['NewRequestWithContext', 1],
]);

const VERBS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'CONNECT', 'TRACE']);
// A package that mirrors net/http: its import path's last element names http (`go-retryablehttp`),
// not the standard library's helpers under net/http (`httptest` builds requests a server receives).
const HTTP_MIRROR = /http/i;
const METHOD_PARAM = /^(?:method|verb|httpMethod|httpVerb|reqMethod)$/i;

// `fmt.Sprintf` verbs that stand for one argument each; `%%` is a literal percent sign.
// A call named for a base URL (`apiRoot(host)`, `c.baseURL()`, `hosts.RESTPrefix(h)`).
const BASE_CALL = /^[\w.]*(?:base|url|uri|prefix|root|endpoint|origin)\w*\(.*\)$/is;
const VERB = /%[-+# 0]*(?:\[\d+\])?\d*(?:\.\d+)?[a-zA-Z%]/g;

/** The recogniser for `net/http`. */
export const goHttpRecognizer: CallRecognizer = {
  client: 'net/http',
  languages: ['go'],
  recognize: findGoCalls,
};

function findGoCalls(context: ScanContext): HttpCall[] {
  const calls: HttpCall[] = [];
  const packages = findImportNames(context, MODULE);
  for (const name of packages) {
    for (const hit of findCleanWordNodes(context, name)) {
      const node = hit.node;
      if (node.type !== 'identifier' && node.type !== 'package_identifier') continue;
      const found = findPackageCall(context, node, hit.ancestors);
      if (found === undefined) continue;
      const { selector, call } = found;
      const field = sliceNode(context.text, selector.childForFieldName('field') ?? selector);
      const args = (call.childForFieldName('arguments')?.namedChildren ?? []).filter(
        (arg): arg is Node => arg !== null && arg.type !== 'comment',
      );
      const fixed = FIXED.get(field);
      const methodIndex = WITH_METHOD.get(field);
      let method: string | undefined;
      let urlNode: Node | undefined;
      if (fixed !== undefined) {
        method = fixed;
        urlNode = args[0];
      } else if (methodIndex !== undefined) {
        method = readGoMethod(args[methodIndex], context.text, name);
        urlNode = args[methodIndex + 1];
      } else {
        continue;
      }
      calls.push({
        kind: 'http',
        client: 'net/http',
        method,
        url: readGoUrl(urlNode, context.text),
        location: context.locateNode(call),
        calleeLocation: context.locateCallee(selector),
        text: context.readExcerpt(call),
        origin: 'recognised',
      });
    }
  }
  calls.push(...findMirrorCalls(context, packages));
  if (packages.length > 0)
    calls.push(
      ...findGoDispatchCalls(context, {
        verbOf: (node) => readVerbFunction(node, context.text, packages),
        methodOf: (node) => packages.map((name) => readGoMethod(node, context.text, name)).find(Boolean),
        readUrl: (node) => readGoUrl(node, context.text),
      }),
    );
  return calls;
}

/**
 * `retryablehttp.NewRequest(method, u.String(), body)`: a request built by a library that mirrors
 * net/http's constructor. Only with a method that is a verb or the enclosing function's parameter,
 * so a look-alike (`rpc.NewRequest("users.get", params)`) is not taken for an HTTP request.
 */
function findMirrorCalls(context: ScanContext, httpNames: readonly string[]): HttpCall[] {
  const calls: HttpCall[] = [];
  for (const name of findMirrorImports(context)) {
    for (const hit of findCleanWordNodes(context, name)) {
      if (hit.node.type !== 'identifier' && hit.node.type !== 'package_identifier') continue;
      const found = findPackageCall(context, hit.node, hit.ancestors);
      if (found === undefined) continue;
      const { selector, call } = found;
      const methodIndex = WITH_METHOD.get(
        sliceNode(context.text, selector.childForFieldName('field') ?? selector),
      );
      if (methodIndex === undefined) continue;
      const args = (call.childForFieldName('arguments')?.namedChildren ?? []).filter(
        (arg): arg is Node => arg !== null && arg.type !== 'comment',
      );
      const methodNode = args[methodIndex];
      if (methodNode === undefined || args[methodIndex + 1] === undefined) continue;
      const method = [name, ...httpNames].map((p) => readGoMethod(methodNode, context.text, p)).find(Boolean);
      const param = methodNode.type === 'identifier' ? sliceNode(context.text, methodNode) : undefined;
      if (
        method === undefined
          ? !isMethodParam(methodNode, param, context.text) && !isRequestMethod(methodNode, context.text)
          : !VERBS.has(method)
      )
        continue;
      calls.push({
        kind: 'http',
        client: 'custom',
        method,
        ...(param === undefined ? {} : { methodSource: param }),
        url: readGoUrl(args[methodIndex + 1], context.text),
        location: context.locateNode(call),
        calleeLocation: context.locateCallee(selector),
        text: context.readExcerpt(call),
        origin: 'recognised',
      });
    }
  }
  return calls;
}

// The names of imported packages that mirror net/http (see HTTP_MIRROR).
function findMirrorImports(context: ScanContext): string[] {
  const names: string[] = [];
  for (const { path, alias } of readGoImports(context.root, context.text)) {
    if (path === MODULE || path.startsWith(`${MODULE}/`)) continue;
    const name = goPackageName(path);
    if (!HTTP_MIRROR.test(name)) continue;
    if (alias === null) names.push(name);
    else if (alias.type === 'package_identifier') names.push(sliceNode(context.text, alias));
  }
  return names;
}

// A parameter of the function around the call named as a method is (`method`, `verb`): a look-alike
// whose first argument is something else (`NewRequest(config, "GET", path)`) is not read.
function isMethodParam(node: Node, name: string | undefined, text: string): boolean {
  return name !== undefined && METHOD_PARAM.test(name) && readGoParameterType(node, text) !== undefined;
}

// `req.Method()` on a parameter of the function around the call: a request value stating its own
// method (see project/go-request-types.ts).
function isRequestMethod(node: Node, text: string): boolean {
  const callee = node.type === 'call_expression' ? node.childForFieldName('function') : null;
  const operand = callee?.type === 'selector_expression' ? callee.childForFieldName('operand') : null;
  const field = callee?.childForFieldName('field');
  return (
    (node.childForFieldName('arguments')?.namedChildCount ?? 1) === 0 &&
    operand != null &&
    field != null &&
    /(?:method|verb)$/i.test(sliceNode(text, field)) &&
    readGoParameterType(operand, text) !== undefined
  );
}

/**
 * The name a Go import path's package is usually declared with: its last element, less a
 * major-version suffix (`example.com/httpx/v2`), a `go-` prefix and characters a name cannot hold.
 */
export function goPackageName(path: string): string {
  const last =
    path
      .split('/')
      .filter((part) => !/^v\d+$/.test(part))
      .at(-1) ?? '';
  return last.replace(/^go-/, '').replace(/\W/g, '');
}

// `http.Get`, `http.DefaultClient.Head` written as a value: the method it sends.
function readVerbFunction(node: Node, text: string, packages: readonly string[]): string | undefined {
  if (node.type !== 'selector_expression' || node.parent?.type === 'call_expression') return undefined;
  const operand = node.childForFieldName('operand');
  const field = node.childForFieldName('field');
  if (operand === null || field === null) return undefined;
  const owner = sliceNode(text, operand);
  const known = packages.some((name) => owner === name || owner === `${name}.DefaultClient`);
  return known ? FIXED.get(sliceNode(text, field)) : undefined;
}

/**
 * `http.Get(...)`, or `http.DefaultClient.Get(...)` (the default client's methods are the
 * package's functions): the selector naming the function, and the call.
 */
function findPackageCall(
  context: ScanContext,
  operand: Node,
  ancestors: readonly Node[],
): { selector: Node; call: Node } | undefined {
  let [selector, call] = ancestors;
  if (selector?.type !== 'selector_expression' || selector.childForFieldName('operand')?.id !== operand.id) {
    return undefined;
  }
  const field = selector.childForFieldName('field');
  if (
    field !== null &&
    sliceNode(context.text, field) === 'DefaultClient' &&
    call?.type === 'selector_expression'
  ) {
    selector = call;
    call = ancestors[2];
    const method = selector.childForFieldName('field');
    if (method === null || !FIXED.has(sliceNode(context.text, method))) return undefined;
  }
  if (call?.type !== 'call_expression' || call.childForFieldName('function')?.id !== selector.id)
    return undefined;
  return { selector, call };
}

/** A Go file's imports: each path read as a string, and its alias node (`name`, `_`, `.`) if any. */
export function readGoImports(root: Node, text: string): Array<{ path: string; alias: Node | null }> {
  const imports: Array<{ path: string; alias: Node | null }> = [];
  for (const spec of nodesOfType(root, 'import_spec')) {
    const pathNode = spec?.childForFieldName('path');
    const path = pathNode == null ? undefined : readGoString(pathNode, text);
    if (spec == null || path === undefined) continue;
    imports.push({ path, alias: spec.childForFieldName('name') });
  }
  return imports;
}

/** The names a Go file imports a package path as (`http`, or its alias); none for `_` and `.`. */
export function findImportNames(context: ScanContext, path: string): string[] {
  const names: string[] = [];
  for (const spec of readGoImports(context.root, context.text)) {
    if (spec.path !== path) continue;
    const alias = spec.alias;
    if (alias === null) names.push(path.slice(path.lastIndexOf('/') + 1));
    else if (alias.type === 'package_identifier') names.push(sliceNode(context.text, alias));
  }
  return names;
}

/** `"DELETE"`, `http.MethodDelete`; undefined for anything computed. */
function readGoMethod(node: Node | undefined, text: string, packageName: string): string | undefined {
  if (node === undefined) return undefined;
  const literal = readGoString(node, text);
  if (literal !== undefined) return literal.toUpperCase();
  if (node.type !== 'selector_expression') return undefined;
  const operand = node.childForFieldName('operand');
  const field = node.childForFieldName('field');
  if (operand === null || field === null || sliceNode(text, operand) !== packageName) return undefined;
  const match = /^Method([A-Z][a-z]+)$/.exec(sliceNode(text, field));
  return match?.[1]?.toUpperCase();
}

/** Reads a Go string literal's value; undefined for anything else. */
export function readGoString(node: Node, text: string): string | undefined {
  const inner = unwrapParentheses(node);
  const raw = sliceNode(text, inner);
  if (inner.type === 'raw_string_literal')
    return raw.slice(1, raw.endsWith('`') && raw.length > 1 ? -1 : undefined);
  if (inner.type === 'interpreted_string_literal') {
    return decodeEscapes(raw.slice(1, raw.endsWith('"') && raw.length > 1 ? -1 : undefined));
  }
  return undefined;
}

/** Reads a Go URL: a string literal, a `+` concatenation holding one, or `fmt.Sprintf(format, ...)`. */
export function readGoUrl(argument: Node | undefined, text: string): UrlTemplate {
  if (argument === undefined) return { source: '', segments: [], known: false };
  const segments: UrlSegment[] = [];
  let source = '';
  let sawString = false;
  const pending: Node[] = [argument];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const node = unwrapParentheses(next);
    const operator = node.type === 'binary_expression' ? node.childForFieldName('operator') : null;
    if (operator !== null && sliceNode(text, operator) === '+') {
      const right = node.childForFieldName('right');
      const left = node.childForFieldName('left');
      if (right !== null) pending.push(right);
      if (left !== null) pending.push(left);
      continue;
    }
    const literal = readGoString(node, text);
    if (literal !== undefined) {
      sawString = true;
      pushSegment(segments, { kind: 'literal', text: literal });
      source += literal;
      continue;
    }
    const formatted = readSprintf(node, text);
    if (formatted !== undefined) {
      sawString = true;
      for (const segment of formatted) pushSegment(segments, segment);
      source += formatted.map((s) => (s.kind === 'literal' ? s.text : `{${s.source}}`)).join('');
      continue;
    }
    const expression = sliceNode(text, node);
    pushSegment(segments, { kind: 'expr', source: expression });
    source += `{${expression}}`;
  }
  if (!sawString) {
    const expression = sliceNode(text, argument);
    return { source: expression, segments: [{ kind: 'expr', source: expression }], known: false };
  }
  return { source, segments: joinRelativeToBase(segments), known: true };
}

/**
 * `apiRoot(host) + "user/keys"`, `fmt.Sprintf("%srepos/%s", apiRoot(host), id)`: a path written right
 * after the call of a function named for a base URL, with no `/` of its own, is relative to that
 * base (which ends in one): a `/` goes between them, so the path reads as a path. Text after any
 * other expression (a host before `:8080`, a name before a suffix) is left as written, and so is
 * text after a variable: a package's path variables (`EndpointAPI + "guilds/"`) are read later
 * from their own values, which end in the `/` already.
 */
export function joinRelativeToBase(segments: UrlSegment[]): UrlSegment[] {
  const [base, next] = segments;
  if (base?.kind !== 'expr' || next?.kind !== 'literal' || !/^\w/.test(next.text)) return segments;
  if (!BASE_CALL.test(base.source)) return segments;
  return [base, { kind: 'literal', text: `/${next.text}` }, ...segments.slice(2)];
}

// `fmt.Sprintf("/api/orders/%s", id)`: each verb becomes its argument's expression.
function readSprintf(node: Node, text: string): UrlSegment[] | undefined {
  if (node.type !== 'call_expression') return undefined;
  const callee = node.childForFieldName('function');
  if (callee === null || sliceNode(text, callee) !== 'fmt.Sprintf') return undefined;
  const args = (node.childForFieldName('arguments')?.namedChildren ?? []).filter(
    (arg): arg is Node => arg !== null && arg.type !== 'comment',
  );
  const format = args[0] === undefined ? undefined : readGoString(args[0], text);
  return format === undefined ? undefined : expandFormat(format, args.slice(1), text);
}

/** How many arguments a Printf format's verbs take (`%%` takes none). */
export function countFormatVerbs(format: string): number {
  return [...format.matchAll(VERB)].filter((match) => match[0] !== '%%').length;
}

/**
 * A Printf format with its verbs filled in from `args` (the arguments after the format), as
 * `readSprintfPart` reads each; text between verbs is literal.
 */
export function expandFormat(format: string, args: readonly Node[], text: string): UrlSegment[] {
  const segments: UrlSegment[] = [];
  let at = 0;
  let argument = 0;
  for (const match of format.matchAll(VERB)) {
    const index = match.index ?? 0;
    if (index > at) pushSegment(segments, { kind: 'literal', text: format.slice(at, index) });
    if (match[0] === '%%') {
      pushSegment(segments, { kind: 'literal', text: '%' });
    } else {
      pushSegment(segments, readSprintfPart(match[0], args[argument++], text));
    }
    at = index + match[0].length;
  }
  if (at < format.length) pushSegment(segments, { kind: 'literal', text: format.slice(at) });
  return segments;
}

/**
 * What one `fmt.Sprintf` verb puts in the URL: a string literal given to `%s`/`%v` is text
 * (`fmt.Sprintf("%s/%s", base, "incidents")`); anything else is the argument's expression.
 */
export function readSprintfPart(verb: string, value: Node | undefined, text: string): UrlSegment {
  if (value === undefined) return { kind: 'expr', source: '' };
  const literal = verb === '%s' || verb === '%v' ? readGoString(value, text) : undefined;
  return literal === undefined
    ? { kind: 'expr', source: sliceNode(text, value) }
    : { kind: 'literal', text: literal };
}

/** Appends a URL segment, merged into the last one when both are text. */
export function pushSegment(segments: UrlSegment[], segment: UrlSegment): void {
  const last = segments[segments.length - 1];
  if (segment.kind === 'literal' && last?.kind === 'literal') last.text += segment.text;
  else segments.push({ ...segment });
}

function unwrapParentheses(node: Node): Node {
  let current = node;
  while (current.type === 'parenthesized_expression' && current.firstNamedChild !== null)
    current = current.firstNamedChild;
  return current;
}

// Per tree, the names its imports bind (the alias, else the package name) and their paths.
const importPaths = new WeakMap<object, Map<string, string>>();

/**
 * The import path of the package a Go receiver names (`requestconfig` in
 * `requestconfig.Execute(...)` → `example.com/sdk/internal/requestconfig`), or undefined when the
 * receiver is no import name of its file.
 */
export function readGoImportPath(receiver: Node, text: string): string | undefined {
  if (receiver.type !== 'identifier' && receiver.type !== 'package_identifier') return undefined;
  let paths = importPaths.get(receiver.tree);
  if (paths === undefined) {
    paths = new Map();
    for (const { path, alias } of readGoImports(receiver.tree.rootNode, text)) {
      if (alias !== null) paths.set(sliceNode(text, alias), path);
      else paths.set(goPackageName(path), path);
    }
    importPaths.set(receiver.tree, paths);
  }
  return paths.get(sliceNode(text, receiver));
}

/**
 * Whether a Go receiver is a package the file imports (`http` in `http.NewRequest(...)`): a
 * package's function, not a method of the project's type of a field that shares its name.
 */
export function isGoImportedPackage(receiver: Node, text: string): boolean {
  return readGoImportPath(receiver, text) !== undefined;
}
