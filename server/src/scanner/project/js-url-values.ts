/**
 * JavaScript/TypeScript URL expressions that are not one literal but say plainly what URL they
 * hold, and the names a URL comes in under that no assignment binds:
 *
 * - `new URL(base + path)`, `url.toString()`, `url.href`, `String(url)`: the URL inside;
 * - `'/teams/{teamId}'.replace('{teamId}', teamId)` (also chained, also `replaceAll`): the template
 *   with each replaced placeholder an expression (generated SDKs write their paths so);
 * - `base + path` with no string among them: each name a part;
 * - `const { url, init } = await this.prepare(method, path)` above the use: the URL the helper
 *   (a method of the same class or a function of the same module) returns under that key, with its
 *   parameters standing for the caller's arguments.
 */

import type { Node } from 'web-tree-sitter';
import { nodesOfType } from '../nodes-of-type';
import { flattenConcatenation, readConstantString, sliceNode, unwrapExpression } from '../syntax';
import type { UrlSegment } from '../types';
import { readNameValue } from './assigned-values';
import { findEnclosingFunction } from './code-shape';
import { isHelperCall, readJsMethodHelper, readJsTemplate } from './js-method-helpers';

const FUNCTION_TYPES = new Set([
  'function_declaration',
  'method_definition',
  'arrow_function',
  'function_expression',
  'function',
]);
const REPLACERS = new Set(['replace', 'replaceAll']);
// A placeholder a path template marks for `.replace`: `{name}`, `:name`, `<name>`.
const PLACEHOLDER = /^(?:\{[\w$.-]+\}|:[\w$]+|<[\w$]+>)$/;

/** Reads a node into URL segments (the caller's reader, with its locals and constants). */
export type ReadUrl = (node: Node) => UrlSegment[];

/**
 * Reads the JavaScript forms above (not destructuring: see `findDestructuredSource`); undefined for
 * any other expression.
 */
export function readJsUrlExpression(
  node: Node,
  text: string,
  read: ReadUrl,
  same: ReadUrl = read,
): UrlSegment[] | undefined {
  if (node.type === 'template_string') return readJsTemplate(node, text, same);
  if (node.type === 'await_expression') {
    const inner = node.firstNamedChild;
    return inner === null ? undefined : read(inner);
  }
  if (node.type === 'new_expression') {
    const callee = node.childForFieldName('constructor');
    const first = node
      .childForFieldName('arguments')
      ?.namedChildren.find((c) => c !== null && c.type !== 'comment');
    if (callee?.type !== 'identifier' || sliceNode(text, callee) !== 'URL' || first == null) return undefined;
    const inner = unwrapExpression(first);
    // A literal path is the recogniser's own reading (`new URL('/x', base)`).
    if (inner.type === 'string' || inner.type === 'template_string') return undefined;
    return read(inner);
  }
  if (node.type === 'member_expression') {
    const property = node.childForFieldName('property');
    const object = node.childForFieldName('object');
    if (object !== null && property !== null && sliceNode(text, property) === 'href') return read(object);
    return readJsMethodHelper(node, text, same);
  }
  if (node.type === 'call_expression') {
    // `String(url)`: the URL inside.
    const callee = node.childForFieldName('function');
    const args = node
      .childForFieldName('arguments')
      ?.namedChildren.filter((c) => c !== null && c.type !== 'comment');
    if (
      callee?.type === 'identifier' &&
      sliceNode(text, callee) === 'String' &&
      args?.length === 1 &&
      args[0] != null
    )
      return read(args[0]);
    return readJsMethodHelper(node, text, same) ?? readMethodCall(node, text, read);
  }
  if (node.type === 'binary_expression') {
    const operator = node.childForFieldName('operator');
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    if (operator === null || left === null || right === null || sliceNode(text, operator) !== '+')
      return undefined;
    // Only names joined, or a string joined to a helper's URL (`this.baseRoute() + '/x'`): any
    // other concatenation with a string is the recogniser's own reading.
    if (hasString(left) || hasString(right)) {
      const operands = flattenConcatenation(node, text);
      if (!operands.some((operand) => isHelperCall(operand, text))) return undefined;
      return operands.flatMap((operand) => (isHelperCall(operand, text) ? same(operand) : read(operand)));
    }
    return [...read(left), ...read(right)];
  }
  return undefined;
}

// Iterative: a long `'a' + b + 'c' + ...` chain nests as deep as it is long.
function hasString(node: Node): boolean {
  const pending: Node[] = [node];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const inner = unwrapExpression(next);
    if (inner.type === 'string' || inner.type === 'template_string') return true;
    if (inner.type !== 'binary_expression') continue;
    const left = inner.childForFieldName('left');
    const right = inner.childForFieldName('right');
    if (right !== null) pending.push(right);
    if (left !== null) pending.push(left);
  }
  return false;
}

// `x.toString()`, `'/a/{id}'.replace('{id}', id)` (a chain of them read in one step, so a path with
// many placeholders costs no more of the reader's depth than one with a single placeholder).
function readMethodCall(node: Node, text: string, read: ReadUrl): UrlSegment[] | undefined {
  const replacements: Array<{ pattern: string; value: string; all: boolean }> = [];
  let current = node;
  for (;;) {
    const call = readMemberCall(current, text);
    if (call === undefined) break;
    if (call.name === 'toString' && call.args.length === 0 && replacements.length === 0)
      return read(call.object);
    const pattern = call.args.length === 2 ? readConstantString(call.args[0] as Node, text) : undefined;
    if (!REPLACERS.has(call.name) || pattern === undefined || !PLACEHOLDER.test(pattern)) break;
    replacements.unshift({
      pattern,
      value: sliceNode(text, call.args[1] as Node),
      all: call.name === 'replaceAll',
    });
    current = unwrapExpression(call.object);
  }
  if (replacements.length === 0) return undefined;
  let segments = read(current);
  for (const { pattern, value, all } of replacements) {
    if (!segments.some((s) => s.kind === 'literal' && s.text.includes(pattern))) return undefined;
    segments = replacePlaceholder(segments, pattern, { kind: 'expr', source: value }, all);
  }
  return segments;
}

function readMemberCall(node: Node, text: string): { object: Node; name: string; args: Node[] } | undefined {
  if (node.type !== 'call_expression') return undefined;
  const callee = node.childForFieldName('function');
  if (callee?.type !== 'member_expression') return undefined;
  const object = callee.childForFieldName('object');
  const property = callee.childForFieldName('property');
  if (object === null || property === null) return undefined;
  const args = (node.childForFieldName('arguments')?.namedChildren ?? []).filter(
    (c): c is Node => c !== null && c.type !== 'comment',
  );
  return { object, name: sliceNode(text, property), args };
}

// `replace` takes the first occurrence only; `replaceAll` every one.
function replacePlaceholder(
  segments: readonly UrlSegment[],
  pattern: string,
  value: UrlSegment,
  all: boolean,
): UrlSegment[] {
  const out: UrlSegment[] = [];
  let replaced = false;
  for (const segment of segments) {
    if (segment.kind !== 'literal' || (replaced && !all)) {
      out.push(segment);
      continue;
    }
    segment.text.split(pattern).forEach((piece, i) => {
      if (i > 0) {
        out.push(replaced && !all ? { kind: 'literal', text: pattern } : { ...value });
        replaced = true;
      }
      if (piece !== '') out.push({ kind: 'literal', text: piece });
    });
  }
  return out;
}

/** Where a destructured name's value comes from: the helper's returned property and its arguments. */
export interface DestructuredSource {
  /** The value the helper returns under the destructured key. */
  value: Node;
  /** The helper's parameter names, in order. */
  params: string[];
  /** The arguments of the call that was destructured, in order. */
  args: Node[];
  /** The names the helper's object parameters bind, by the position and key they come from. */
  keys?: ReadonlyMap<string, { index: number; key: string }>;
}

/**
 * `const { url } = await this.buildUrl(base, provider)` (or `{ target: url }`) above `use`, in the
 * same function: what the helper (a method of the class around `use`, or a function of the module)
 * returns under that key. Undefined when the helper is not found, or returns that key differently
 * in different places.
 */
export function findDestructuredSource(
  name: string,
  use: Node,
  text: string,
  root: Node,
): DestructuredSource | undefined {
  const found = findDestructuring(name, use, text);
  if (found === undefined) return undefined;
  const helper = findHelper(found.call, use, text, root);
  if (helper === undefined) return undefined;
  const returned = new Set<string>();
  let value: Node | undefined;
  for (const statement of helper.descendantsOfType('return_statement')) {
    if (statement === null || enclosingFunction(statement)?.id !== helper.id) continue;
    const object = statement.namedChildren.find((c) => c !== null && c.type !== 'comment');
    if (object == null) continue;
    const property = objectProperty(unwrapExpression(object), found.key, text);
    if (property === undefined) continue;
    returned.add(sliceNode(text, property));
    value = property;
  }
  if (value === undefined || returned.size !== 1 || reassigned(helper, value, text)) return undefined;
  const args = (found.call.childForFieldName('arguments')?.namedChildren ?? []).filter(
    (c): c is Node => c !== null && c.type !== 'comment',
  );
  // The helper's own shape (its body's enclosing function is the helper): destructured parameters are ''.
  const body = helper.childForFieldName('body');
  const shape = body === null ? undefined : findEnclosingFunction(body, 'typescript', text);
  const params = shape?.params ?? [];
  // `return { url, init }` after `const url = new URL(path, this.#base)`: the local's value.
  const local = readHelperLocal(value, helper, text, root);
  return { value: local ?? value, params, args, ...(shape?.keys === undefined ? {} : { keys: shape.keys }) };
}

/** Replaces a helper's parameters, where they are a segment's whole expression, by what `arg` reads. */
export function substituteParams(
  segments: readonly UrlSegment[],
  source: DestructuredSource,
  arg: (node: Node) => UrlSegment[],
): UrlSegment[] {
  const out: UrlSegment[] = [];
  for (const segment of segments) {
    const index = segment.kind === 'expr' ? source.params.indexOf(segment.source) : -1;
    const node = index >= 0 ? source.args[index] : undefined;
    // `#prepare({ path })` handed the caller's `options`: the name is `options.path` there.
    const keyed =
      segment.kind === 'expr' && index < 0 ? readKeyedArgument(source, segment.source) : undefined;
    if (keyed !== undefined) out.push(keyed);
    else if (node === undefined) out.push(segment);
    else out.push(...arg(node));
  }
  return out;
}

// The value of a local of the helper that it returns by name (not one of its parameters).
function readHelperLocal(value: Node, helper: Node, text: string, root: Node): Node | undefined {
  if (value.type !== 'identifier' && value.type !== 'shorthand_property_identifier') return undefined;
  const name = sliceNode(text, value);
  const local = readNameValue(name, value, 'typescript', text, root);
  return local !== undefined && local.startIndex >= helper.startIndex && local.endIndex <= helper.endIndex
    ? local
    : undefined;
}

// A name the helper binds from its object parameter's key, where the call hands it a name of its own.
function readKeyedArgument(source: DestructuredSource, name: string): UrlSegment | undefined {
  const bound = source.keys?.get(name);
  const arg = bound === undefined ? undefined : source.args[bound.index];
  return arg?.type === 'identifier' && bound !== undefined
    ? { kind: 'expr', source: `${arg.text}.${bound.key}` }
    : undefined;
}

/**
 * The call a name is destructured from in the function around `use` (`const { init } =
 * this.prepare(method, url)` → the call), so what the call is given (`method`) can be read.
 */
export function findDestructuredCall(name: string, use: Node, text: string): Node | undefined {
  return findDestructuring(name, use, text)?.call;
}

// The last `const { key: name } = [await] call(...)` above `use` in its function.
function findDestructuring(name: string, use: Node, text: string): { key: string; call: Node } | undefined {
  const scope = enclosingFunction(use);
  if (scope === undefined) return undefined;
  let found: { key: string; call: Node } | undefined;
  for (const entry of destructuringsNamed(use.tree.rootNode, name, text)) {
    if (entry.start < scope.startIndex) continue;
    if (entry.end > use.startIndex) break;
    found = entry;
  }
  return found;
}

/**
 * The function a called name was destructured from the call of, when the key it takes is its own
 * name: `const { del } = useApi(); ... del(path)` → `useApi`, also from a closure inside the
 * function that destructured it (`queryFn: () => get(path)`); undefined otherwise.
 */
export function findDestructuredFrom(name: string, use: Node, text: string): string | undefined {
  let found: Destructuring | undefined;
  for (const entry of destructuringsNamed(use.tree.rootNode, name, text)) {
    if (entry.end > use.startIndex) break;
    const scope = enclosingFunction(entry.call);
    if (scope === undefined || (scope.startIndex <= use.startIndex && use.endIndex <= scope.endIndex))
      found = entry;
  }
  const callee = found?.call.childForFieldName('function');
  return found?.key === name && callee?.type === 'identifier' ? sliceNode(text, callee) : undefined;
}

interface Destructuring {
  key: string;
  call: Node;
  start: number;
  end: number;
}

// Each tree's destructurings of a call, indexed once by the names they bind, in document order: a
// lookup per URL would otherwise walk its whole function (quadratic in a long one).
const destructurings = new WeakMap<object, Map<string, Destructuring[]>>();

function destructuringsNamed(root: Node, name: string, text: string): readonly Destructuring[] {
  let index = destructurings.get(root.tree);
  if (index === undefined) {
    index = new Map();
    for (const declarator of nodesOfType(root, 'variable_declarator')) {
      const pattern = declarator?.childForFieldName('name');
      const value = declarator?.childForFieldName('value');
      if (declarator == null || pattern?.type !== 'object_pattern' || value == null) continue;
      let call = unwrapExpression(value);
      if (call.type === 'await_expression' && call.firstNamedChild !== null)
        call = unwrapExpression(call.firstNamedChild);
      if (call.type !== 'call_expression') continue;
      for (const [bound, key] of patternBindings(pattern, text)) {
        const list = index.get(bound) ?? [];
        list.push({ key, call, start: declarator.startIndex, end: declarator.endIndex });
        index.set(bound, list);
      }
    }
    destructurings.set(root.tree, index);
  }
  return index.get(name) ?? [];
}

// `let url = base; if (page) url = join(base, page); return { url }`: which value is returned
// depends on the path taken, so it is not read.
function reassigned(helper: Node, value: Node, text: string): boolean {
  const name = sliceNode(text, value);
  if (value.type !== 'identifier' && value.type !== 'shorthand_property_identifier') return false;
  let count = 0;
  for (const node of helper.descendantsOfType([
    'variable_declarator',
    'assignment_expression',
    'augmented_assignment_expression',
  ])) {
    const left = node?.childForFieldName(node.type === 'variable_declarator' ? 'name' : 'left');
    if (left != null && sliceNode(text, left) === name) count++;
  }
  return count > 1;
}

function enclosingFunction(node: Node): Node | undefined {
  for (let current = node.parent; current !== null; current = current.parent)
    if (FUNCTION_TYPES.has(current.type)) return current;
  return undefined;
}

// The names a pattern binds and the keys they come from: `{ url }` → url, `{ target: url }` → target.
function patternBindings(pattern: Node, text: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const child of pattern.namedChildren) {
    if (child === null) continue;
    if (child.type === 'shorthand_property_identifier_pattern')
      out.push([sliceNode(text, child), sliceNode(text, child)]);
    if (child.type === 'object_assignment_pattern') {
      const left = child.childForFieldName('left');
      if (left !== null) out.push([sliceNode(text, left), sliceNode(text, left)]);
    }
    if (child.type === 'pair_pattern') {
      const key = child.childForFieldName('key');
      const value = child.childForFieldName('value');
      if (key !== null && value?.type === 'identifier')
        out.push([sliceNode(text, value), sliceNode(text, key)]);
    }
  }
  return out;
}

function objectProperty(object: Node, key: string, text: string): Node | undefined {
  if (object.type !== 'object') return undefined;
  for (const child of object.namedChildren) {
    if (child?.type === 'shorthand_property_identifier' && sliceNode(text, child) === key) return child;
    if (child?.type === 'pair') {
      const name = child.childForFieldName('key');
      const value = child.childForFieldName('value');
      if (name !== null && value !== null && sliceNode(text, name).replace(/^['"]|['"]$/g, '') === key)
        return value;
    }
  }
  return undefined;
}

/** `this.prepare(...)`: a method of the class around the use; `prepare(...)`: a function of the module. */
export function findHelper(call: Node, use: Node, text: string, root: Node): Node | undefined {
  const callee = call.childForFieldName('function');
  if (callee === null) return undefined;
  if (callee.type === 'member_expression') {
    const object = callee.childForFieldName('object');
    const property = callee.childForFieldName('property');
    if (object?.type !== 'this' || property === null) return undefined;
    const name = sliceNode(text, property);
    for (let current = use.parent; current !== null; current = current.parent) {
      if (current.type !== 'class_body') continue;
      for (const member of current.namedChildren) {
        const memberName = member?.childForFieldName('name');
        if (
          member?.type === 'method_definition' &&
          memberName != null &&
          sliceNode(text, memberName) === name
        )
          return member;
      }
      return undefined;
    }
    return undefined;
  }
  if (callee.type !== 'identifier') return undefined;
  const name = sliceNode(text, callee);
  for (const statement of root.namedChildren) {
    const inner = statement?.type === 'export_statement' ? statement.namedChildren.at(-1) : statement;
    if (inner == null) continue;
    if (
      inner.type === 'function_declaration' &&
      sliceNode(text, inner.childForFieldName('name') ?? inner) === name
    )
      return inner;
    if (inner.type === 'lexical_declaration')
      for (const declarator of inner.namedChildren) {
        const value = declarator?.childForFieldName('value');
        const declared = declarator?.childForFieldName('name');
        if (
          declared != null &&
          value != null &&
          sliceNode(text, declared) === name &&
          FUNCTION_TYPES.has(value.type)
        )
          return value;
      }
  }
  return undefined;
}
