/**
 * Links of a JavaScript/TypeScript sender that reach the request through a chain: a request object
 * taken apart in the body (`const { url, method } = args` above `this.#fetch(url.toString(), ...)`),
 * and a request handed to a callback by a retry loop or wrapper of the same file
 * (`this.withRetry({ url, method }, (r) => this.sendOnce(r))`, where `withRetry(req, run)` calls
 * `run(...)` with what it took from `req`).
 */

import type { Node } from 'web-tree-sitter';
import { sliceNode, unwrapExpression } from '../syntax';
import type { ScanLanguage, UrlSegment } from '../types';
import { type FunctionShape, findEnclosingFunction } from './code-shape';

// The URL used as it is, or as text: `url`, `url.toString()`, `url.href`, `String(url)`.
const URL_USE = /^(?:String\(\s*([A-Za-z_$][\w$]*)\s*\)|([A-Za-z_$][\w$]*)(?:\.toString\(\)|\.href)?)$/;

/**
 * `const { url, method } = args` (also `{ url: target }`) in `fn`'s body, `args` one of its
 * parameters: the parameter's index and the key `source` (the URL expression) was taken from.
 */
export function readTakenApartKey(
  fn: FunctionShape,
  source: string,
  text: string,
): { index: number; key: string } | undefined {
  const match = URL_USE.exec(source.trim());
  const local = match?.[1] ?? match?.[2];
  if (local === undefined || fn.params.includes(local) || fn.keys?.has(local)) return undefined;
  let found: { index: number; key: string } | undefined;
  for (const declarator of fn.node.descendantsOfType('variable_declarator')) {
    const pattern = declarator?.childForFieldName('name');
    const value = declarator?.childForFieldName('value');
    if (pattern?.type !== 'object_pattern' || value?.type !== 'identifier') continue;
    const index = fn.params.indexOf(sliceNode(text, value));
    if (index < 0) continue;
    for (const child of pattern.namedChildren) {
      const bound = readBinding(child, text);
      if (bound?.local !== local) continue;
      // Bound twice from different parameters or keys: not one request's part.
      if (found !== undefined && (found.index !== index || found.key !== bound.key)) return undefined;
      found = { index, key: bound.key };
    }
  }
  return found === undefined || isReassigned(fn.node, local, text) ? undefined : found;
}

// `url`, `url: target`, `url = fallback` in an object pattern: the key and the local it binds.
function readBinding(child: Node | null, text: string): { key: string; local: string } | undefined {
  if (child === null) return undefined;
  if (child.type === 'shorthand_property_identifier_pattern') {
    const word = sliceNode(text, child);
    return { key: word, local: word };
  }
  if (child.type === 'object_assignment_pattern') {
    const left = child.childForFieldName('left');
    return left === null ? undefined : readBinding(left, text);
  }
  if (child.type === 'pair_pattern') {
    const key = child.childForFieldName('key');
    const value = child.childForFieldName('value');
    if (key === null || value === null) return undefined;
    const local = value.type === 'object_assignment_pattern' ? value.childForFieldName('left') : value;
    return local?.type === 'identifier'
      ? { key: sliceNode(text, key), local: sliceNode(text, local) }
      : undefined;
  }
  return undefined;
}

// `url = other` anywhere in the function: the local is not only what the request held.
function isReassigned(fn: Node, local: string, text: string): boolean {
  return fn.descendantsOfType('assignment_expression').some((a) => {
    const left = a?.childForFieldName('left');
    return left?.type === 'identifier' && sliceNode(text, left) === local;
  });
}

/**
 * `(r) => this.sendOnce(r)` handed to `this.withRetry(request, ...)`: when `holder` (an argument of
 * a call) is the one parameter of an arrow function that is an argument of another call, and that
 * call's callee, a function of the same file, calls the parameter in the arrow's place, the request
 * the arrow is handed is that call's argument in the place of the callee's parameter the call takes
 * its arguments from (`run({ url, method })` after `const { url, method } = req`, or `run(req)`).
 */
export function readCallbackRequest(holder: Node, text: string, root: Node): Node | undefined {
  if (holder.type !== 'identifier') return undefined;
  const name = sliceNode(text, holder);
  // The arrow around the call whose one parameter is `name`.
  let arrow: Node | null = holder.parent;
  while (arrow !== null && arrow.type !== 'arrow_function') {
    if (arrow.type === 'function_declaration' || arrow.type === 'method_definition') return undefined;
    arrow = arrow.parent;
  }
  if (arrow === null || readArrowParams(arrow, text).join() !== name) return undefined;
  const outerArgs = arrow.parent;
  const outer = outerArgs?.parent;
  if (outerArgs?.type !== 'arguments' || outer?.type !== 'call_expression') return undefined;
  const args = outerArgs.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
  const at = args.findIndex((a) => a.id === arrow.id);
  // `await this.withRetry<T>(...)` parses as a call of `await this.withRetry` (tree-sitter's reading
  // of a generic call after `await`).
  let callee = outer.childForFieldName('function');
  if (callee?.type === 'await_expression') callee = callee.firstNamedChild;
  const calleeName =
    callee?.type === 'identifier'
      ? sliceNode(text, callee)
      : callee?.type === 'member_expression'
        ? sliceNode(text, callee.childForFieldName('property') ?? callee)
        : undefined;
  if (calleeName === undefined) return undefined;
  const target = findFunction(root, calleeName, text);
  if (target === undefined) return undefined;
  const params = readFunctionParams(target, text);
  const callback = params[at];
  if (callback === undefined || callback === '') return undefined;
  // The callee's parameter the callback is called with, or whose parts it is called with.
  for (const call of target.descendantsOfType('call_expression')) {
    const fnNode = call?.childForFieldName('function');
    if (call == null || fnNode?.type !== 'identifier' || sliceNode(text, fnNode) !== callback) continue;
    const handed = call.childForFieldName('arguments')?.namedChildren.find((c) => c !== null) ?? null;
    if (handed === null) continue;
    const from = handedParam(target, handed, params, text);
    if (from !== undefined && from !== at) return args[from];
  }
  return undefined;
}

// `run(req)`, `run({ ...req })`, `run({ url, method })` after `const { url, method } = req`: the index of `req`.
function handedParam(fn: Node, handed: Node, params: string[], text: string): number | undefined {
  const inner = unwrapExpression(handed);
  if (inner.type === 'identifier') {
    const index = params.indexOf(sliceNode(text, inner));
    return index >= 0 ? index : undefined;
  }
  if (inner.type !== 'object') return undefined;
  for (const property of inner.namedChildren) {
    if (property?.type === 'spread_element') {
      const spread = property.namedChildren[0];
      const index = spread == null ? -1 : params.indexOf(sliceNode(text, spread));
      if (index >= 0) return index;
    }
  }
  const shape: FunctionShape = { node: fn, name: '', params, selfNames: ['this'], line: 0 };
  for (const property of inner.namedChildren) {
    const word =
      property?.type === 'shorthand_property_identifier'
        ? sliceNode(text, property)
        : property?.type === 'pair'
          ? sliceNode(text, property.childForFieldName('value') ?? property)
          : undefined;
    const taken = word === undefined ? undefined : readTakenApartKey(shape, word, text);
    if (taken !== undefined) return taken.index;
  }
  return undefined;
}

function readArrowParams(arrow: Node, text: string): string[] {
  const single = arrow.childForFieldName('parameter');
  if (single !== null) return [sliceNode(text, single)];
  return readFunctionParams(arrow, text);
}

// Parameter names in order, '' for a pattern.
function readFunctionParams(fn: Node, text: string): string[] {
  const list = fn.childForFieldName('parameters');
  return (list?.namedChildren ?? [])
    .filter((p): p is Node => p !== null && p.type !== 'comment')
    .map((p) => {
      const pattern = p.childForFieldName('pattern') ?? p;
      return pattern.type === 'identifier' ? sliceNode(text, pattern) : '';
    });
}

// The one method or function of the file so named; none when several are.
function findFunction(root: Node, name: string, text: string): Node | undefined {
  let found: Node | undefined;
  for (const node of root.descendantsOfType(['method_definition', 'function_declaration'])) {
    const id = node?.childForFieldName('name');
    if (node == null || id == null || sliceNode(text, id) !== name) continue;
    if (found !== undefined) return undefined;
    found = node;
  }
  return found;
}

/**
 * Whether a URL handed on at `call` is built only on what the function around the call took apart
 * from its own request parameter (`const { path } = args` then `url = this.buildUrl(path)`): the
 * function hands its caller's request on, so it is a wrapper in turn.
 */
export function carriesTakenApartKey(
  call: Node,
  segments: readonly UrlSegment[],
  language: ScanLanguage,
  text: string,
): boolean {
  const fn = findEnclosingFunction(call, language, text);
  if (fn === undefined) return false;
  return segments.some((s) => s.kind === 'expr' && readTakenApartKey(fn, s.source, text) !== undefined);
}

/**
 * The function around a callback that a retry loop or wrapper of the same file runs with the
 * request it was handed (`return this.withRetry({ url, method }, (r) => this.sendOnce(r))`): the
 * call in the callback is that function's, whatever the helper's result becomes.
 */
export function findCallbackRunner(
  node: Node,
  language: ScanLanguage,
  text: string,
  root: Node,
): FunctionShape | undefined {
  let arrow = node.parent;
  while (arrow !== null && arrow.type !== 'arrow_function') {
    if (arrow.type === 'function_declaration' || arrow.type === 'method_definition') return undefined;
    arrow = arrow.parent;
  }
  const param = arrow === null ? undefined : readArrowParams(arrow, text);
  const first = node.childForFieldName('arguments')?.namedChildren.find((c) => c !== null) ?? undefined;
  if (
    arrow === null ||
    param?.length !== 1 ||
    first?.type !== 'identifier' ||
    sliceNode(text, first) !== param[0]
  )
    return undefined;
  if (readCallbackRequest(first, text, root) === undefined) return undefined;
  return findEnclosingFunction(arrow, language, text);
}
