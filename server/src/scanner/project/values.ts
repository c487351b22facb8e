/**
 * What a URL argument holds, looked for a little further than the argument itself: a local variable
 * assigned a few lines above (`api_path = ...`, `path := fmt.Sprintf(...)`), a module constant
 * (`const appsBasePath = "/v2/apps"`), a tagged template (`path\`/files/${id}\``), a string's
 * `.format(...)`, or a simple helper whose first argument is the path
 * (`utils.format_url("/v1/auth/{mount_point}/role", ...)`, `addOptions(basePath, opt)`).
 */

import type { Node } from 'web-tree-sitter';
import { readPythonUrl } from '../python-syntax';
import { expandFormat, joinRelativeToBase, readGoUrl } from '../recognizers/go-http';
import { readLiteral, sliceNode, unwrapExpression } from '../syntax';
import type { ScanLanguage, UrlSegment } from '../types';
import { readUrlTemplate } from '../url-template';
import { findScope, isParameterAt, readGoAppends, readNameValue } from './assigned-values';
import { isJsLanguage } from './code-shape';
import { readFieldConstant } from './field-constants';
import { readGoFieldTemplate } from './go-field-templates';
import { readGoPackageBuilderCall, readGoPackageConstant } from './go-package-builders';
import { readSprintfValue } from './go-sprintf-values';
import { readGoBuilderString } from './go-string-builders';
import { readGoConcatenatedCalls, substituteArguments } from './go-url-builders';
import { readGoUrlStruct } from './go-url-struct';
import { readJsMemberPath } from './js-class-members';
import { readJsInheritedMember } from './js-inherited-members';
import { readKeptBaseTemplate, readRouteDescriptorUse } from './js-route-descriptors';
import { findDestructuredSource, readJsUrlExpression, substituteParams } from './js-url-values';
import { readMethodHelper } from './method-helpers';
import { readGoListJoin, readPathFunctionCall } from './path-functions';
import { readPrefixMapCall } from './prefix-helpers';
import { readClassMember } from './python-class-members';
import { readFieldFormat } from './python-format-templates';
import { readPythonListJoin } from './python-list-joins';
import { readModuleConstant, readPathTableUse, readTemplateConstant } from './python-url-constants';
import { readStaticMember } from './static-members';
import type { SharedValues } from './types';

const MAX_DEPTH = 4;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const PLACEHOLDER = /\{([^{}]*)\}/g;
const URL_JOIN = /^(?:[\w$]+\.)*url-?join$/i;
// Python's `urljoin(base, path)` (`urllib.parse`, `urlparse`) joins its first two arguments (the
// third is a flag); Go's `path.Join(...)` and `url.JoinPath(base, ...)` join them all.
const PYTHON_URL_JOIN = /^(?:[\w]+\.)*urljoin$/;
const GO_URL_JOIN = /^(?:path\.Join|url\.JoinPath)$/;
const PYTHON_STRIPS: ReadonlySet<string> = new Set(['strip', 'lstrip', 'rstrip']);

/** Reads a URL argument into segments, following locals, constants and simple helpers. */
export function readUrlValue(
  node: Node | undefined,
  language: ScanLanguage,
  text: string,
  root: Node,
  shared?: SharedValues,
): UrlSegment[] {
  const segments = resolve(node, language, text, root, 0, shared);
  return language === 'go' ? joinRelativeToBase(segments) : segments;
}
function resolve(
  node: Node | undefined,
  language: ScanLanguage,
  text: string,
  root: Node,
  depth: number,
  shared?: SharedValues,
): UrlSegment[] {
  if (node === undefined) return [];
  const inner = unwrapExpression(node);
  const read = (next: Node) => resolve(next, language, text, root, depth + 1, shared);
  const same = (next: Node) => resolve(next, language, text, root, depth, shared);
  const js =
    isJsLanguage(language) && depth < MAX_DEPTH ? readJsUrlExpression(inner, text, read, same) : undefined;
  const table =
    language === 'python' && depth < MAX_DEPTH
      ? readPathTableUse(resolve, inner, text, root, depth, shared)
      : undefined;
  const helper =
    readRouteDescriptorUse(inner, language, text, shared) ??
    js ??
    (table === undefined ? undefined : splitPlaceholders(table)) ??
    (language === 'python' && depth < MAX_DEPTH ? readMethodHelper(inner, text, read, shared) : undefined) ??
    (language === 'python' ? readFieldFormat(inner, text, shared) : undefined) ??
    (language === 'python' && depth < MAX_DEPTH ? readPythonListJoin(inner, text, read) : undefined) ??
    (language === 'go' && depth < MAX_DEPTH
      ? readGoPackageBuilderCall(inner, text, shared, read)
      : undefined) ??
    readSharedHelper(inner, language, text, root, depth, shared) ??
    readHelperPath(inner, language, text, root, depth, shared) ??
    (language === 'go' && depth < MAX_DEPTH ? readGoCall(inner, text, root, depth, shared) : undefined) ??
    (language === 'go' && depth < MAX_DEPTH && shared !== undefined
      ? readGoConcatenatedCalls(inner, text, read)
      : undefined);
  const segments = helper ?? readLanguageUrl(inner, language, text);
  const out: UrlSegment[] = [];
  for (const [at, segment] of segments.entries()) {
    const field =
      segment.kind === 'expr' ? readFieldConstant(segment.source, inner, language, text, shared) : undefined;
    if (field !== undefined) {
      push(out, { kind: 'literal', text: field });
      continue;
    }
    // Go: `o.prefix` its constructor builds from constants and its parameters (go-field-templates.ts).
    const template =
      segment.kind === 'expr' && language === 'go'
        ? readGoFieldTemplate(segment.source, inner, text, shared)
        : undefined;
    if (template !== undefined) {
      for (const r of template) push(out, { ...r });
      continue;
    }
    const packaged =
      segment.kind === 'expr' && language === 'go'
        ? readGoPackageConstant(segment.source, inner, text, shared)
        : undefined;
    if (packaged !== undefined) {
      for (const r of packaged) push(out, { ...r });
      continue;
    }
    // `Shelves.RESOURCE`: a class's static string member (static-members.ts).
    const statik =
      segment.kind === 'expr' && depth < MAX_DEPTH
        ? readStaticMember(segment.source, inner, language, text, read, shared)
        : undefined;
    if (statik !== undefined) {
      for (const r of statik) push(out, r);
      continue;
    }
    // `this.#prefixUrl` set once to `${options.baseUrl ?? DEFAULT}/v1/`: the path it writes.
    const kept =
      segment.kind === 'expr' && depth < MAX_DEPTH
        ? readKeptBaseTemplate(segment.source, inner, language, text)
        : undefined;
    const keptPath = kept === undefined ? undefined : resolve(kept, language, text, root, depth + 1, shared);
    if (keptPath?.some((s) => s.kind === 'literal' && s.text.includes('/'))) {
      for (const r of keptPath) push(out, r);
      continue;
    }
    // `${this.url}/${id}` where the class sets `url` once, or returns it from a getter, as a
    // template over a setting (js-class-members.ts): that template, when it writes a path.
    const jsMember =
      segment.kind === 'expr' && isJsLanguage(language) && depth < MAX_DEPTH
        ? readJsMemberPath(segment.source, inner, text, (value) =>
            resolve(value, language, text, root, depth + 1, shared),
          )
        : undefined;
    if (jsMember !== undefined) {
      for (const r of jsMember) push(out, r);
      continue;
    }
    // `self.path` that a base class builds from the subclass's `_path` (python-class-members.ts);
    // `this.basePath` a base takes from `super('/vessels')` (js-inherited-members.ts).
    const member =
      segment.kind !== 'expr'
        ? undefined
        : language === 'python'
          ? readClassMember(segment.source, inner, text, shared, at > 0)
          : isJsLanguage(language)
            ? readJsInheritedMember(segment.source, inner, text, shared)
            : undefined;
    if (member !== undefined) {
      for (const r of member) push(out, r);
      continue;
    }
    // `routes.URL_USERS` handed on as it is: the module's path constant, its `{name}` placeholders
    // the run-time parts a helper's `.format(**params)` fills further on.
    const constant =
      segment.kind === 'expr' && language === 'python'
        ? readModuleConstant(inner, segment.source, text, root, shared)
        : undefined;
    if (constant !== undefined) {
      for (const r of splitPlaceholders(constant)) push(out, r);
      continue;
    }
    if (segment.kind === 'expr' && IDENTIFIER.test(segment.source) && depth < MAX_DEPTH) {
      // A parameter of a function around the use is the caller's value: a module constant or
      // another module's constant of the same name is not it (a local assigned to it above is).
      const parameter = isParameterAt(inner, segment.source, text);
      let value = readNameValue(segment.source, inner, language, text, root, true);
      if (parameter && value !== undefined && findScope(value, language) === undefined) value = undefined;
      if (value !== undefined) {
        const resolved = resolve(value, language, text, root, depth + 1, shared);
        if (language === 'go')
          for (const appended of readGoAppends(segment.source, value, inner, text)) {
            for (const r of resolve(appended, language, text, root, depth + 1, shared)) resolved.push(r);
          }
        if (resolved.length > 0 && resolved.some((s) => s.kind === 'literal')) {
          for (const r of resolved) push(out, r);
          continue;
        }
      }
      // `const { url } = await this.buildUrl(...)`: what the helper returns under that key.
      const destructured =
        value === undefined && !parameter && isJsLanguage(language)
          ? findDestructuredSource(segment.source, inner, text, root)
          : undefined;
      if (destructured !== undefined) {
        const resolved = substituteParams(read(destructured.value), destructured, read);
        if (resolved.some((s) => s.kind === 'literal')) {
          for (const r of resolved) push(out, r);
          continue;
        }
      }
      // A constant another module shares (imported, so not assigned in this file).
      const constant = value === undefined && !parameter ? shared?.constants.get(segment.source) : undefined;
      if (constant != null) {
        for (const r of constant) push(out, r);
        continue;
      }
    }
    push(out, segment);
  }
  return out;
}

// `get_api_url(f"{TASKS_PATH}/{id}")` where another module defines `get_api_url` as a URL helper:
// its URL with the argument's value in place of its parameter.
function readSharedHelper(
  node: Node,
  language: ScanLanguage,
  text: string,
  root: Node,
  depth: number,
  shared: SharedValues | undefined,
): UrlSegment[] | undefined {
  const callType = language === 'python' ? 'call' : 'call_expression';
  if (shared === undefined || node.type !== callType || depth >= MAX_DEPTH) return undefined;
  const callee = node.childForFieldName('function');
  if (callee?.type !== 'identifier') return undefined;
  const helper = shared.helpers.get(sliceNode(text, callee));
  const args = (node.childForFieldName('arguments')?.namedChildren ?? []).filter(
    (c): c is Node => c !== null && c.type !== 'comment' && c.type !== 'keyword_argument',
  );
  const first = args[0];
  if (helper == null || first === undefined) return undefined;
  // A Python join helper (`build_url(self.endpoint, "/items")`): its two parts, one `/` between.
  if (helper.joinsPath === true && args[1] !== undefined)
    return joinParts(args.slice(0, 2).map((arg) => resolve(arg, language, text, root, depth + 1, shared)));
  // A Go builder of several parameters (`RouteBoardCard(board, card)`): each argument in its place.
  if (helper.params !== undefined && helper.format !== true)
    return substituteArguments(helper, args, (arg) => resolve(arg, language, text, root, depth + 1, shared));
  const argument = resolve(first, language, text, root, depth + 1, shared);
  if (helper.prefixMap === true) {
    const prefixed = readPrefixMapCall(node, argument, text);
    return prefixed === undefined ? undefined : mergeSegments(prefixed);
  }
  if (helper.format === true) {
    const rest = (node.childForFieldName('arguments')?.namedChildren ?? []).filter(
      (c): c is Node => c !== null && c.type !== 'comment' && c.id !== first.id,
    );
    // A format helper (`formatAPIPath("users/%s", id)`): its verbs filled in as `fmt.Sprintf`'s.
    const [format, ...more] = argument;
    if (format?.kind !== 'literal' || more.length > 0) return undefined;
    const filled = expandFormat(format.text, rest, text);
    return helper.url.flatMap((segment) =>
      segment.kind === 'expr' && segment.source === helper.param ? filled : [segment],
    );
  }
  const out: UrlSegment[] = [];
  for (const segment of helper.url) {
    if (segment.kind === 'expr' && segment.source === helper.param) for (const a of argument) push(out, a);
    else push(out, segment);
  }
  return out;
}

// Go: `u.String()` on a `url.URL` literal or on a builder the function writes, a join of a slice's items, or a call of a path function
// of the same file.
function readGoCall(
  node: Node,
  text: string,
  root: Node,
  depth: number,
  shared: SharedValues | undefined,
): UrlSegment[] | undefined {
  const readName = (name: string, use: Node) => readNameValue(name, use, 'go', text, root);
  const read = (arg: Node) => resolve(arg, 'go', text, root, depth + 1, shared);
  return (
    readGoBuilderString(node, text, read) ??
    readGoUrlStruct(node, text, readName, read) ??
    readGoListJoin(node, text, read, readName) ??
    readPathFunctionCall(node, text, root, read, readName)
  );
}

function readLanguageUrl(node: Node, language: ScanLanguage, text: string): UrlSegment[] {
  if (isJsLanguage(language)) {
    // path`/files/${id}`: a tagged template's text is the URL.
    if (node.type === 'call_expression') {
      const args = node.childForFieldName('arguments');
      if (args?.type === 'template_string') return readLiteral(args, text)?.segments ?? [];
    }
    return readUrlTemplate(node, text).segments;
  }
  if (language === 'python') return readPythonUrl(node, text).segments;
  return readGoUrl(node, text).segments;
}

// `fmt("/a/{x}", x=...)`, `"/a/{x}".format(...)`, `addOptions(basePath, opt)`: the path the helper
// fills in, with `{name}` placeholders read as expressions.
function readHelperPath(
  node: Node,
  language: ScanLanguage,
  text: string,
  root: Node,
  depth: number,
  shared?: SharedValues,
): UrlSegment[] | undefined {
  const callType = language === 'python' ? 'call' : 'call_expression';
  if (node.type !== callType || depth >= MAX_DEPTH) return undefined;
  const callee = node.childForFieldName('function');
  const args = node.childForFieldName('arguments');
  if (callee === null || args === null || args.type === 'template_string') return undefined;
  if (language === 'go' && sliceNode(text, callee) === 'fmt.Sprintf')
    return readSprintfValue(
      node,
      text,
      root,
      (next) => resolve(next, 'go', text, root, depth + 1, shared),
      (name, use) => readNameValue(name, use, 'go', text, root),
    );
  // `path.lstrip("/")`: the path itself, its edge slashes the join around it puts back.
  if (
    language === 'python' &&
    callee.type === 'attribute' &&
    PYTHON_STRIPS.has(sliceNode(text, callee.childForFieldName('attribute') ?? callee))
  ) {
    const object = callee.childForFieldName('object');
    return object == null ? undefined : resolve(object, language, text, root, depth + 1, shared);
  }
  if (
    language === 'python' &&
    callee.type === 'attribute' &&
    sliceNode(text, callee.childForFieldName('attribute') ?? callee) === 'format'
  ) {
    const object = callee.childForFieldName('object');
    if (object?.type === 'string') return splitPlaceholders(readPythonUrl(object, text).segments);
    const template =
      object == null ? undefined : readTemplateConstant(resolve, object, text, root, depth, shared);
    if (template !== undefined) return splitPlaceholders(template);
  }
  // url-join's `urljoin('/v3/domains', domain, 'ips')`, Python's `urljoin(base, path)`, Go's
  // `path.Join(a, b)`: every part, one `/` between each.
  const name = sliceNode(text, callee);
  const joined = isJsLanguage(language)
    ? URL_JOIN.test(name)
    : (language === 'python' ? PYTHON_URL_JOIN : GO_URL_JOIN).test(name);
  if (joined) {
    const parts = args.namedChildren.filter(
      (c): c is Node => c !== null && c.type !== 'comment' && c.type !== 'keyword_argument',
    );
    // `path.Join(segs...)`: a slice's items, read by readGoCall.
    if (parts.at(-1)?.type === 'variadic_argument') return undefined;
    const read = language === 'python' ? parts.slice(0, 2) : parts;
    return joinParts(read.map((part) => resolve(part, language, text, root, depth + 1, shared)));
  }
  const first = args.namedChildren.find(
    (c) => c !== null && c.type !== 'comment' && c.type !== 'keyword_argument',
  );
  if (first === undefined || first === null) return undefined;
  const value = resolve(first, language, text, root, depth + 1, shared);
  const head = value[0];
  if (head?.kind !== 'literal' || !head.text.includes('/')) return undefined;
  return language === 'python' ? splitPlaceholders(value) : value;
}
/** Joins URL parts with one `/` between each, as `path.Join` and url-join do. */
export function joinParts(parts: readonly UrlSegment[][]): UrlSegment[] {
  const out: UrlSegment[] = [];
  for (const part of parts) {
    const segments = part.map((segment) => ({ ...segment }));
    const last = out[out.length - 1];
    const head = segments[0];
    if (last !== undefined) {
      if (last.kind === 'literal') last.text = last.text.replace(/\/+$/, '');
      if (head?.kind === 'literal') head.text = head.text.replace(/^\/+/, '');
      push(out, { kind: 'literal', text: '/' });
    }
    for (const segment of segments) if (segment.kind !== 'literal' || segment.text !== '') push(out, segment);
  }
  return out;
}

function splitPlaceholders(segments: UrlSegment[]): UrlSegment[] {
  const out: UrlSegment[] = [];
  for (const segment of segments) {
    if (segment.kind !== 'literal') {
      push(out, segment);
      continue;
    }
    let at = 0;
    for (const match of segment.text.matchAll(PLACEHOLDER)) {
      const index = match.index ?? 0;
      if (index > at) push(out, { kind: 'literal', text: segment.text.slice(at, index) });
      push(out, { kind: 'expr', source: match[1] ?? '' });
      at = index + match[0].length;
    }
    if (at < segment.text.length) push(out, { kind: 'literal', text: segment.text.slice(at) });
  }
  return out;
}
/** Joins neighbouring literal pieces of a URL. */
export function mergeSegments(segments: readonly UrlSegment[]): UrlSegment[] {
  const out: UrlSegment[] = [];
  for (const segment of segments) push(out, segment);
  return out;
}

function push(segments: UrlSegment[], segment: UrlSegment): void {
  const last = segments[segments.length - 1];
  if (segment.kind === 'literal' && last?.kind === 'literal') last.text += segment.text;
  else segments.push({ ...segment });
}
