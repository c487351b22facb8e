/** One wrapper read from a call inside a function: which parameters carry its URL and its method. */

import { basename, extname } from 'node:path';
import type { Node } from 'web-tree-sitter';
import { nodesOfType } from '../nodes-of-type';
import { readPythonString } from '../python-syntax';
import type { ScanContext } from '../recognizers/context';
import { readVerbFallback } from '../recognizers/python-verb-params';
import { readConstantString, sliceNode, unwrapExpression } from '../syntax';
import type { HttpCall, UrlSegment } from '../types';
import { readNameValue } from './assigned-values';
import { DEFAULT_EXPORT, type FunctionShape, isJsLanguage } from './code-shape';
import { isWrittenChoice } from './conditional-urls';
import { readFieldConstant } from './field-constants';
import { readGoFieldTemplate } from './go-field-templates';
import { readRequestUrlMethod, readRequestVerbMethod } from './go-request-types';
import { readStructFieldUrl } from './go-struct-fields';
import { guardedCalls, isUrlGuarded } from './guarded-urls';
import { readTakenApartKey } from './js-request-links';
import { findDestructuredCall } from './js-url-values';
import { readPassedMethod } from './options-flow';
import { readKeyedMethodDefault, readKeyOfParam, readMemberMethod } from './passed-options';
import { unformatted } from './python-class-members';
import { readParamDefault } from './python-flag-methods';
import { isPrivateFunction } from './single-report';
import type { WrapperDefinition } from './types';
import { mergeSegments, readUrlValue } from './values';
import {
  expandBaseJoin,
  expandDestructured,
  expandHelperCall,
  expandJoin,
  expandJoinedLocal,
  expandLocal,
  expandLocalHelperCall,
  expandPythonHelperCall,
  expandQuery,
  METHOD_NAME,
  paramOf,
  splitConcatenation,
} from './wrapper-urls';

const ROOT_NAME = /^[A-Za-z_$][\w$]*/;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const FOLLOW_DEPTH = 3;

// `c.base`: a field of a parameter, the only base `based` above takes (not a call or a package's).
const GO_PARAM_FIELD = /^([A-Za-z_]\w*)\.[A-Za-z_]\w*$/;

/**
 * The wrapper `fn` is when the URL of `call` (at `node`) flows from one of its parameters; `forwards`
 * when the call writes no part of the URL itself.
 */
export function readWrapper(
  context: ScanContext,
  call: HttpCall,
  node: Node,
  fn: FunctionShape,
  forwards: boolean,
): WrapperDefinition | undefined {
  const { text, language } = context;
  let urlParam: number | undefined;
  let urlKey: string | undefined;
  const url: UrlSegment[] = [];
  // A URL builder's value that is the whole URL holds the base; joined after one, it is the path.
  const parts = call.url.segments.flatMap(splitConcatenation);
  const whole = parts.length === 1;
  const segments = parts.flatMap(
    (segment) =>
      expandLocal(context, segment, node, fn) ??
      expandBaseJoin(context, segment, node, fn) ??
      expandJoinedLocal(context, segment, node, fn) ??
      expandDestructured(context, segment, node, fn) ??
      expandJoin(context, segment, node, fn) ??
      expandQuery(context, segment, node, fn) ??
      expandHelperCall(context, segment, node, fn) ??
      expandLocalHelperCall(context, segment, node, fn) ??
      (whole ? expandPythonHelperCall(context, segment, node, fn) : undefined) ?? [segment],
  );
  const override = language === 'python' ? findOptionalBase(context, segments, node, fn) : undefined;
  for (const [i, segment] of segments.entries()) {
    // `get(teamId ? \`/teams/${teamId}/pixels\` : '/pixels')`: the call writes each URL it picks.
    if (
      segment.kind === 'expr' &&
      urlParam === undefined &&
      segment !== override &&
      !(isJsLanguage(language) && isWrittenChoice(segment.source, node, text))
    ) {
      // Go's `c.base + path` in `func do[T any](c *Client, method, path string)`: a field of the
      // client handed in is the base, the whole parameter after it the path callers give.
      const based =
        language === 'go' &&
        fn.params.includes(GO_PARAM_FIELD.exec(segment.source)?.[1] ?? '') &&
        segments.slice(i + 1).some((s) => s.kind === 'expr' && fn.params.includes(s.source));
      const field =
        readRequestUrlMethod(context, segment.source, fn) ??
        (based ? undefined : readStructFieldUrl(context, segment.source, node, fn));
      if (field !== undefined) {
        urlParam = field.index;
        urlKey = field.key;
        url.push(...field.url);
        continue;
      }
      const param = based
        ? undefined
        : (readParamAttribute(context, segment.source, node, fn) ??
          (isJsLanguage(language) ? readTakenApartKey(fn, segment.source, text) : undefined) ??
          findFlowingParam(context, segment.source, node, fn, 0));
      if (param !== undefined) {
        urlParam = param.index;
        // JS `options.path` handed on from the caller's options: the URL is that key of them.
        urlKey =
          param.key ??
          (isJsLanguage(language)
            ? readKeyOfParam(segment.source, [fn.params[param.index] ?? ''])
            : undefined);
        url.push({ kind: 'expr', source: fn.params[param.index] || (param.key ?? '') });
        continue;
      }
    }
    url.push(segment);
  }
  if (urlParam === undefined) return undefined;
  let methodParam: number | undefined;
  let methodKey: string | undefined;
  let methodDefault: string | undefined;
  if (call.method === undefined) {
    const args = node.childForFieldName('arguments');
    const names = new Set<string>();
    if (call.methodSource !== undefined) names.add(call.methodSource);
    // An options local built above the call (`const opts = { method, headers }`) is read too.
    const holders = [...(args?.namedChildren ?? [])].flatMap((arg) => {
      if (arg?.type !== 'identifier') return arg === null ? [] : [arg];
      const value =
        readNameValue(sliceNode(text, arg), node, language, text, context.root) ??
        findDestructuredCall(sliceNode(text, arg), node, text);
      return value !== undefined &&
        value.startIndex >= fn.node.startIndex &&
        value.endIndex <= fn.node.endIndex
        ? [arg, value]
        : [arg];
    });
    for (const holder of holders) {
      for (const id of holder.descendantsOfType(['identifier', 'shorthand_property_identifier'])) {
        if (id !== null && METHOD_NAME.test(sliceNode(text, id))) names.add(sliceNode(text, id));
      }
    }
    // Go's `req.Method()`: the method of the request type the caller passes.
    const requested = language === 'go' ? readRequestVerb(call, node, fn, text) : undefined;
    if (requested !== undefined) {
      methodParam = requested.index;
      methodKey = requested.key;
      names.clear();
    }
    for (const name of names) {
      const attribute = readParamAttribute(context, name, node, fn);
      if (attribute !== undefined) {
        methodParam = attribute.index;
        methodKey = attribute.key;
        break;
      }
      const index = fn.params.indexOf(name);
      if (index >= 0) {
        methodParam = index;
        // `def fetch_json(self, uri_path, http_method='GET')`: the method when a caller gives none.
        const fallback = fn.defaults?.get(index) ?? readDefaultConstant(context, fn.node, name);
        if (fallback !== undefined && /^[A-Za-z]+$/.test(fallback)) methodDefault = fallback.toUpperCase();
        // `method = method or self._session.get`: the verb function a caller gets by giving none.
        else if (language === 'python') methodDefault = readVerbFallback(text, fn.node, name);
        break;
      }
      const key = fn.keys?.get(name);
      if (key !== undefined) {
        methodParam = key.index;
        methodKey = key.key;
        methodDefault = readKeyedMethodDefault(context, call, fn, name);
        break;
      }
      // `const { method = 'GET', ...rest } = options`: the method is the options parameter's `method`.
      const from = isJsLanguage(language) ? findDestructuredParam(fn, name, text) : undefined;
      if (from !== undefined) {
        methodParam = from.index;
        methodKey = 'method';
        methodDefault = from.fallback;
        break;
      }
      // `const { url, method: verb } = outgoing`: the key the method was taken from.
      const taken = isJsLanguage(language) ? readTakenApartKey(fn, name, text) : undefined;
      if (taken !== undefined && METHOD_NAME.test(taken.key)) {
        methodParam = taken.index;
        methodKey = taken.key;
        break;
      }
    }
  }
  // `fetch(req.url, { method: req.method })`: the method is a key of the caller's request object.
  if (call.method === undefined && methodParam === undefined) {
    const member = readMemberMethod(context, call, node, fn);
    if (member !== undefined) ({ methodParam, methodKey, methodDefault } = member);
  }
  // `fetch(url, this.withHeaders(options))`: the method is in the options the caller hands in.
  if (call.method === undefined && methodParam === undefined && isJsLanguage(language)) {
    const passed = readPassedMethod(context, call, node, fn);
    if (passed !== undefined) ({ methodParam, methodKey, methodDefault } = passed);
  }
  const defaults = [...(fn.defaults ?? [])].filter(
    ([index]) => index !== urlParam && url.some((s) => s.kind === 'expr' && s.source === fn.params[index]),
  );
  const anonymous = fn.name === DEFAULT_EXPORT && fn.owner === undefined;
  const param = urlParam === undefined ? undefined : fn.params[urlParam];
  const guarded =
    isJsLanguage(language) &&
    (guardedCalls.has(call) || (param !== undefined && isUrlGuarded(node, param, fn.node, text)));
  return {
    kind: 'wrapper',
    language,
    name: anonymous ? moduleWord(context.file) : fn.name,
    ...(anonymous ? { exportedAs: 'default' as const } : {}),
    ...(fn.owner === undefined ? {} : { owner: fn.owner }),
    params: fn.params,
    ...(call.method === undefined ? {} : { method: call.method }),
    ...(methodParam === undefined ? {} : { methodParam }),
    ...(methodKey === undefined ? {} : { methodKey }),
    ...(methodDefault === undefined ? {} : { methodDefault }),
    urlParam,
    ...(urlKey === undefined ? {} : { urlKey }),
    ...(defaults.length === 0 ? {} : { defaults }),
    url: resolveConstants(context, url, node, fn),
    client: call.client,
    site: { file: context.file, line: fn.line },
    forwards,
    ...(guarded ? { guarded: true } : {}),
    ...(isPrivateFunction(fn, language, text) ? { private: true } : {}),
  };
}

/**
 * Python's `base_url + path` where `base_url=None` is optional (the function falls back to its own,
 * `if base_url is None: base_url = self.base_url`) and a later part flows from a parameter without
 * a `None` default: that later part is the URL parameter (most callers pass no base); the optional
 * one stays another parameter the URL names, taking a caller's value when one is given.
 */
function findOptionalBase(
  context: ScanContext,
  segments: readonly UrlSegment[],
  use: Node,
  fn: FunctionShape,
): UrlSegment | undefined {
  const flowing = segments.flatMap((segment) => {
    if (segment.kind !== 'expr') return [];
    const param = findFlowingParam(context, segment.source, use, fn, 0);
    return param === undefined || param.key !== undefined ? [] : [{ segment, index: param.index }];
  });
  const [first, ...rest] = flowing;
  if (first === undefined || !IDENTIFIER.test(first.segment.source)) return undefined;
  if (
    fn.params[first.index] !== first.segment.source ||
    !hasNoneDefault(fn.node, first.segment.source, context.text)
  )
    return undefined;
  return rest.some(
    ({ index }) => index !== first.index && !hasNoneDefault(fn.node, fn.params[index] ?? '', context.text),
  )
    ? first.segment
    : undefined;
}

// `base_url=None`, `base_url: str | None = None`.
function hasNoneDefault(fn: Node, name: string, text: string): boolean {
  return readParamDefault(fn, name, text)?.type === 'none';
}

// A default-exported function's name: the last word of its module's file name (`cached-fetch.ts` →
// `fetch`), which every importer writes in its import path (project files are found by their words).
function moduleWord(file: string): string {
  const name = basename(file, extname(file));
  return /[\w$]+$/.exec(name)?.[0] ?? name;
}

// Python's `method = route.method` above `session.request(method, url)`: the attribute of a
// parameter (a request descriptor the caller builds), as the parameter and the attribute's name.
function readParamAttribute(
  context: ScanContext,
  name: string,
  use: Node,
  fn: FunctionShape,
): { index: number; key: string } | undefined {
  if (context.language !== 'python' || !IDENTIFIER.test(name) || fn.params.includes(name)) return undefined;
  const value = readNameValue(name, use, context.language, context.text, context.root);
  if (
    value?.type !== 'attribute' ||
    value.startIndex < fn.node.startIndex ||
    value.endIndex > fn.node.endIndex
  )
    return undefined;
  const object = value.childForFieldName('object');
  const index = object?.type === 'identifier' ? fn.params.indexOf(sliceNode(context.text, object)) : -1;
  const key = value.childForFieldName('attribute');
  return index < 0 || key === null ? undefined : { index, key: sliceNode(context.text, key) };
}

// `def send(self, path, method=GET)` after `GET = 'GET'`: a parameter's default that is a name,
// read as the constant it is bound to.
function readDefaultConstant(context: ScanContext, fn: Node, name: string): string | undefined {
  for (const param of fn.childForFieldName('parameters')?.namedChildren ?? []) {
    const value = param?.childForFieldName('value');
    if (
      context.language !== 'python' ||
      value?.type !== 'identifier' ||
      sliceNode(context.text, param?.childForFieldName('name') ?? value) !== name
    )
      continue;
    const bound = readNameValue(
      sliceNode(context.text, value),
      value,
      context.language,
      context.text,
      context.root,
    );
    return bound === undefined ? undefined : readPythonString(bound, context.text);
  }
  return undefined;
}

// `const { method = 'GET', headers = {} } = options` in the function: the index of `options`, and
// the default when it is a string.
function findDestructuredParam(
  fn: FunctionShape,
  name: string,
  text: string,
): { index: number; fallback?: string } | undefined {
  for (const declarator of fn.node.descendantsOfType('variable_declarator')) {
    const pattern = declarator?.childForFieldName('name');
    const value = declarator?.childForFieldName('value');
    if (pattern?.type !== 'object_pattern' || value?.type !== 'identifier') continue;
    const index = fn.params.indexOf(sliceNode(text, value));
    if (index < 0) continue;
    for (const child of pattern.namedChildren) {
      if (child === null) continue;
      const key =
        child.type === 'object_assignment_pattern'
          ? child.childForFieldName('left')
          : child.type === 'pair_pattern'
            ? child.childForFieldName('key')
            : child;
      if (key === null || sliceNode(text, key) !== name) continue;
      const right = child.type === 'object_assignment_pattern' ? child.childForFieldName('right') : null;
      const fallback = right === null ? undefined : readConstantString(right, text)?.toUpperCase();
      return fallback === undefined ? { index } : { index, fallback };
    }
  }
  return undefined;
}

// Which parameter an expression's value comes from: the expression's root name is a parameter, or
// a local whose assigned value mentions one (followed a few assignments deep).
function findFlowingParam(
  context: ScanContext,
  source: string,
  use: Node,
  fn: FunctionShape,
  depth: number,
): { index: number; key?: string } | undefined {
  const root = ROOT_NAME.exec(source.trim())?.[0];
  if (root === undefined) return undefined;
  const direct = paramOf(fn, root);
  if (direct !== undefined) return direct;
  if (depth >= FOLLOW_DEPTH || fn.selfNames.includes(root)) return undefined;
  const value = readNameValue(root, use, context.language, context.text, context.root);
  if (value === undefined || value.startIndex < fn.node.startIndex || value.endIndex > fn.node.endIndex)
    return undefined;
  if (isReturnedField(context, source, value)) return undefined;
  // `self.TEMPLATE.format(name=param)`: the parameter fills a placeholder of the template; the URL is
  // the template's, not the parameter's.
  const template = context.language === 'python' ? unformatted(unwrapExpression(value), context.text) : value;
  const words = wordsOutsideTests(template, context.text);
  for (const word of words) {
    const found = paramOf(fn, word);
    if (found !== undefined) return found;
  }
  for (const word of words) {
    if (word === root) continue;
    const found = findFlowingParam(context, word, value, fn, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

// Go's `release.APIURL` after `release, err := fetchRelease(client, repo, tag)`: a field of what a
// call returned (a URL the API sent back), not a value built from the call's arguments.
function isReturnedField(context: ScanContext, source: string, value: Node): boolean {
  return (
    context.language === 'go' &&
    /^[A-Za-z_]\w*\.[A-Za-z_]\w*$/.test(source.trim()) &&
    unwrapExpression(value).type === 'call_expression'
  );
}

// The names a value is built from, less those only tested in a conditional (`absolute` in
// `join(None if absolute else self.url, path)` picks the base; the URL is built from `path`).
function wordsOutsideTests(value: Node, text: string): string[] {
  const tests: Node[] = [];
  for (const node of nodesOfType(value, ['conditional_expression', 'ternary_expression'])) {
    const test =
      node?.type === 'ternary_expression' ? node.childForFieldName('condition') : node?.namedChild(1);
    if (test != null) tests.push(test);
  }
  const source = sliceNode(text, value);
  const words: string[] = [];
  for (const match of source.matchAll(/[A-Za-z_$][\w$]*/g)) {
    const at = value.startIndex + (match.index ?? 0);
    if (!tests.some((test) => at >= test.startIndex && at < test.endIndex)) words.push(match[0]);
  }
  return words;
}

// A wrapper's own URL parts that name a constant (`${base}/${path}` with `const base = '...'` at the
// top of the module) are read once here, so every call site gets the written URL.
function resolveConstants(
  context: ScanContext,
  url: readonly UrlSegment[],
  use: Node,
  fn: FunctionShape,
): UrlSegment[] {
  const out: UrlSegment[] = [];
  for (const segment of url) {
    const field =
      segment.kind === 'expr'
        ? readFieldConstant(segment.source, use, context.language, context.text, context.project.shared)
        : undefined;
    if (field !== undefined) {
      out.push({ kind: 'literal', text: field });
      continue;
    }
    const template =
      segment.kind === 'expr' && context.language === 'go'
        ? readGoFieldTemplate(segment.source, use, context.text, context.project.shared)
        : undefined;
    if (template !== undefined) {
      out.push(...template.map((s) => ({ ...s })));
      continue;
    }
    if (
      segment.kind !== 'expr' ||
      !/^[A-Za-z_$][\w$]*$/.test(segment.source) ||
      paramOf(fn, segment.source) !== undefined
    ) {
      out.push(segment);
      continue;
    }
    const value = readNameValue(segment.source, use, context.language, context.text, context.root);
    const inside =
      value !== undefined && value.startIndex >= fn.node.startIndex && value.endIndex <= fn.node.endIndex;
    const resolved =
      value === undefined || inside ? [] : readUrlValue(value, context.language, context.text, context.root);
    if (resolved.length > 0 && resolved.every((s) => s.kind === 'literal')) out.push(...resolved);
    else out.push(segment);
  }
  return mergeSegments(out);
}

// `retryablehttp.NewRequest(req.Method(), ...)`, or a call handing the method on: the request
// parameter whose type states the method, and the method as a key.
function readRequestVerb(
  call: HttpCall,
  node: Node,
  fn: FunctionShape,
  text: string,
): { index: number; key: string } | undefined {
  const sources = [
    call.methodSource,
    ...(node.childForFieldName('arguments')?.namedChildren ?? []).map((a) =>
      a === null ? undefined : sliceNode(text, a),
    ),
  ];
  for (const source of sources) {
    const found = source === undefined ? undefined : readRequestVerbMethod(source, fn);
    if (found !== undefined) return found;
  }
  return undefined;
}
