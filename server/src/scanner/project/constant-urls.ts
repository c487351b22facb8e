/**
 * A recognised call whose whole URL is one name bound to a module-level string constant
 * (`const eventEndpoint = "https://events.example.com/v1/enqueue"`, then
 * `http.NewRequest("POST", eventEndpoint, body)`) reads as that constant's value. Only a value that
 * is all text and looks like a URL or a path counts, and only where no enclosing function declares
 * the name itself (a parameter, a local, a loop variable), so a name that may hold anything else at
 * the call keeps its expression. Go's `u.String()` on a local built as a `url.URL` or parsed from a
 * written reference (`u, err := base.Parse("/api/v2/audit")`) reads as that URL (go-url-struct.ts),
 * and a call of the file's URL builder (`c.adminURL(realm, "users")`) as the URL it returns
 * (path-functions.ts). In JavaScript, a URL builder of any class called with a path written at the
 * call (`new EventSource(this.client.buildURL("/api/stream"))`) reads as that path.
 */

import type { Node } from 'web-tree-sitter';
import type { ScanContext } from '../recognizers/context';
import { joinRelativeToBase } from '../recognizers/go-http';
import { resolveBinding } from '../scopes';
import { sliceNode } from '../syntax';
import type { HttpCall, UrlSegment } from '../types';
import { FUNCTION_TYPES, isParameterAt, readNameValue } from './assigned-values';
import { isJsLanguage } from './code-shape';
import { findOutermostOfTypes } from './function-index';
import { mergeSegments, readUrlValue } from './values';
import { findCallBySource, JOINED_LOCAL } from './wrapper-urls';

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
// `u.String()`, `c.adminURL(realm, "users")`, `joinPath(base, "v1", id)`: a call as the whole URL.
const GO_CALL = /^[A-Za-z_][\w.]*\([\s\S]*\)$/;
// `this.client.buildURL("/api/stream")`: a JS URL builder (named for a URL or path) given a path
// written at the call, as the whole URL.
const JS_BUILDER_CALL = /^[A-Za-z_$][\w$.]*(?:url|uri|path)\(\s*['"`][\s\S]*\)$/i;

// `build_url(self.endpoint, "/items")`: a Python call of a project's URL-joining helper
// (python-join-helpers.ts) as the whole URL of a library's call.
const PYTHON_HELPER_CALL = /^([A-Za-z_]\w*)\([\s\S]*\)$/;

/** Replaces the URL of each recognised call that is one module-level URL constant by its value. */
export function readConstantUrls(context: ScanContext, calls: readonly HttpCall[]): void {
  // Reading the enclosing functions' text costs at most a few times the file, whatever the input.
  let budget = 4 * context.text.length + 100_000;
  const checked = new Map<string, boolean>();
  for (const call of calls) {
    if (call.origin !== undefined && call.origin !== 'recognised') continue;
    const [only] = call.url.segments;
    if (
      only?.kind === 'expr' &&
      (context.language === 'go'
        ? GO_CALL.test(only.source)
        : isJsLanguage(context.language) && JS_BUILDER_CALL.test(only.source))
    ) {
      readCallUrl(context, call);
      continue;
    }
    if (
      context.language === 'go' &&
      only?.kind === 'expr' &&
      call.url.segments.length === 1 &&
      JOINED_LOCAL.test(only.source)
    ) {
      readJoinedUrl(context, call, only.source);
      continue;
    }
    if (context.language === 'python' && only?.kind === 'expr' && call.url.segments.length === 1) {
      const helper = PYTHON_HELPER_CALL.exec(only.source)?.[1];
      if (helper !== undefined && context.project.shared?.helpers.get(helper)?.joinsPath === true) {
        readJoinHelperUrl(context, call, helper);
        continue;
      }
    }
    if (isJsLanguage(context.language) && only?.kind === 'expr' && call.url.segments.length > 1) {
      readSharedBase(context, call, only.source);
      continue;
    }
    if (call.url.segments.length !== 1 || only?.kind !== 'expr' || !IDENTIFIER.test(only.source)) continue;
    const name = only.source;
    const use = context.root.descendantForIndex(call.location.start.offset, call.location.end.offset);
    if (use === null) continue;
    const outermost = findOutermostFunction(use);
    const key = `${outermost?.id ?? -1}:${name}`;
    let free = checked.get(key);
    if (free === undefined) {
      budget -= outermost === undefined ? 0 : outermost.endIndex - outermost.startIndex;
      if (budget < 0) return;
      free = outermost === undefined || !declaresName(context, outermost, name);
      checked.set(key, free);
    }
    if (!free) continue;
    const value = readNameValue(name, use, context.language, context.text, context.root);
    if (value === undefined || findOutermostFunction(value) !== undefined) continue;
    const segments = readUrlValue(value, context.language, context.text, context.root);
    if (segments.length !== 1 || segments[0]?.kind !== 'literal') continue;
    const url = segments[0].text;
    if (!url.startsWith('/') && !/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) continue;
    call.url = { source: url, segments: [{ kind: 'literal', text: url }], known: true };
  }
}

/**
 * A JS/TS call whose whole URL is a local `const` of the function around it (`const url =
 * \`${base}/api/items/${id}\`` above `fetch(url)`): the value it was declared with, when that reads
 * as a path or a URL. Run after the file's wrappers are read, so a wrapper's call still names the
 * local its parameter flows through; a `let` or `var`, which may be reassigned, is not read.
 */
export function readLocalConstantUrls(context: ScanContext, calls: readonly HttpCall[]): void {
  if (!isJsLanguage(context.language)) return;
  for (const call of calls) {
    if (call.origin !== undefined && call.origin !== 'recognised') continue;
    const [only] = call.url.segments;
    if (call.url.segments.length !== 1 || only?.kind !== 'expr' || !IDENTIFIER.test(only.source)) continue;
    const node = context.root.descendantForIndex(call.location.start.offset, call.location.end.offset);
    const first = node?.childForFieldName('arguments')?.namedChildren.find((c) => c?.type !== 'comment');
    if (first == null || first.type !== 'identifier' || sliceNode(context.text, first) !== only.source)
      continue;
    const binding = resolveBinding(context.findBindings(only.source), first);
    if (binding?.kind !== 'const' || binding.destructured === true || binding.initializer === undefined)
      continue;
    const segments = readUrlValue(
      binding.initializer,
      context.language,
      context.text,
      context.root,
      context.project.shared,
    );
    if (!isPathReading(segments)) continue;
    const source = segments.map((s) => (s.kind === 'literal' ? s.text : `{${s.source}}`)).join('');
    call.url = { source, segments, known: true };
  }
}

// A path or URL: text from a `/` or a scheme on, maybe after one base expression (`${base}/api/x`).
function isPathReading(segments: readonly UrlSegment[]): boolean {
  const [first, second] = segments;
  const lead = first?.kind === 'expr' ? second : first;
  if (lead?.kind !== 'literal') return false;
  return (
    (lead.text.startsWith('/') && /[A-Za-z]/.test(lead.text)) || /^[a-z][a-z0-9+.-]*:\/\/./i.test(lead.text)
  );
}

// JS: \`${UPDATES_URL}?v=${current}\` where `UPDATES_URL` is a URL constant another module shares
// (imported; this file neither declares nor assigns it): the URL starts with that constant's text.
function readSharedBase(context: ScanContext, call: HttpCall, name: string): void {
  const shared = context.project.shared?.constants.get(name);
  const [value, ...more] = shared ?? [];
  if (!IDENTIFIER.test(name) || value?.kind !== 'literal' || more.length > 0) return;
  if (!value.text.startsWith('/') && !/^[a-z][a-z0-9+.-]*:\/\//i.test(value.text)) return;
  const use = context.root.descendantForIndex(call.location.start.offset, call.location.end.offset);
  if (use === null || isParameterAt(use, name, context.text)) return;
  if (readNameValue(name, use, context.language, context.text, context.root) !== undefined) return;
  const segments = mergeSegments([{ kind: 'literal', text: value.text }, ...call.url.segments.slice(1)]);
  const source = segments.map((s) => (s.kind === 'literal' ? s.text : `{${s.source}}`)).join('');
  call.url = { source, segments, known: true };
}

// `u.String()` as the call's whole URL: the URL the local `u` was built or parsed from, when it
// writes some text (a path, or a base and a path). Any other call the same way: a path function or
// URL builder of the file (`c.adminURL(realm, "users", id)`, a variadic join of segments), read
// with the arguments in its parameters' places; in JS, a URL builder given a written path.
function readCallUrl(context: ScanContext, call: HttpCall): void {
  if (call.url.segments.length !== 1) return;
  const use = context.root.descendantForIndex(call.location.start.offset, call.location.end.offset);
  const node = use === null ? undefined : findCallBySource(use, call.url.source, context.text);
  if (node === undefined) return;
  const segments = readUrlValue(node, context.language, context.text, context.root);
  if (!segments.some((s) => s.kind === 'literal' && /[^/]/.test(s.text))) return;
  const source = segments.map((s) => (s.kind === 'literal' ? s.text : `{${s.source}}`)).join('');
  call.url = { source, segments, known: true };
}

// Go's `apiRoot(repo.Host()) + path` written at the call, `path` a local holding the written path
// (`path := fmt.Sprintf("repos/%s/%s/topics", ...)`): the base, then the local's URL, as the same
// join assigned to a local reads. A name that reads as no written path (a parameter, a field) leaves
// the call as it was.
function readJoinedUrl(context: ScanContext, call: HttpCall, source: string): void {
  const use = context.root.descendantForIndex(call.location.start.offset, call.location.end.offset);
  const joined = use
    ?.childForFieldName('arguments')
    ?.namedChildren.find(
      (arg) => arg?.type === 'binary_expression' && sliceNode(context.text, arg) === source,
    );
  const left = joined?.childForFieldName('left');
  const right = joined?.childForFieldName('right');
  if (left == null || right == null || right.type !== 'identifier') return;
  const path = readUrlValue(right, context.language, context.text, context.root);
  const [head] = path;
  if (head?.kind !== 'literal' || !/^\/?[A-Za-z]/.test(head.text)) return;
  const base = readUrlValue(left, context.language, context.text, context.root);
  const segments = joinRelativeToBase(mergeSegments([...base, ...path]));
  const text = segments.map((s) => (s.kind === 'literal' ? s.text : `{${s.source}}`)).join('');
  call.url = { source: text, segments, known: true };
}

// Python: the call's argument that calls the join helper `helper`, read with the shared values.
function readJoinHelperUrl(context: ScanContext, call: HttpCall, helper: string): void {
  const use = context.root.descendantForIndex(call.location.start.offset, call.location.end.offset);
  const args = use?.type === 'call' ? use.childForFieldName('arguments') : null;
  const node = args?.namedChildren
    .map((arg) => (arg?.type === 'keyword_argument' ? arg.childForFieldName('value') : arg))
    .find(
      (arg) =>
        arg?.type === 'call' && sliceNode(context.text, arg.childForFieldName('function') ?? arg) === helper,
    );
  if (node == null) return;
  const segments = readUrlValue(node, context.language, context.text, context.root, context.project.shared);
  if (!segments.some((s) => s.kind === 'literal' && /[^/]/.test(s.text))) return;
  const source = segments.map((s) => (s.kind === 'literal' ? s.text : `{${s.source}}`)).join('');
  call.url = { source, segments, known: true };
}

// From the tree's function index: climbing the parents costs the depth at each step (a search from
// the root), quadratic in a deeply nested expression.
function findOutermostFunction(node: Node): Node | undefined {
  const indexed = findOutermostOfTypes(node, FUNCTION_TYPE_LIST);
  if (indexed !== null) return indexed;
  let found: Node | undefined;
  for (let current: Node | null = node; current !== null; current = current.parent)
    if (FUNCTION_TYPES.has(current.type)) found = current;
  return found;
}

const FUNCTION_TYPE_LIST = [...FUNCTION_TYPES];

// Whether the function (or one inside it) may bind `name`: as a parameter, an assignment, a loop
// variable or an `as` target. Read from the text, erring towards "yes".
function declaresName(context: ScanContext, fn: Node, name: string): boolean {
  const escaped = name.replace(/\$/g, '\\$');
  const binds = new RegExp(
    `\\b${escaped}\\b[\\w\\s,]{0,200}(?::=|=(?!=)|\\s(?:in|of)\\s)|\\bas\\s+${escaped}\\b|\\b(?:var|let|const)\\s+${escaped}\\b`,
  );
  const text = context.text.slice(fn.startIndex, fn.endIndex);
  if (binds.test(text)) return true;
  // Parameters: anywhere in a parameter list of the function or one inside it.
  const word = new RegExp(`(?<![\\w$])${escaped}(?![\\w$])`);
  const lists = fn.descendantsOfType(['formal_parameters', 'parameters', 'parameter_list']);
  if (fn.type === 'arrow_function' || isJsLanguage(context.language)) {
    for (const arrow of [fn, ...fn.descendantsOfType('arrow_function')]) {
      const single = arrow?.childForFieldName('parameter');
      if (
        single !== null &&
        single !== undefined &&
        context.text.slice(single.startIndex, single.endIndex) === name
      )
        return true;
    }
  }
  return lists.some((list) => list !== null && word.test(context.text.slice(list.startIndex, list.endIndex)));
}
