/**
 * Python classes whose construction stands for a request, read as wrappers called by the class's
 * name (`Pages(api, "/users")`), since calling a class runs its `__init__` with the arguments:
 * - a constructor that sends (`__init__(self, api, url)` calling `self._load(url)`, a wrapper):
 *   the `__init__` wrapper is called as `Pages(...)` too;
 * - a lazy page list or cursor, a class that keeps the URL it is given (`self._first = url` in
 *   `__init__`) and sends it when iterated (`self._api.get(self._first)` in the method that fetches
 *   a page). Building one is the request, a GET unless the construction passes another method
 *   (`method="POST"` to a constructor parameter so named): the construction is where the code states
 *   what it calls, and the request inside the class is its transport, not reported itself (the
 *   convention every label set follows, docs/recall.md). The class, or a base of the same module,
 *   must be iterated or indexed (`__iter__`, `__next__`, `__getitem__`...), unlike a client keeping
 *   its base URL; the field must be set once in the whole class, straight from a constructor
 *   parameter; and the class must send one method to it (a `get` and a `delete` of the same field
 *   are two requests a construction does not pick between).
 */

import type { Node } from 'web-tree-sitter';
import type { ScanContext } from '../recognizers/context';
import { sliceNode } from '../syntax';
import type { HttpCall } from '../types';
import { type FunctionShape, readFunctionShape } from './code-shape';
import type { WrapperDefinition } from './types';
import { METHOD_NAME } from './wrapper-urls';

const SELF_FIELD = /^([A-Za-z_]\w*)\.([A-Za-z_]\w*)$/;
const ITERATION = ['__iter__', '__aiter__', '__next__', '__anext__', '__getitem__'];
// How many bases up the same module a class's iteration is looked for (a cycle stops here too).
const MAX_BASES = 4;
// A class with more statements than this in its body is not read for a kept URL.
const MAX_CLASS_STATEMENTS = 400;

/** `Pages(...)` for each sending `__init__` of the file's wrappers: the same wrapper under the class's name. */
export function constructorAliases(definitions: readonly WrapperDefinition[]): WrapperDefinition[] {
  return definitions
    .filter((d) => d.language === 'python' && d.name === '__init__' && d.owner !== undefined)
    .map(({ owner, ...rest }) => ({ ...rest, name: owner ?? '' }));
}

/** A lazy list's construction as a wrapper, and the request inside the class it stands for. */
export interface KeptUrl {
  definition: WrapperDefinition;
  call: HttpCall;
}

/**
 * The constructor of the lazy list around `fn` as a wrapper called by the class's name, when `call`
 * (inside `fn`, one of its methods) sends to a field that `__init__` sets from one of its
 * parameters; undefined otherwise.
 */
export function readKeptUrlWrapper(
  context: ScanContext,
  call: HttpCall,
  fn: FunctionShape,
): KeptUrl | undefined {
  if (context.language !== 'python' || fn.owner === undefined) return undefined;
  const { text } = context;
  const cls = enclosingClass(fn.node);
  const facts = cls === undefined ? undefined : readClassFacts(context.root, cls, text);
  const init = facts?.init;
  if (cls === undefined || facts === undefined || init === undefined || !facts.iterable) return undefined;
  // The URL's fields of this class (a transport's own `self.base`, written in by its wrapper, is
  // not one): exactly one, set once, in `__init__`, from a parameter.
  const own = call.url.segments.flatMap((segment, index) => {
    const [, self, field] = (segment.kind === 'expr' && SELF_FIELD.exec(segment.source)) || [];
    if (self === undefined || field === undefined || !fn.selfNames.includes(self)) return [];
    let assigned = facts.fields.get(field);
    if (assigned === undefined) {
      assigned = fieldAssignments(cls, field, text);
      facts.fields.set(field, assigned);
    }
    return assigned.length === 0 ? [] : [{ index, assigned }];
  });
  const [kept] = own;
  if (own.length !== 1 || kept?.assigned.length !== 1) return undefined;
  const [assignment] = kept.assigned;
  const value = assignment?.childForFieldName('right');
  const shape = readFunctionShape(init, context.language, text);
  if (shape === undefined || value?.type !== 'identifier' || !isInside(assignment, init)) return undefined;
  const urlParam = shape.params.indexOf(sliceNode(text, value));
  if (urlParam < 0) return undefined;
  const method = readMethodParam(cls, shape, text);
  if (method === undefined && call.method === undefined) return undefined;
  return {
    call,
    definition: {
      kind: 'wrapper',
      language: context.language,
      name: fn.owner,
      params: shape.params,
      ...(method === undefined
        ? { method: call.method }
        : { methodParam: method.index, methodDefault: method.fallback ?? call.method ?? 'GET' }),
      urlParam,
      url: call.url.segments.map((s, i) =>
        i === kept.index ? { kind: 'expr', source: shape.params[urlParam] ?? '' } : s,
      ),
      client: call.client,
      site: { file: context.file, line: shape.line },
      forwards: true,
    },
  };
}

/**
 * The kept-URL wrappers of one file, without a class's that send two methods (or two URL
 * parameters) to its field, and the requests inside the classes kept: their transport.
 */
export function keepUnambiguous(kept: readonly KeptUrl[]): {
  definitions: WrapperDefinition[];
  inside: HttpCall[];
} {
  const byClass = new Map<string, KeptUrl[]>();
  for (const entry of kept) {
    const key = `${entry.definition.site.line}:${entry.definition.name}`;
    byClass.set(key, [...(byClass.get(key) ?? []), entry]);
  }
  const definitions: WrapperDefinition[] = [];
  const inside: HttpCall[] = [];
  for (const list of byClass.values()) {
    const [first] = list;
    if (first === undefined) continue;
    const same = (d: WrapperDefinition): boolean =>
      d.method === first.definition.method &&
      d.methodParam === first.definition.methodParam &&
      d.urlParam === first.definition.urlParam;
    if (!list.every((entry) => same(entry.definition))) continue;
    definitions.push(first.definition);
    inside.push(...list.map((entry) => entry.call));
  }
  return { definitions, inside };
}

// The constructor's parameter naming the method (`method="GET"`), when `__init__` keeps it on the
// object: the construction that passes one states the request's method.
function readMethodParam(
  cls: Node,
  init: FunctionShape,
  text: string,
): { index: number; fallback?: string } | undefined {
  const index = init.params.findIndex((name) => METHOD_NAME.test(name));
  const name = init.params[index];
  if (name === undefined) return undefined;
  const kept = cls
    .descendantsOfType('assignment')
    .some((node) => node !== null && isInside(node, init.node) && rightName(node, text) === name);
  if (!kept) return undefined;
  const fallback = init.defaults?.get(index);
  return fallback !== undefined && /^[A-Za-z]+$/.test(fallback)
    ? { index, fallback: fallback.toUpperCase() }
    : { index };
}

function rightName(assignment: Node, text: string): string | undefined {
  const left = assignment.childForFieldName('left');
  const right = assignment.childForFieldName('right');
  return left?.type === 'attribute' && right?.type === 'identifier' ? sliceNode(text, right) : undefined;
}

interface ClassFacts {
  init: Node | undefined;
  iterable: boolean;
  fields: Map<string, Node[]>;
}

// What each class of a tree is, read once: a file's every call in one class reads it from here,
// not by walking the class (and the module's classes, for its bases) again.
const classFacts = new WeakMap<Node, { text: string; byClass: Map<number, ClassFacts> }>();

function readClassFacts(root: Node, cls: Node, text: string): ClassFacts {
  let cache = classFacts.get(root);
  if (cache === undefined || cache.text !== text) {
    cache = { text, byClass: new Map() };
    classFacts.set(root, cache);
  }
  let facts = cache.byClass.get(cls.id);
  if (facts === undefined) {
    const init = findMethod(cls, '__init__', text);
    facts = { init, iterable: init !== undefined && isIterable(root, cls, text, 0), fields: new Map() };
    cache.byClass.set(cls.id, facts);
  }
  return facts;
}

function enclosingClass(fn: Node): Node | undefined {
  const body = fn.parent?.type === 'decorated_definition' ? fn.parent.parent : fn.parent;
  return body?.type === 'block' && body.parent?.type === 'class_definition' ? body.parent : undefined;
}

function findMethod(cls: Node, name: string, text: string): Node | undefined {
  for (const statement of cls.childForFieldName('body')?.namedChildren ?? []) {
    const fn =
      statement?.type === 'decorated_definition' ? statement.childForFieldName('definition') : statement;
    if (fn?.type === 'function_definition' && sliceNode(text, fn.childForFieldName('name') ?? fn) === name)
      return fn;
  }
  return undefined;
}

// Whether the class, or a base class of the same module (`class Pages(PagesBase[T])`), is iterated
// or indexed: what a lazy page list or cursor is, unlike a client that keeps its base URL.
function isIterable(root: Node, cls: Node, text: string, depth: number): boolean {
  if (ITERATION.some((name) => findMethod(cls, name, text) !== undefined)) return true;
  if (depth >= MAX_BASES) return false;
  for (const base of cls.childForFieldName('superclasses')?.namedChildren ?? []) {
    const named = base?.type === 'subscript' ? base.childForFieldName('value') : base;
    if (named?.type !== 'identifier') continue;
    const name = sliceNode(text, named);
    for (const other of root.namedChildren) {
      if (
        other?.type === 'class_definition' &&
        other.id !== cls.id &&
        sliceNode(text, other.childForFieldName('name') ?? other) === name &&
        isIterable(root, other, text, depth + 1)
      )
        return true;
    }
  }
  return false;
}

// Every assignment to `<receiver>.field` in the class (plain, augmented or annotated), at any depth;
// a class too large to read gives none, so that nothing is read from it.
function fieldAssignments(cls: Node, field: string, text: string): Node[] {
  const body = cls.childForFieldName('body');
  if (body === null || body.namedChildCount > MAX_CLASS_STATEMENTS) return [];
  const out: Node[] = [];
  for (const node of body.descendantsOfType(['assignment', 'augmented_assignment'])) {
    const left = node?.childForFieldName('left');
    if (left?.type === 'attribute' && sliceNode(text, left.childForFieldName('attribute') ?? left) === field)
      out.push(node as Node);
  }
  return out;
}

function isInside(node: Node | undefined, outer: Node): boolean {
  return node !== undefined && node.startIndex >= outer.startIndex && node.endIndex <= outer.endIndex;
}
