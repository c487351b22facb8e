/** Which value a name holds where it is used: its last assignment above in the function, or the module's. */

import type { Node } from 'web-tree-sitter';
import { nodesOfType } from '../nodes-of-type';
import { countLeading } from '../sorted-search';
import { flattenConcatenation, sliceNode } from '../syntax';
import type { ScanLanguage } from '../types';
import { isJsLanguage } from './code-shape';

/** Function and method nodes of every language the project pass reads (they hold parameters). */
export const FUNCTION_TYPES: ReadonlySet<string> = new Set([
  'function_declaration',
  'generator_function_declaration',
  'function_expression',
  'function',
  'arrow_function',
  'method_definition',
  'function_definition',
  'lambda',
  'method_declaration',
  'func_literal',
]);

const ASSIGNMENT_TYPES: Record<'js' | 'python' | 'go', string[]> = {
  js: ['variable_declarator', 'assignment_expression'],
  python: ['assignment'],
  go: ['short_var_declaration', 'assignment_statement', 'const_spec', 'var_spec'],
};
const GO_STRING_TYPES = new Set(['interpreted_string_literal', 'raw_string_literal']);
/** Reads the value of a name at `use`: its last assignment in the function above, or a module constant. */
export function readNameValue(
  name: string,
  use: Node,
  language: ScanLanguage,
  text: string,
  root: Node,
  closures = false,
): Node | undefined {
  const family = isJsLanguage(language) ? 'js' : language === 'python' ? 'python' : 'go';
  let scope = findScope(use, language) ?? root;
  let local = findAssignment(scope, name, family, text, use.startIndex);
  // Go: a closure reads the locals of the function around it (`path := ...` above
  // `newList(ctx, func(...) { c.call(http.MethodGet, path) })`), when a URL is read (`closures`);
  // which parameter a wrapper's URL flows from is still the closure's own business.
  while (closures && local === undefined && language === 'go' && scope.type === 'func_literal') {
    const outer = findScope(scope, language);
    if (outer === undefined) break;
    scope = outer;
    local = findAssignment(scope, name, family, text, use.startIndex);
  }
  if (local !== undefined || scope.id === root.id) return local;
  return findAssignment(root, name, family, text, Number.POSITIVE_INFINITY, true);
}
// Whether a function around `node` declares `name` as a parameter (read from its parameter lists).
/** Whether `name` is a parameter of a function around `node`. */
export function isParameterAt(node: Node, name: string, text: string): boolean {
  const word = new RegExp(`(?<![\\w$])${name.replace(/\$/g, '\\$')}(?![\\w$])`);
  for (let current = node.parent; current !== null; current = current.parent) {
    const list = current.childForFieldName('parameters') ?? current.childForFieldName('parameter');
    if (list !== null && FUNCTION_TYPES.has(current.type) && word.test(sliceNode(text, list))) return true;
  }
  return false;
}

/** The function around `node` whose locals it sees, in `language`. */
export function findScope(node: Node, language: ScanLanguage): Node | undefined {
  for (let current = node.parent; current !== null; current = current.parent) {
    const type = current.type;
    if (language === 'python' && type === 'function_definition') return current;
    if (
      language === 'go' &&
      (type === 'function_declaration' || type === 'method_declaration' || type === 'func_literal')
    )
      return current;
    if (
      isJsLanguage(language) &&
      (type === 'function_declaration' ||
        type === 'method_definition' ||
        type === 'arrow_function' ||
        type === 'function_expression')
    )
      return current;
  }
  return undefined;
}

/** The value assigned to `name` last before `before` in `scope` (only top-level ones when `topLevel`). */
export function findAssignment(
  scope: Node,
  name: string,
  family: 'js' | 'python' | 'go',
  text: string,
  before: number,
  topLevel = false,
): Node | undefined {
  let found: Node | undefined;
  const entries = assignmentsNamed(scope, name, family, text);
  // Entries are in document order, so by start: the scope's own begin at the first one inside it.
  const first = countLeading(entries.length, (i) => (entries[i] as AssignmentEntry).start < scope.startIndex);
  for (let i = first; i < entries.length; i++) {
    const entry = entries[i] as AssignmentEntry;
    if (entry.start > scope.endIndex) break;
    const node = entry.node;
    // Only assignments finished before the use: `path, err := addOptions(path, opt)` reads the earlier `path`.
    if (node.endIndex > before || node.endIndex > scope.endIndex) continue;
    if (topLevel) {
      entry.topLevel ??= findScope(node, family === 'js' ? 'typescript' : family) === undefined;
      if (!entry.topLevel) continue;
    }
    const value = readAssignedValue(node, name, family, text);
    if (value !== undefined && !isSelfFallback(value, name, family, text)) found = value;
  }
  return found;
}

// `url = result.url || url` (also `??`): a hook's override that keeps the value the name held when
// there is none. The value written above is what the code sends as written, so it stays the value.
function isSelfFallback(value: Node, name: string, family: 'js' | 'python' | 'go', text: string): boolean {
  if (family !== 'js' || value.type !== 'binary_expression') return false;
  const operator = sliceNode(text, value.childForFieldName('operator') ?? value);
  const right = value.childForFieldName('right');
  return (
    (operator === '||' || operator === '??') &&
    right?.type === 'identifier' &&
    sliceNode(text, right) === name
  );
}

// Go: `uri += "/json"` after `uri := base(...)`, in the same block as that assignment and before
// the use: what the code appends to the value on every path. Under a condition, only a path part
// built on a parameter (`if action != "" { suffix += "/" + action }`: the caller's argument decides,
// and an empty one appends nothing but a `/`); a query added when there is one, or a fixed part the
// code adds only sometimes, is left out.
/** Go: the right sides of `name += ...` appends to the value assigned at `value`, before `use`. */
export function readGoAppends(name: string, value: Node, use: Node, text: string): Node[] {
  let assignment: Node | null = value;
  while (assignment !== null && !ASSIGNMENT_TYPES.go.includes(assignment.type))
    assignment = assignment.parent;
  const block = assignment?.parent;
  if (assignment == null || block == null || findScope(assignment, 'go') === undefined) return [];
  const out: Node[] = [];
  const entries = assignmentsNamed(block, name, 'go', text);
  // The entries starting after the assignment (entries are by start).
  const after = countLeading(
    entries.length,
    (i) => (entries[i] as AssignmentEntry).start <= assignment.endIndex,
  );
  for (let i = after; i < entries.length; i++) {
    const node = (entries[i] as AssignmentEntry).node;
    if (node.endIndex > use.startIndex) break;
    if (node.endIndex > block.endIndex || node.type !== 'assignment_statement') continue;
    if (sliceNode(text, node.childForFieldName('operator') ?? node) !== '+=') continue;
    const right = node
      .childForFieldName('right')
      ?.namedChildren.find((c) => c !== null && c.type !== 'comment');
    if (right == null) continue;
    if (node.parent?.id === block.id || isParameterPart(right, text)) out.push(right);
  }
  return out;
}

// `"/" + action` with `action` a parameter of the function around it: a path part the caller gives.
function isParameterPart(node: Node, text: string): boolean {
  const [head, ...rest] = flattenConcatenation(node, text);
  if (head === undefined || !GO_STRING_TYPES.has(head.type) || !/^["`]\//.test(sliceNode(text, head)))
    return false;
  return rest.some((part) => part.type === 'identifier' && isParameterAt(part, sliceNode(text, part), text));
}

/** An assignment of a tree, found once per tree; whether it is outside every function is read when asked. */
interface AssignmentEntry {
  node: Node;
  start: number;
  topLevel?: boolean;
}

// Every lookup of a name used to walk the whole tree for assignments, so resolving the URLs of a file
// cost (calls x file size). The assignments of a tree are indexed once by the names they bind, in
// document order; a scope's assignments are the indexed ones within its range (trees nest, so a node
// inside a scope's range is inside the scope).
const assignmentIndexes = new WeakMap<object, Map<string, Map<string, AssignmentEntry[]>>>();

function assignmentsNamed(
  scope: Node,
  name: string,
  family: 'js' | 'python' | 'go',
  text: string,
): readonly AssignmentEntry[] {
  let byRoot = assignmentIndexes.get(scope.tree);
  if (byRoot === undefined) {
    byRoot = new Map();
    assignmentIndexes.set(scope.tree, byRoot);
  }
  const key = family;
  let index = byRoot.get(key);
  if (index === undefined) {
    index = new Map();
    for (const node of nodesOfType(scope.tree.rootNode, ASSIGNMENT_TYPES[family])) {
      if (node === null) continue;
      const entry: AssignmentEntry = { node, start: node.startIndex };
      for (const bound of new Set(boundNames(node, family, text))) {
        const list = index.get(bound) ?? [];
        list.push(entry);
        index.set(bound, list);
      }
    }
    byRoot.set(key, index);
  }
  return index.get(name) ?? [];
}

// The names an assignment may bind: a superset of those `readAssignedValue` accepts.
function boundNames(node: Node, family: 'js' | 'python' | 'go', text: string): string[] {
  if (family === 'js') {
    const left = node.childForFieldName(node.type === 'variable_declarator' ? 'name' : 'left');
    return left === null ? [] : [sliceNode(text, left)];
  }
  if (family === 'python') {
    const left = node.childForFieldName('left');
    return left === null ? [] : [sliceNode(text, left)];
  }
  const leftNames =
    node.type === 'const_spec' || node.type === 'var_spec'
      ? node.childrenForFieldName('name')
      : (node.childForFieldName('left')?.namedChildren ?? []);
  return leftNames.filter((n): n is Node => n !== null).map((n) => sliceNode(text, n));
}

function readAssignedValue(
  node: Node,
  name: string,
  family: 'js' | 'python' | 'go',
  text: string,
): Node | undefined {
  if (family === 'js') {
    const left = node.childForFieldName(node.type === 'variable_declarator' ? 'name' : 'left');
    const right = node.childForFieldName(node.type === 'variable_declarator' ? 'value' : 'right');
    return left?.type === 'identifier' && sliceNode(text, left) === name && right !== null
      ? right
      : undefined;
  }
  if (family === 'python') {
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    return left?.type === 'identifier' && sliceNode(text, left) === name && right !== null
      ? right
      : undefined;
  }
  const leftNames =
    node.type === 'const_spec' || node.type === 'var_spec'
      ? node.childrenForFieldName('name')
      : (node.childForFieldName('left')?.namedChildren ?? []);
  const right = node.childForFieldName(
    node.type === 'const_spec' || node.type === 'var_spec' ? 'value' : 'right',
  );
  // `uri += "?" + q`: an append, not the value (readGoAppends adds what is appended on every path).
  const operator = node.type === 'assignment_statement' ? node.childForFieldName('operator') : null;
  if (operator !== null && sliceNode(text, operator) !== '=') return undefined;
  const values = (right?.namedChildren ?? []).filter((v): v is Node => v !== null && v.type !== 'comment');
  const index = leftNames.findIndex((n) => n !== null && sliceNode(text, n) === name);
  if (index < 0) return undefined;
  // `path, err := addOptions(...)`: one call giving several values; the first is the path.
  return values.length === 1 ? values[0] : values[index];
}
