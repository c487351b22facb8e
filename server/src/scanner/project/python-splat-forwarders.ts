/**
 * Python wrappers whose path is their `*args`: `def request(self, *parts, **kwargs)` joining the
 * parts with `"/".join((self.PREFIX, *parts))` (in the call, in a local, or through a method of
 * the class that does the join, `self._path(self.PREFIX, *parts)`), the method a keyword the
 * caller writes (`kwargs.get("method")`, `kwargs.pop("verb", "GET")`, or a keyword-only
 * `method="get"` after the splat). Each caller's positional arguments are the path's parts, its
 * `method=` the verb: `self.request("jobs", job_id, method="post")`.
 *
 * Class attributes of the caller's class the wrapper's URL names (`self.PREFIX`, `ENDPOINT =
 * "jobs"` in each subclass) are read where the call is (the caller's `self` is the subclass), and a
 * field the wrapper's class sets in `__init__` from a parameter with a constant default
 * (`self.version = version`, `version="v1"`) is that default. Not read (no wrapper): a splat handed
 * to anything that is not a `join` (a logger's `*args`, a cursor's `execute(sql, *params)`).
 */

import type { Node } from 'web-tree-sitter';
import { readPythonString } from '../python-syntax';
import type { ScanContext } from '../recognizers/context';
import { sliceNode } from '../syntax';
import type { HttpCall, UrlSegment } from '../types';
import { readNameValue } from './assigned-values';
import type { FunctionShape } from './code-shape';
import type { WrapperDefinition } from './types';
import { mergeSegments, readUrlValue } from './values';
import { splitConcatenation } from './wrapper-urls';

const IDENTIFIER = /^[A-Za-z_]\w*$/;
const SELF_FIELD = /^self\.([A-Za-z_]\w*)$/;
// `kwargs.get("method")`, `kwargs.get('verb', 'GET')`, `kwargs.pop("method")`, `kwargs["method"]`.
const KWARG_METHOD =
  /^([A-Za-z_]\w*)(?:\.(?:get|pop)\(\s*["']([A-Za-z_]\w*)["']\s*(?:,\s*["']([A-Za-z]+)["']\s*)?\)|\[\s*["']([A-Za-z_]\w*)["']\s*\])$/;
const METHOD_WORD = /^(?:method|verb|http_?method|_method)$/i;
// How many methods deep a join is followed (`request` -> `_endpoint(...)` -> its return).
const DEPTH = 2;

/**
 * Calls inside a `*args` wrapper: their URL is whole only at the wrapper's call sites, which are
 * the reports (the call inside, which names the splat, is not reported itself).
 */
export const splatInside = new WeakSet<HttpCall>();

/** The `*args` and `**kwargs` a Python function takes, and where the splat stands among its parameters. */
interface Splats {
  rest: string;
  /** Index of the splat in the shape's `params` (those before it are positional). */
  index: number;
  kwargs?: string;
}

function readSplats(fn: FunctionShape, text: string): Splats | undefined {
  let rest: string | undefined;
  let kwargs: string | undefined;
  let before = 0;
  for (const param of fn.node.childForFieldName('parameters')?.namedChildren ?? []) {
    if (param === null || param.type === 'comment') continue;
    if (param.type === 'list_splat_pattern') {
      const name = param.firstNamedChild;
      if (name?.type === 'identifier') rest = sliceNode(text, name);
      continue;
    }
    if (param.type === 'dictionary_splat_pattern') {
      const name = param.firstNamedChild;
      if (name?.type === 'identifier') kwargs = sliceNode(text, name);
      continue;
    }
    if (param.type === 'keyword_separator' || param.type === 'positional_separator') continue;
    if (rest === undefined) before++;
  }
  if (rest === undefined) return undefined;
  return { rest, index: before - fn.selfNames.length, ...(kwargs === undefined ? {} : { kwargs }) };
}

/** The marker a wrapper's URL holds where its `*args` go (`{*parts}`). */
export function restMarker(name: string): string {
  return `*${name}`;
}

/**
 * The wrapper `fn` is when the URL of `call` joins `fn`'s `*args` and its method is a keyword the
 * caller writes (or fixed at the call): see the module comment.
 */
export function readSplatWrapper(
  context: ScanContext,
  call: HttpCall,
  node: Node,
  fn: FunctionShape,
): WrapperDefinition | undefined {
  if (context.language !== 'python') return undefined;
  const splats = readSplats(fn, context.text);
  if (splats === undefined) return undefined;
  const marker = restMarker(splats.rest);
  let found = false;
  const url: UrlSegment[] = [];
  for (const segment of call.url.segments.flatMap(splitConcatenation)) {
    if (segment.kind === 'expr') {
      if (segment.source === marker) {
        found = true;
        url.push(segment);
        continue;
      }
      const value = findValueNode(context, segment.source, node, fn);
      const joined = value === undefined ? undefined : readJoin(context, value, splats.rest, DEPTH);
      if (joined !== undefined) {
        found = true;
        url.push(...joined);
        continue;
      }
    }
    url.push(segment);
  }
  if (!found) return undefined;
  splatInside.add(call);
  const params = [...fn.params];
  params.splice(splats.index, 0, marker);
  let methodParam: number | undefined;
  let methodDefault: string | undefined;
  if (call.method === undefined) {
    const source = call.methodSource ?? readMethodArgument(node, context.text);
    if (source === undefined) return undefined;
    const match = KWARG_METHOD.exec(source);
    if (match !== null && match[1] === splats.kwargs) {
      const key = (match[2] ?? match[4]) as string;
      if (!METHOD_WORD.test(key)) return undefined;
      methodParam = params.indexOf(key);
      if (methodParam < 0) {
        methodParam = params.length;
        params.push(key);
      }
      if (match[3] !== undefined) methodDefault = match[3].toUpperCase();
    } else {
      const index = params.indexOf(source);
      if (index < 0 || !METHOD_WORD.test(source)) return undefined;
      methodParam = index;
      const shapeIndex = fn.params.indexOf(source);
      const fallback = fn.defaults?.get(shapeIndex);
      if (fallback !== undefined && /^[A-Za-z]+$/.test(fallback)) methodDefault = fallback.toUpperCase();
    }
  }
  return {
    kind: 'wrapper',
    language: 'python',
    name: fn.name,
    ...(fn.owner === undefined ? {} : { owner: fn.owner }),
    params,
    ...(call.method === undefined ? {} : { method: call.method }),
    ...(methodParam === undefined ? {} : { methodParam }),
    ...(methodDefault === undefined ? {} : { methodDefault }),
    rest: { index: splats.index, separator: restSeparator(url, marker) },
    url: mergeSegments(url.map((segment) => readInitDefault(context, segment, fn) ?? segment)),
    client: call.client,
    site: { file: context.file, line: fn.line },
    forwards: true,
  };
}

// `session.request(method, url)`: an argument named for a method, written as a name.
function readMethodArgument(node: Node, text: string): string | undefined {
  for (const arg of node.childForFieldName('arguments')?.namedChildren ?? []) {
    const value = arg?.type === 'keyword_argument' ? arg.childForFieldName('value') : arg;
    if (value?.type === 'identifier' && METHOD_WORD.test(sliceNode(text, value)))
      return sliceNode(text, value);
  }
  return undefined;
}

// The separator written before the marker (`/` in `{v}/{*parts}`), else `/`.
function restSeparator(url: readonly UrlSegment[], marker: string): string {
  const at = url.findIndex((s) => s.kind === 'expr' && s.source === marker);
  const before = at > 0 ? url[at - 1] : undefined;
  return before?.kind === 'literal' && before.text.endsWith('/') ? '/' : '/';
}

// The node an expression of the call's URL stands for: a local's value inside `fn`, or the
// expression itself among the call's arguments.
function findValueNode(
  context: ScanContext,
  source: string,
  node: Node,
  fn: FunctionShape,
): Node | undefined {
  const { text } = context;
  if (IDENTIFIER.test(source)) {
    if (fn.params.includes(source)) return undefined;
    const value = readNameValue(source, node, 'python', text, context.root);
    return value !== undefined && value.startIndex >= fn.node.startIndex && value.endIndex <= fn.node.endIndex
      ? value
      : undefined;
  }
  if (!source.includes('join') && !source.includes('(')) return undefined;
  // Inside the call's arguments (`base + "/" + "/".join(parts)` is read part by part).
  return (
    node
      .childForFieldName('arguments')
      ?.descendantsOfType('call')
      .find((value) => value !== null && sliceNode(text, value) === source) ?? undefined
  );
}

/**
 * The URL an expression joins from the splat `rest`: `"/".join(rest)`, `"/".join((a, *rest))`,
 * `prefix + <join>`, a local holding one, or `self.m(a, *rest)` whose method returns one over its own
 * splat. The splat's place is the marker `{*rest}`.
 */
function readJoin(context: ScanContext, value: Node, rest: string, depth: number): UrlSegment[] | undefined {
  const { text } = context;
  if (value.type === 'parenthesized_expression' && value.firstNamedChild !== null)
    return readJoin(context, value.firstNamedChild, rest, depth);
  if (
    value.type === 'binary_operator' &&
    sliceNode(text, value.childForFieldName('operator') ?? value) === '+'
  ) {
    const left = value.childForFieldName('left');
    const right = value.childForFieldName('right');
    if (left === null || right === null) return undefined;
    const l = readJoin(context, left, rest, depth);
    const r = readJoin(context, right, rest, depth);
    if (l === undefined && r === undefined) return undefined;
    if (l !== undefined && r !== undefined) return undefined;
    return [
      ...(l ?? readUrlValue(left, 'python', text, context.root, context.project.shared)),
      ...(r ?? readUrlValue(right, 'python', text, context.root, context.project.shared)),
    ];
  }
  if (value.type === 'identifier') {
    const name = sliceNode(text, value);
    const local = readNameValue(name, value, 'python', text, context.root);
    const fn = enclosingFunction(value);
    if (
      local === undefined ||
      fn === undefined ||
      local.startIndex < fn.startIndex ||
      local.endIndex > fn.endIndex
    )
      return undefined;
    return readJoin(context, local, rest, depth);
  }
  if (value.type !== 'call') return undefined;
  const callee = value.childForFieldName('function');
  const args = value.childForFieldName('arguments');
  if (callee?.type !== 'attribute' || args === null) return undefined;
  const property = sliceNode(text, callee.childForFieldName('attribute') ?? callee);
  const object = callee.childForFieldName('object');
  if (property === 'join' && object !== null) {
    const separator = readPythonString(object, text);
    const [only, ...more] = args.namedChildren;
    if (separator === undefined || only == null || more.length > 0) return undefined;
    return readJoinedParts(context, only, rest, separator);
  }
  // `self._path(self.PREFIX, *parts)`: a method of the same class over its own splat.
  if (depth === 0 || object === null || sliceNode(text, object) !== 'self') return undefined;
  const method = findOwnMethod(value, property, text);
  if (method === undefined) return undefined;
  return readMethodJoin(context, method, args, rest, depth - 1);
}

// The parts of a join's argument: the splat itself, or a tuple/list of parts ending with it.
function readJoinedParts(
  context: ScanContext,
  parts: Node,
  rest: string,
  separator: string,
): UrlSegment[] | undefined {
  const { text } = context;
  const marker: UrlSegment = { kind: 'expr', source: restMarker(rest) };
  if (parts.type === 'identifier') return sliceNode(text, parts) === rest ? [marker] : undefined;
  if (parts.type !== 'tuple' && parts.type !== 'list') return undefined;
  const items = parts.namedChildren.filter((item): item is Node => item !== null && item.type !== 'comment');
  const last = items[items.length - 1];
  if (last?.type !== 'list_splat' || sliceNode(text, last.firstNamedChild ?? last) !== rest) return undefined;
  const out: UrlSegment[] = [];
  for (const item of items.slice(0, -1)) {
    if (item.type === 'list_splat') return undefined;
    out.push(...readUrlValue(item, 'python', text, context.root, context.project.shared), {
      kind: 'literal',
      text: separator,
    });
  }
  out.push(marker);
  return out;
}

// `def _path(self, *parts): return f"{self.version}/" + "/".join(parts)` called as
// `self._path(self.PREFIX, *rest)`: its return with the caller's arguments in place of its parameters.
function readMethodJoin(
  context: ScanContext,
  method: Node,
  args: Node,
  rest: string,
  depth: number,
): UrlSegment[] | undefined {
  const { text } = context;
  const own = readOwnSplat(method, text);
  if (own === undefined) return undefined;
  const given = args.namedChildren.filter((a): a is Node => a !== null && a.type !== 'comment');
  const splatAt = given.findIndex((a) => a.type === 'list_splat');
  const splat = given[splatAt];
  if (
    splat === undefined ||
    splatAt !== given.length - 1 ||
    sliceNode(text, splat.firstNamedChild ?? splat) !== rest
  )
    return undefined;
  const before = given.slice(0, splatAt);
  if (before.some((a) => a.type === 'keyword_argument')) return undefined;
  const returned = findReturns(method);
  if (returned.length === 0) return undefined;
  // Every return that joins gives the same URL shape; the last one is read (`if args: return ...`).
  let body: UrlSegment[] | undefined;
  for (const value of returned) {
    body = readJoin(context, value, own.rest, depth);
    if (body !== undefined) break;
  }
  if (body === undefined) return undefined;
  // The caller's leading arguments go before the method's splat, as `(a, *rest)` would.
  const leading: UrlSegment[] = [];
  for (const arg of before) {
    leading.push(...readUrlValue(arg, 'python', text, context.root, context.project.shared), {
      kind: 'literal',
      text: '/',
    });
  }
  return body.flatMap((segment) =>
    segment.kind === 'expr' && segment.source === restMarker(own.rest)
      ? [...leading, { kind: 'expr', source: restMarker(rest) } satisfies UrlSegment]
      : [segment],
  );
}

function readOwnSplat(method: Node, text: string): { rest: string } | undefined {
  const params = method.childForFieldName('parameters')?.namedChildren ?? [];
  const named = params.filter((p): p is Node => p !== null && p.type !== 'comment');
  // `self`, then only the splat (and a `**kwargs`): leading parameters would need binding.
  if (named.length < 2 || named[0]?.type !== 'identifier') return undefined;
  const splat = named[1];
  if (splat?.type !== 'list_splat_pattern') return undefined;
  if (named.slice(2).some((p) => p.type !== 'dictionary_splat_pattern')) return undefined;
  const name = splat.firstNamedChild;
  return name?.type === 'identifier' ? { rest: sliceNode(text, name) } : undefined;
}

// The values a function returns, not those of functions nested in it.
function findReturns(fn: Node): Node[] {
  const out: Node[] = [];
  const body = fn.childForFieldName('body');
  const visit = (node: Node): void => {
    for (const child of node.namedChildren) {
      if (child === null) continue;
      if (
        child.type === 'function_definition' ||
        child.type === 'class_definition' ||
        child.type === 'lambda'
      )
        continue;
      if (child.type === 'return_statement') {
        const value = child.firstNamedChild;
        if (value !== null) out.push(value);
        continue;
      }
      visit(child);
    }
  };
  if (body !== null) visit(body);
  return out;
}

function enclosingFunction(node: Node): Node | undefined {
  for (let current = node.parent; current !== null; current = current.parent)
    if (current.type === 'function_definition') return current;
  return undefined;
}

function enclosingClass(node: Node): Node | undefined {
  for (let current = node.parent; current !== null; current = current.parent)
    if (current.type === 'class_definition') return current;
  return undefined;
}

// The method `name` of the class around `use`.
function findOwnMethod(use: Node, name: string, text: string): Node | undefined {
  const cls = enclosingClass(use);
  for (const statement of cls?.childForFieldName('body')?.namedChildren ?? []) {
    const fn =
      statement?.type === 'decorated_definition' ? statement.childForFieldName('definition') : statement;
    if (fn?.type === 'function_definition' && sliceNode(text, fn.childForFieldName('name') ?? fn) === name)
      return fn;
  }
  return undefined;
}

// `self.version` where `__init__` sets `self.version = version` and `version="v1"`: that default.
function readInitDefault(
  context: ScanContext,
  segment: UrlSegment,
  fn: FunctionShape,
): UrlSegment | undefined {
  if (segment.kind !== 'expr') return undefined;
  const field = SELF_FIELD.exec(segment.source)?.[1];
  if (field === undefined) return undefined;
  const init = findOwnMethod(fn.node, '__init__', context.text);
  if (init === undefined) return undefined;
  const { text } = context;
  let param: string | undefined;
  let count = 0;
  for (const assignment of init.descendantsOfType('assignment')) {
    const left = assignment?.childForFieldName('left');
    const right = assignment?.childForFieldName('right');
    if (left == null || right == null || sliceNode(text, left) !== `self.${field}`) continue;
    count++;
    param = right.type === 'identifier' ? sliceNode(text, right) : undefined;
  }
  if (count !== 1 || param === undefined) return undefined;
  for (const p of init.childForFieldName('parameters')?.namedChildren ?? []) {
    if (p?.type !== 'default_parameter' && p?.type !== 'typed_default_parameter') continue;
    if (sliceNode(text, p.childForFieldName('name') ?? p) !== param) continue;
    const value = readPythonString(p.childForFieldName('value') ?? undefined, text);
    return value === undefined || !/^[\w.-]+$/.test(value) ? undefined : { kind: 'literal', text: value };
  }
  return undefined;
}

/**
 * The constant a class attribute holds for a `self.NAME` the wrapper's URL names, read in the class
 * around the caller (`ENDPOINT = "jobs"` in the subclass that calls `self.request(...)`).
 */
export function readCallerAttribute(context: ScanContext, source: string, use: Node): string | undefined {
  const field = SELF_FIELD.exec(source)?.[1];
  if (field === undefined) return undefined;
  const cls = enclosingClass(use);
  const { text } = context;
  for (const statement of cls?.childForFieldName('body')?.namedChildren ?? []) {
    const assignment = statement?.type === 'expression_statement' ? statement.firstNamedChild : null;
    if (assignment?.type !== 'assignment') continue;
    const left = assignment.childForFieldName('left');
    if (left === null || sliceNode(text, left) !== field) continue;
    const value = readPythonString(assignment.childForFieldName('right') ?? undefined, text);
    return value === undefined || !/^[\w./-]+$/.test(value) ? undefined : value;
  }
  return undefined;
}

/**
 * At a call of a wrapper with a `*args` path: the caller's positional arguments from the splat on,
 * joined, where the URL names the splat (a caller's own splat handed on stays `{*name}`), or the
 * constant a class attribute of the caller's class holds for a `self.NAME` part. `writes` when the
 * caller writes some literal part that way; `nodes` the arguments read.
 */
export function readRestSegment(
  context: ScanContext,
  definition: WrapperDefinition,
  segment: UrlSegment,
  call: Node,
  positional: readonly Node[],
): { segments: UrlSegment[]; writes: boolean; nodes: Node[] } | undefined {
  const rest = definition.rest;
  if (rest === undefined || segment.kind !== 'expr') return undefined;
  const { text } = context;
  if (segment.source === definition.params[rest.index]) {
    const segments: UrlSegment[] = [];
    const nodes: Node[] = [];
    let writes = false;
    positional.slice(rest.index).forEach((arg, i) => {
      if (i > 0) segments.push({ kind: 'literal', text: rest.separator });
      const name = arg.type === 'list_splat' ? arg.firstNamedChild : null;
      if (name !== null) {
        segments.push({ kind: 'expr', source: restMarker(sliceNode(text, name)) });
        return;
      }
      const value = readUrlValue(arg, 'python', text, context.root, context.project.shared);
      writes ||= value.some((s) => s.kind === 'literal' && s.text !== '');
      nodes.push(arg);
      segments.push(...value);
    });
    return { segments, writes, nodes };
  }
  const attribute = readCallerAttribute(context, segment.source, call);
  return attribute === undefined
    ? undefined
    : { segments: [{ kind: 'literal', text: attribute }], writes: attribute !== '', nodes: [] };
}
