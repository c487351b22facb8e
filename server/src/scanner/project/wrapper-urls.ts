/**
 * How a wrapper's URL is read into parts before its parameters are found: a local written around
 * parameters, a join written in the call, a query string appended, names joined with `+`.
 */

import type { Node } from 'web-tree-sitter';
import { readGuardedValue, readPythonOperands } from '../python-syntax';
import type { ScanContext } from '../recognizers/context';
import { joinRelativeToBase } from '../recognizers/go-http';
import { flattenConcatenation, readConstantString, sliceNode, unwrapExpression } from '../syntax';
import type { UrlSegment } from '../types';
import { findScope, readNameValue } from './assigned-values';
import { type FunctionShape, isJsLanguage } from './code-shape';
import { findDestructuredSource, substituteParams } from './js-url-values';
import { readKeyOfParam } from './passed-options';
import { isPathParameter, readUrlBuilderCall } from './python-url-builders';
import { mergeSegments, readUrlValue } from './values';

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
/** Names a method parameter goes by (`method`, `verb`, `http_method`). */
export const METHOD_NAME = /^(?:method|verb|http_?method|httpMethod|_method)$/i;
/** `apiRoot(repo.Host()) + path`: a base expression, then a name (a local or a parameter holding the path). */
export const JOINED_LOCAL = /^([\s\S]*\S)\s*\+\s*([A-Za-z_]\w*)$/;
const CONCATENATION = /^[A-Za-z_$][\w$.]*(?:\s*\+\s*[A-Za-z_$][\w$.]*)+$/;

// The value assigned, inside the function, to a local the URL names (not to a parameter).
function readLocalValue(
  context: ScanContext,
  segment: UrlSegment,
  use: Node,
  fn: FunctionShape,
): Node | undefined {
  if (
    segment.kind !== 'expr' ||
    !IDENTIFIER.test(segment.source) ||
    paramOf(fn, segment.source) !== undefined
  )
    return undefined;
  const value = readNameValue(segment.source, use, context.language, context.text, context.root);
  return value === undefined || value.startIndex < fn.node.startIndex || value.endIndex > fn.node.endIndex
    ? undefined
    : value;
}

/**
 * `url = 'https://api.example.com/1/%s' % path` above `session.request(method, url)`: the local's
 * value, when it writes text around parameters, is the wrapper's URL (each parameter takes the
 * caller's argument), not the parameter alone.
 */
export function expandLocal(
  context: ScanContext,
  segment: UrlSegment,
  use: Node,
  fn: FunctionShape,
): UrlSegment[] | undefined {
  const value = readLocalValue(context, segment, use, fn);
  if (value === undefined) return undefined;
  const expanded = readLocalUrl(context, value);
  const literal = expanded.some((s) => s.kind === 'literal' && /[^/]/.test(s.text));
  const params = expanded.filter((s) => s.kind === 'expr' && paramOf(fn, s.source) !== undefined);
  return literal && params.length >= 1 ? expanded : undefined;
}

/**
 * Go's `apiRoot(host) + path` (in the call or in the local it reads), the base a call given another
 * of the function's parameters: the base, then the path parameter, which is the wrapper's URL
 * parameter (callers state the page; the host parameter only says where the API lives).
 */
export function expandBaseJoin(
  context: ScanContext,
  segment: UrlSegment,
  use: Node,
  fn: FunctionShape,
): UrlSegment[] | undefined {
  if (context.language !== 'go' || segment.kind !== 'expr') return undefined;
  const value = IDENTIFIER.test(segment.source) ? readLocalValue(context, segment, use, fn) : undefined;
  const source = value === undefined ? segment.source : sliceNode(context.text, value);
  const joined = JOINED_LOCAL.exec(source);
  const [, base = '', path = ''] = joined ?? [];
  if (joined === null || !base.endsWith(')') || paramOf(fn, path) === undefined) return undefined;
  const inside = /\(([\s\S]*)\)$/.exec(base)?.[1] ?? '';
  const named = [...inside.matchAll(/[A-Za-z_]\w*/g)].some(
    ([word]) => word !== path && paramOf(fn, word) !== undefined,
  );
  return named
    ? [
        { kind: 'expr', source: base },
        { kind: 'expr', source: path },
      ]
    : undefined;
}

/** The whole URL a local named by `segment` holds where `use` reads it, or undefined when no local. */
export function readLocalWholeUrl(
  context: ScanContext,
  segment: UrlSegment,
  use: Node,
  fn: FunctionShape,
): UrlSegment[] | undefined {
  const value = readLocalValue(context, segment, use, fn);
  return value === undefined ? undefined : readLocalUrl(context, value);
}

/**
 * A local's URL. Python's `API_PREFIX + (path if path is not None else "")` or Go's
 * `endpoint + path`, names joined with `+` and no string among them (one unknown part to the recogniser), is read operand by operand: a
 * module constant (of this module or shared by another) is its text, a guarded parameter is the
 * parameter.
 */
function readLocalUrl(context: ScanContext, value: Node): UrlSegment[] {
  const { language, text, root } = context;
  const shared = context.project?.shared;
  const whole = readUrlValue(value, language, text, root, shared);
  // Go's `endpoint = endpoint + path` after `endpoint := c.baseURL` and `endpoint += "/api/v2"`:
  // each operand is read where it stands, so the earlier value of the same local is its base.
  const operands =
    language === 'python'
      ? readPythonOperands(value, text)
      : language === 'go'
        ? flattenConcatenation(value, text)
        : [];
  if (operands.length < 2 || whole.some((s) => s.kind === 'literal')) return whole;
  const merged = mergeSegments(
    operands.flatMap((operand) =>
      readUrlValue(readGuardedValue(operand, text) ?? operand, language, text, root, shared),
    ),
  );
  // Go: `apiRoot(host) + path` joined with one `/`, as the whole expression reads.
  return language === 'go' ? joinRelativeToBase(merged) : merged;
}

/**
 * `url = (options.base ?? this.base) + (withQuery || path)` above `fetch(url, init)` (JavaScript/
 * TypeScript): names joined with `+` whose last part is a parameter, or a fallback to one (`a || p`,
 * `a ?? p`), are the base then that parameter, which takes the caller's path. The base parts stay
 * as written (in parentheses, so they are not taken for the options parameter they read).
 */
export function expandJoinedLocal(
  context: ScanContext,
  segment: UrlSegment,
  use: Node,
  fn: FunctionShape,
): UrlSegment[] | undefined {
  const value = isJsLanguage(context.language) ? readLocalValue(context, segment, use, fn) : undefined;
  if (value === undefined) return undefined;
  const operands: Node[] = [];
  let current = unwrapExpression(value);
  while (
    current.type === 'binary_expression' &&
    sliceNode(context.text, current.childForFieldName('operator') ?? current) === '+'
  ) {
    const right = current.childForFieldName('right');
    const left = current.childForFieldName('left');
    if (right === null || left === null) return undefined;
    operands.unshift(right);
    current = unwrapExpression(left);
  }
  operands.unshift(current);
  const last = operands.pop();
  const param = last === undefined ? undefined : readFallbackParam(context, last, fn);
  if (param === undefined || operands.length === 0) return undefined;
  if (operands.some((o) => ['string', 'template_string'].includes(unwrapExpression(o).type)))
    return undefined;
  return [
    ...operands.map(
      (o): UrlSegment => ({ kind: 'expr', source: `(${sliceNode(context.text, unwrapExpression(o))})` }),
    ),
    { kind: 'expr', source: param },
  ];
}

// `path`, `(withQuery || path)`, `(override ?? path)`: the parameter the part falls back to.
function readFallbackParam(context: ScanContext, node: Node, fn: FunctionShape): string | undefined {
  const inner = unwrapExpression(node);
  if (inner.type === 'identifier') {
    const name = sliceNode(context.text, inner);
    return paramOf(fn, name)?.key === undefined && paramOf(fn, name) !== undefined ? name : undefined;
  }
  const operator = inner.type === 'binary_expression' ? inner.childForFieldName('operator') : null;
  if (operator === null || !['||', '??'].includes(sliceNode(context.text, operator))) return undefined;
  const right = inner.childForFieldName('right');
  return right === null ? undefined : readFallbackParam(context, right, fn);
}

/**
 * `const { target, init } = this.prepare(method, url)` above `fetch(target, init)`: the URL the
 * helper returns under that key, its parameters written as the arguments given (`url`), so the
 * wrapper's own parameter is found in it (`url.toString()`, `` `${url}?${query}` ``).
 */
export function expandDestructured(
  context: ScanContext,
  segment: UrlSegment,
  use: Node,
  fn: FunctionShape,
): UrlSegment[] | undefined {
  if (
    !isJsLanguage(context.language) ||
    segment.kind !== 'expr' ||
    !IDENTIFIER.test(segment.source) ||
    paramOf(fn, segment.source) !== undefined
  )
    return undefined;
  const source = findDestructuredSource(segment.source, use, context.text, context.root);
  if (source === undefined) return undefined;
  const value = readUrlValue(source.value, context.language, context.text, context.root);
  const expanded = substituteParams(value, source, (node) => [
    { kind: 'expr', source: sliceNode(context.text, node) },
  ]);
  const isParam = (source: string): boolean =>
    paramOf(fn, source) !== undefined || readKeyOfParam(source, fn.params) !== undefined;
  const first = expanded.findIndex((s) => s.kind === 'expr' && isParam(s.source));
  if (first < 0) return undefined;
  // The helper may add text and a query after the caller's URL, but an unknown part there (a page
  // it appends only sometimes) leaves the path unknown: not a wrapper then.
  for (const segment of expanded.slice(first + 1)) {
    if (segment.kind === 'literal' && segment.text.includes('?')) break;
    if (segment.kind === 'expr' && !isParam(segment.source)) return undefined;
  }
  return expanded;
}

/**
 * `base + "/" + path.Join("v2", p)`: a join written in the call's own URL (one expression to the
 * recogniser) is its parts, so the parameter among them takes the caller's argument.
 */
export function expandJoin(
  context: ScanContext,
  segment: UrlSegment,
  use: Node,
  fn: FunctionShape,
): UrlSegment[] | undefined {
  if (segment.kind !== 'expr' || !segment.source.endsWith(')')) return undefined;
  const callType = context.language === 'python' ? 'call' : 'call_expression';
  const node = use
    .descendantsOfType(callType)
    .find((c) => c !== null && c.id !== use.id && sliceNode(context.text, c) === segment.source);
  if (node == null) return undefined;
  const expanded = readUrlValue(node, context.language, context.text, context.root);
  const params = expanded.filter((s) => s.kind === 'expr' && paramOf(fn, s.source) !== undefined);
  return expanded.length > 1 && params.length === 1 ? expanded : undefined;
}

/**
 * Go: `cli.getAPIPath(ctx, path, query)`, a helper of the project (a method called on the wrapper's
 * own receiver, or a function of its package) handed the wrapper's one string parameter, whose
 * body is not read here: the URL is that parameter after an unknown part (what the helper puts
 * before it, a base path or a version), so the callers' paths still reach the call. A library's
 * function (`url.PathEscape(p)`, a package-qualified call) is not a helper of the project.
 */
export function expandHelperCall(
  context: ScanContext,
  segment: UrlSegment,
  use: Node,
  fn: FunctionShape,
): UrlSegment[] | undefined {
  if (context.language !== 'go' || segment.kind !== 'expr' || !segment.source.endsWith(')')) return undefined;
  const { text } = context;
  const node = findCallBySource(use, segment.source, text);
  const callee = node?.childForFieldName('function');
  if (node == null || callee == null) return undefined;
  const operand = callee.type === 'selector_expression' ? callee.childForFieldName('operand') : null;
  const own =
    callee.type === 'identifier' ||
    (operand?.type === 'identifier' && fn.selfNames.includes(sliceNode(text, operand)));
  if (!own) return undefined;
  const strings = readStringParams(fn, text);
  const passed = (node.childForFieldName('arguments')?.namedChildren ?? []).filter(
    (arg): arg is Node => arg?.type === 'identifier' && strings.has(sliceNode(text, arg)),
  );
  const [param, ...rest] = passed;
  if (param === undefined || rest.length > 0) return undefined;
  return [
    { kind: 'expr', source: `${sliceNode(text, callee)}(…)` },
    { kind: 'expr', source: sliceNode(text, param) },
  ];
}

/**
 * Python: `uri = self._create_api_uri(path, version)` above `self._request(method, uri)`, a URL
 * builder of the wrapper's own class (see python-url-builders.ts) handed the wrapper's path
 * parameter first, whose body is not read (it is in a base class of another module, or it picks its
 * base by `if`): the URL is an unknown base, a `/`, then that parameter, so the callers' paths still
 * reach the call. A readable builder was read before this (`expandLocal`). Only when the builder's
 * value is the whole URL: `base_url + self._sign(path)` joins a path completed by the builder.
 */
export function expandPythonHelperCall(
  context: ScanContext,
  segment: UrlSegment,
  use: Node,
  fn: FunctionShape,
): UrlSegment[] | undefined {
  if (context.language !== 'python' || segment.kind !== 'expr') return undefined;
  const { text } = context;
  const value =
    readLocalValue(context, segment, use, fn) ??
    (segment.source.endsWith(')') ? findPythonCall(fn.node, segment.source, text) : undefined);
  const builder = value === undefined ? undefined : readUrlBuilderCall(value, text);
  if (builder === undefined || !fn.selfNames.includes(builder.receiver)) return undefined;
  const param = sliceNode(text, builder.path);
  if (!isPathParameter(fn.node, param, text)) return undefined;
  return [
    { kind: 'expr', source: `${builder.callee}(…)` },
    { kind: 'literal', text: '/' },
    { kind: 'expr', source: param },
  ];
}

// The Python call in `scope` whose text is `source`.
function findPythonCall(scope: Node, source: string, text: string): Node | undefined {
  return (
    scope
      .descendantsOfType('call')
      .find(
        (c) => c !== null && c.endIndex - c.startIndex === source.length && sliceNode(text, c) === source,
      ) ?? undefined
  );
}

// A function named for building a path or URL (`buildPath`, `toUrl`).
const PATH_BUILDER = /^(?:build|make|to|with)(?:[A-Z]\w*)?(?:Path|Url|URL|Uri)$/;

/**
 * JS: `httpGet(getUrl(url))` where `getUrl` is an arrow or function declared in the function around
 * the wrapper (a hook's local `const getUrl = (url) => \`${base}/api${url}\``) and handed the
 * wrapper's parameter alone: the URL is that parameter after what the helper puts before it, as for
 * Go's helpers above. A helper declared at module level or imported is left to the other readers.
 */
export function expandLocalHelperCall(
  context: ScanContext,
  segment: UrlSegment,
  use: Node,
  fn: FunctionShape,
): UrlSegment[] | undefined {
  if (!isJsLanguage(context.language) || segment.kind !== 'expr' || !segment.source.endsWith(')'))
    return undefined;
  const { text } = context;
  const node = findCallBySource(use, segment.source, text);
  const callee = node?.childForFieldName('function');
  if (node == null || callee?.type !== 'identifier') return undefined;
  const [param, ...rest] = node.childForFieldName('arguments')?.namedChildren ?? [];
  if (param?.type !== 'identifier' || !fn.params.includes(sliceNode(text, param))) return undefined;
  // `request('GET', buildPath(path, params))`: a function named for a path or URL, handed the
  // wrapper's parameter first, gives that path (with what it adds, a query, unknown).
  if (PATH_BUILDER.test(sliceNode(text, callee))) return [{ kind: 'expr', source: sliceNode(text, param) }];
  if (rest.length > 0) return undefined;
  // Read from the functions around the wrapper outward (`useMemo(() => (url) => ...)` nests one more).
  let helper: Node | undefined;
  for (
    let at: Node | undefined = fn.node, step = 0;
    at !== undefined && helper === undefined && step < 3;
    step++
  ) {
    helper = readNameValue(sliceNode(text, callee), at, context.language, text, context.root);
    at = findScope(at, context.language);
  }
  if (
    helper === undefined ||
    (helper.type !== 'arrow_function' && helper.type !== 'function_expression') ||
    findScope(helper, context.language) === undefined
  )
    return undefined;
  return [
    { kind: 'expr', source: `${sliceNode(text, callee)}(…)` },
    { kind: 'expr', source: sliceNode(text, param) },
  ];
}

/** The call inside `use` (not `use` itself) whose text is `source`; lengths compared first. */
export function findCallBySource(use: Node, source: string, text: string): Node | undefined {
  return (
    use
      .descendantsOfType('call_expression')
      .find(
        (c) =>
          c !== null &&
          c.id !== use.id &&
          c.endIndex - c.startIndex === source.length &&
          sliceNode(text, c) === source,
      ) ?? undefined
  );
}

// A Go function's parameters declared `string`, other than the method's.
function readStringParams(fn: FunctionShape, text: string): Set<string> {
  const names = new Set<string>();
  for (const declaration of fn.node.childForFieldName('parameters')?.namedChildren ?? []) {
    if (declaration?.type !== 'parameter_declaration') continue;
    if (sliceNode(text, declaration.childForFieldName('type') ?? declaration) !== 'string') continue;
    for (const id of declaration.childrenForFieldName('name')) {
      const name = id === null ? '' : sliceNode(text, id);
      if (name !== '' && !METHOD_NAME.test(name)) names.add(name);
    }
  }
  return names;
}

// `qs ? `?${qs}` : ''`, `params.size > 0 ? '?' + params : ""`: a conditional between a query and nothing.
const INLINE_QUERY =
  /^([^?`'"]+)\?\s*[`'"]\?(?:\$\{[^}]*\}|[^`'"$])*[`'"](?:\s*\+\s*[\w$.()]+)?\s*:\s*(?:''|""|``)$/s;

/**
 * `url + queryString` after `const queryString = keys.length ? '?' + params : ''`: a local whose
 * every string value is empty or starts with `?` is the query, so the URL's path ends before it.
 */
export function expandQuery(
  context: ScanContext,
  segment: UrlSegment,
  use: Node,
  fn: FunctionShape,
): UrlSegment[] | undefined {
  // Written in the URL itself: `${path}${qs ? `?${qs}` : ''}`.
  // The query is read once: its part keeps the test's name, which reads as no query again.
  const inline = segment.kind === 'expr' ? INLINE_QUERY.exec(segment.source) : null;
  if (inline !== null)
    return [
      { kind: 'literal', text: '?' },
      { kind: 'expr', source: (inline[1] as string).trim() },
    ];
  const value = readLocalValue(context, segment, use, fn);
  if (value === undefined) return undefined;
  const branches =
    value.type === 'ternary_expression' || value.type === 'conditional_expression'
      ? [value.childForFieldName('consequence'), value.childForFieldName('alternative')]
      : [value];
  const strings = branches.map((branch) =>
    branch == null ? undefined : readLeadingText(branch, context.text),
  );
  if (
    strings.some((s) => s === undefined || (s !== '' && !s.startsWith('?'))) ||
    !strings.some((s) => s !== '')
  )
    return undefined;
  return [{ kind: 'literal', text: '?' }, segment];
}

// The text a string expression starts with: a string, a template's head, a concatenation's first part.
function readLeadingText(node: Node, text: string): string | undefined {
  if (node.type === 'binary_expression') {
    const left = node.childForFieldName('left');
    return left === null ? undefined : readLeadingText(left, text);
  }
  if (node.type === 'template_string') return /^`([^`$]*)/.exec(sliceNode(text, node))?.[1];
  return readConstantString(node, text);
}

/**
 * `endpoint+path`, `self.base + path`: names joined with `+` and no string among them (read as one
 * expression by the recogniser) are parts of the URL each, so a later part that is a parameter
 * (`path`) takes the caller's argument too instead of being lost in the first.
 */
export function splitConcatenation(segment: UrlSegment): UrlSegment[] {
  if (segment.kind !== 'expr' || !CONCATENATION.test(segment.source)) return [segment];
  return segment.source.split('+').map((part) => ({ kind: 'expr', source: part.trim() }));
}

/**
 * A parameter by name, or a name destructured out of an object parameter (`{ path }`).
 */
export function paramOf(fn: FunctionShape, name: string): { index: number; key?: string } | undefined {
  const index = name === '' ? -1 : fn.params.indexOf(name);
  if (index >= 0) return { index };
  return fn.keys?.get(name);
}
