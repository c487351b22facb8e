/**
 * Python URL helper methods of the caller's own class: `self._item_url("users", f"group/{kind}")`
 * where the class defines `def _item_url(self, area, item, version=None): ver = version or
 * self.version; return f"/{self.root}/{area}/{ver}/{item}"`. The helper's returned URL is read with
 * the caller's arguments (by position or keyword, else the parameter's string default) in place of
 * its parameters, so the call reads `/{self.root}/users/{self.version}/group/{kind}`.
 */

import type { Node } from 'web-tree-sitter';
import { readPythonArguments, readReturningBody } from '../python-syntax';
import { sliceNode } from '../syntax';
import type { UrlSegment } from '../types';
import { findEnclosingFunction } from './code-shape';
import { lookupOrder } from './python-class-members';
import { readFormatTemplate } from './python-format-templates';
import type { SharedValues } from './types';

// A helper longer than this is not a URL helper (its return is not a function of its arguments).
const MAX_STATEMENTS = 4;

/** Reads a URL node in the caller's file, one level deeper (the project pass's `resolve`). */
export type ResolveUrl = (node: Node) => UrlSegment[];

/**
 * The URL a call of a helper method of the enclosing class builds, or undefined when `node` is not
 * such a call or the helper does not return a path (a literal with a `/`).
 */
export function readMethodHelper(
  node: Node,
  text: string,
  resolve: ResolveUrl,
  shared?: SharedValues,
): UrlSegment[] | undefined {
  if (node.type !== 'call') return undefined;
  const callee = node.childForFieldName('function');
  const receiver = callee?.childForFieldName('object');
  const attribute = callee?.childForFieldName('attribute');
  if (callee?.type !== 'attribute' || receiver?.type !== 'identifier' || attribute == null) return undefined;
  const self = sliceNode(text, receiver);
  if (self !== 'self' && self !== 'cls') return undefined;
  const helper = findClassMethod(node, sliceNode(text, attribute), text, shared?.classes);
  if (helper === undefined) return undefined;
  const templated = readFormatTemplate(helper, node, text, resolve, shared);
  if (templated !== undefined) return templated;
  const body = helper.childForFieldName('body');
  const returned = body === null ? undefined : readReturned(body);
  const shape = returned === undefined ? undefined : findEnclosingFunction(returned, 'python', text);
  if (returned === undefined || shape === undefined || shape.node.id !== helper.id) return undefined;
  const fallbacks = readFallbackLocals(body as Node, shape.params, text);
  const { positional, keywords } = readPythonArguments(node);
  const argumentOf = (param: string): Node | undefined => {
    const index = shape.params.indexOf(param);
    return index < 0 ? undefined : (positional[index] ?? keywords.get(param));
  };
  const out: UrlSegment[] = [];
  for (const segment of resolve(returned)) {
    if (segment.kind !== 'expr') {
      out.push(segment);
      continue;
    }
    const fallback = fallbacks.get(segment.source);
    const param = fallback?.param ?? segment.source;
    const argument = argumentOf(param);
    const index = shape.params.indexOf(param);
    if (argument !== undefined) out.push(...resolve(argument));
    else if (index >= 0 && shape.defaults?.has(index))
      out.push({ kind: 'literal', text: shape.defaults.get(index) ?? '' });
    else out.push(fallback === undefined ? segment : { kind: 'expr', source: fallback.otherwise });
  }
  const isPath = out.some((s) => s.kind === 'literal' && s.text.includes('/'));
  return isPath ? out : undefined;
}

// The method of that name in the class around the call, else in the first of its bases this file
// defines, else the only one of that name in the file (a mixin's partner, a subclass's hook) unless
// that one is a sibling's override: a class sharing a base with the caller's that the caller does
// not extend (its own lookup goes to the base, which another module may define).
function findClassMethod(
  call: Node,
  name: string,
  text: string,
  classes: ReadonlyMap<string, readonly string[]> | undefined,
): Node | undefined {
  let cls: Node | null = call.parent;
  while (cls !== null && cls.type !== 'class_definition') cls = cls.parent;
  const index = classMethodIndex(call.tree, text);
  const own = cls === null ? [] : (methodsByName(index, cls, text).get(name) ?? []);
  if (own.length === 1) return own[0];
  if (own.length > 1) return undefined;
  if (index.fileWide === undefined) {
    index.fileWide = new Map();
    index.fileClasses = new Map();
    for (const statement of call.tree.rootNode.namedChildren) {
      const inner = statement?.type === 'decorated_definition' ? statement.lastNamedChild : statement;
      if (inner?.type !== 'class_definition') continue;
      const className = inner.childForFieldName('name');
      if (className !== null) index.fileClasses.set(sliceNode(text, className), inner);
      for (const [method, fns] of methodsByName(index, inner, text)) {
        const known = index.fileWide.get(method);
        if (known === undefined) index.fileWide.set(method, [...fns]);
        else known.push(...fns);
      }
    }
  }
  const clsName = cls?.childForFieldName('name');
  const order =
    clsName == null || classes === undefined ? [] : lookupOrder(sliceNode(text, clsName), classes);
  for (const base of order.slice(1)) {
    const defined = index.fileClasses?.get(base);
    const fns = defined === undefined ? undefined : methodsByName(index, defined, text).get(name);
    if (fns !== undefined) return fns.length === 1 ? fns[0] : undefined;
  }
  const all = index.fileWide.get(name) ?? [];
  const only = all.length === 1 ? all[0] : undefined;
  if (only === undefined || order.length < 2 || classes === undefined) return only;
  let owner: Node | null = only.parent;
  while (owner !== null && owner.type !== 'class_definition') owner = owner.parent;
  const ownerName = owner?.childForFieldName('name');
  if (ownerName == null) return only;
  const ownerOrder = lookupOrder(sliceNode(text, ownerName), classes);
  const sibling = !ownerOrder.includes(order[0] as string) && ownerOrder.some((c) => order.includes(c));
  return sibling ? undefined : only;
}

/**
 * Class bodies read for their methods, counted so a test can check the work stays one read per
 * class however many calls of helpers the file makes.
 */
export const classMethodReads = { count: 0 };

// Each class's methods by name and the file's top-level classes' methods by name, read once per
// tree: a generated client of thousands of `self.x(...)` calls asked per call (quadratic before).
type ClassMethodIndex = {
  text: string;
  byClass: Map<number, Map<string, Node[]>>;
  fileWide?: Map<string, Node[]>;
  fileClasses?: Map<string, Node>;
};
const classMethodIndexes = new WeakMap<object, ClassMethodIndex>();

function classMethodIndex(tree: object, text: string): ClassMethodIndex {
  let index = classMethodIndexes.get(tree);
  if (index === undefined || index.text !== text) {
    index = { text, byClass: new Map() };
    classMethodIndexes.set(tree, index);
  }
  return index;
}

function methodsByName(index: ClassMethodIndex, cls: Node, text: string): Map<string, Node[]> {
  const known = index.byClass.get(cls.id);
  if (known !== undefined) return known;
  classMethodReads.count++;
  const byName = new Map<string, Node[]>();
  for (const statement of cls.childForFieldName('body')?.namedChildren ?? []) {
    const fn = statement?.type === 'decorated_definition' ? statement.lastNamedChild : statement;
    const fnName = fn?.type === 'function_definition' ? fn.childForFieldName('name') : null;
    if (fn == null || fnName == null) continue;
    const key = sliceNode(text, fnName);
    const known = byName.get(key);
    if (known === undefined) byName.set(key, [fn]);
    else known.push(fn);
  }
  index.byClass.set(cls.id, byName);
  return byName;
}

// The expression a body of local assignments and one final `return` returns (a docstring aside).
function readReturned(body: Node): Node | undefined {
  const statements = readReturningBody(body, MAX_STATEMENTS);
  const last = statements?.at(-1);
  if (statements === undefined || last === undefined) return undefined;
  const assignsOnly = statements
    .slice(0, -1)
    .every((s) => s.type === 'expression_statement' && s.firstNamedChild?.type === 'assignment');
  const value = last.namedChildren.find((c) => c !== null && c.type !== 'comment');
  return assignsOnly && value != null && value.type !== 'expression_list' ? value : undefined;
}

// `ver = version or self.version`: the local is the caller's `version` when given, else the other side.
function readFallbackLocals(
  body: Node,
  params: readonly string[],
  text: string,
): Map<string, { param: string; otherwise: string }> {
  const out = new Map<string, { param: string; otherwise: string }>();
  for (const statement of body.namedChildren) {
    const assignment = statement?.type === 'expression_statement' ? statement.firstNamedChild : null;
    const left = assignment?.type === 'assignment' ? assignment.childForFieldName('left') : null;
    const right = assignment?.childForFieldName('right');
    if (left?.type !== 'identifier' || right?.type !== 'boolean_operator') continue;
    const first = right.childForFieldName('left');
    const second = right.childForFieldName('right');
    const operator = right.childForFieldName('operator');
    if (first?.type !== 'identifier' || second == null || operator?.type !== 'or') continue;
    const param = sliceNode(text, first);
    if (params.includes(param)) out.set(sliceNode(text, left), { param, otherwise: sliceNode(text, second) });
  }
  return out;
}
