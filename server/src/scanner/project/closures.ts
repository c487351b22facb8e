/**
 * Calls inside closures that a function runs itself: `handlePage := func(page int) error { return
 * client.doRequest(ctx, method, endpoint, ...) }` (Go), `const send = () => fetch(base + path)` (JS),
 * a nested `def attempt():` (Python). The closure's own parameters do not reach the URL; the
 * function around it does (the closure captures `method` and `endpoint`). That function is the
 * wrapper, since calling it runs the closure (called in place, through a local, or handed to a
 * retry or paging helper). A closure that is returned or stored in a literal or a field is not run
 * by the call, so the function around it is not a wrapper through it.
 */

import type { Node } from 'web-tree-sitter';
import type { ScanLanguage } from '../types';
import { type FunctionShape, findEnclosingFunction, isJsLanguage } from './code-shape';

const JS_CLOSURES = new Set(['arrow_function', 'function_expression', 'function', 'function_declaration']);
// Where a closure stops being run by the function around it: it leaves as a value.
const ESCAPES = new Set([
  'return_statement',
  'composite_literal',
  'literal_value',
  'keyed_element',
  'object',
  'pair',
  'dictionary',
  'export_statement',
]);
const MAX_NESTING = 4;

/**
 * The named functions around the closure that holds `node` that run it, nearest first: a named
 * local closure (`const task = () => queue.add(async () => fetch(url))`, handed to a retry helper)
 * is run by the method around it in turn, and that method may be the one whose parameter the URL
 * names. Empty when `node` is in no closure or the closure escapes.
 */
export function findCapturingFunctions(node: Node, language: ScanLanguage, text: string): FunctionShape[] {
  const found: FunctionShape[] = [];
  let closure = nearestClosure(node, language);
  for (let depth = 0; closure !== undefined && depth < MAX_NESTING; depth++) {
    const outer = findOuterFunctionNode(closure, language);
    if (outer === undefined || escapes(closure, outer)) break;
    const shape = findEnclosingFunction(closure, language, text);
    if (shape !== undefined && shape.node.id === outer.id) {
      found.push(shape);
      // A method is run by its callers, not by the code around it. (Python's and Go's closures stop
      // at the nearest named function, as they always have.)
      if (!isJsLanguage(language) || !isClosure(outer, language)) break;
    }
    closure = outer;
  }
  return found;
}

function isClosure(node: Node, language: ScanLanguage): boolean {
  if (language === 'go') return node.type === 'func_literal';
  if (language === 'python') return node.type === 'function_definition' || node.type === 'lambda';
  return isJsLanguage(language) && JS_CLOSURES.has(node.type);
}

function isFunction(node: Node, language: ScanLanguage): boolean {
  if (language === 'go')
    return (
      node.type === 'func_literal' ||
      node.type === 'function_declaration' ||
      node.type === 'method_declaration'
    );
  if (language === 'python') return node.type === 'function_definition' || node.type === 'lambda';
  return JS_CLOSURES.has(node.type) || node.type === 'method_definition';
}

// The innermost function holding `node`, when it is a closure (a Go function declaration is not).
function nearestClosure(node: Node, language: ScanLanguage): Node | undefined {
  for (let current = node.parent; current !== null; current = current.parent) {
    if (isFunction(current, language)) return isClosure(current, language) ? current : undefined;
  }
  return undefined;
}

function findOuterFunctionNode(closure: Node, language: ScanLanguage): Node | undefined {
  for (let current = closure.parent; current !== null; current = current.parent) {
    if (isFunction(current, language)) return current;
  }
  return undefined;
}

function escapes(closure: Node, outer: Node): boolean {
  // `new Promise((resolve, reject) => { ... })` runs its executor at once, wherever the promise goes.
  if (isPromiseExecutor(closure)) return false;
  for (let current = closure.parent; current !== null && current.id !== outer.id; current = current.parent) {
    // `useMutation({ mutationFn: () => post(path) })`: an option of a call is handed to that call,
    // as a closure given as an argument is (`queue.add(() => ...)`), not kept as a value.
    // What the call does with its result (`return useMutation({...})`) is no longer the closure's.
    if (current.type === 'pair' && isCallOption(current)) return false;
    if (ESCAPES.has(current.type)) return true;
    // `c.retry = func() {...}`, `this.send = () => ...`, `self.cb = lambda: ...`: kept for later.
    if (
      (current.type === 'assignment_statement' ||
        current.type === 'assignment_expression' ||
        current.type === 'assignment') &&
      /^(selector_expression|member_expression|attribute|expression_list)$/.test(
        current.childForFieldName('left')?.type ?? '',
      ) &&
      !isPlainNames(current.childForFieldName('left'))
    )
      return true;
  }
  return false;
}

// A key of an object literal given directly as an argument of a JS call (not of `new`).
function isCallOption(pair: Node): boolean {
  const object = pair.parent;
  const args = object?.type === 'object' ? object.parent : null;
  return args?.type === 'arguments' && args.parent?.type === 'call_expression';
}

// Go's `a, b = ...` left side is an expression_list of names: plain locals, not fields.
function isPlainNames(left: Node | null): boolean {
  return (
    left?.type === 'expression_list' && left.namedChildren.every((child) => child?.type === 'identifier')
  );
}

// The first argument of `new Promise(...)`: JavaScript calls it while constructing the promise.
function isPromiseExecutor(closure: Node): boolean {
  const args = closure.parent;
  const created = args?.parent;
  return (
    args?.type === 'arguments' &&
    args.firstNamedChild?.id === closure.id &&
    created?.type === 'new_expression' &&
    created.childForFieldName('constructor')?.text === 'Promise'
  );
}
