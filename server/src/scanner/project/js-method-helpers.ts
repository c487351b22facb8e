/**
 * JavaScript/TypeScript URL helper methods of the caller's own class, and templates built on them:
 * `` `${this.getUserRoute(id)}/patch` `` where the class defines `getUserRoute(userId) { return
 * `${this.getUsersRoute()}/${userId}`; }` (a method, or an arrow function in a field); the same for
 * a function of the module (`getItemUrl(params)`, declared or a top-level `const` arrow function). The helper's
 * returned URL is read with the caller's arguments in place of its parameters (else a parameter's
 * string default), helpers built on helpers read in turn (each level costs the reader one step of
 * its depth, so a helper calling itself stops). A query string a template ends with
 * (`${buildQueryString(params)}`, `${qs.stringify(query)}`) is marked as the query it is.
 */

import type { Node } from 'web-tree-sitter';
import { readLiteral, sliceNode, unwrapExpression } from '../syntax';
import type { UrlSegment } from '../types';
import { readNameValue } from './assigned-values';
import { findEnclosingFunction } from './code-shape';
import type { ReadUrl } from './js-url-values';
import { chooseOptionalBranch } from './optional-parts';
import { findRouteTableEntry, isFunctionEntry } from './route-tables';

// A helper longer than this is not a URL helper (its return is not a function of its arguments).
const MAX_STATEMENTS = 4;
// Helpers nest (a route built on a route built on a base route): read up to this many levels, and
// at most this many helper calls for one URL, whatever the code (a helper calling itself stops).
const MAX_NESTING = 8;
const MAX_READS = 200;
let nesting = 0;
let reads = 0;
// Set when a read ran out of levels or reads: every helper of that chain is then left unread (a
// helper calling itself gives no URL, rather than a URL cut at an arbitrary level).
let exhausted = false;
// A call that builds a query string: `buildQueryString(p)`, `toQueryString(p)`, `qs.stringify(p)`.
const QUERY_BUILDER = /(?:^|\.)[\w$]*query[\w$]*$|^(?:qs|querystring|queryString)\.stringify$/i;
const DECLARATIONS = new Set(['lexical_declaration', 'variable_declaration']);

/**
 * The URL a call of a helper method of the enclosing class builds (`this.itemPath(id)`), or
 * undefined when `node` is not such a call or the helper does not return a path (a literal with a `/`).
 * `read` reads at the caller's own depth: nesting is bounded here instead, so a chain of route
 * helpers deeper than the reader's depth is read whole.
 */
export function readJsMethodHelper(node: Node, text: string, read: ReadUrl): UrlSegment[] | undefined {
  if (node.type !== 'call_expression' && node.type !== 'member_expression') return undefined;
  if (nesting === 0) {
    reads = 0;
    exhausted = false;
  }
  if (nesting >= MAX_NESTING || reads >= MAX_READS) exhausted = true;
  if (exhausted) return undefined;
  reads++;
  nesting++;
  try {
    const segments = readHelperCall(node, text, read);
    return exhausted ? undefined : segments;
  } finally {
    nesting--;
  }
}

// Reads the helper's returned URL at the caller's depth: `readJsMethodHelper` bounds the nesting.
function readHelperCall(node: Node, text: string, read: ReadUrl): UrlSegment[] | undefined {
  // `routes.users`: a route table's path entry, read as it is written.
  const entry = node.type === 'member_expression' ? findRouteTableEntry(node, text) : undefined;
  if (entry !== undefined && !isFunctionEntry(entry)) {
    const path = read(entry);
    return path.some((s) => s.kind === 'literal' && s.text.includes('/')) ? path : undefined;
  }
  const helper = node.type === 'member_expression' ? findGetter(node, text) : findHelper(node, text);
  const returned = helper === undefined ? undefined : readReturned(helper, text);
  const shape = returned === undefined ? undefined : findEnclosingFunction(returned, 'typescript', text);
  if (returned === undefined || shape === undefined || shape.node.id !== helper?.id) return undefined;
  const args = (node.childForFieldName('arguments')?.namedChildren ?? []).filter(
    (c): c is Node => c !== null && c.type !== 'comment',
  );
  const out: UrlSegment[] = [];
  const given = (index: number): boolean => args[index] !== undefined && args[index]?.type !== 'undefined';
  const substitute = (segments: readonly UrlSegment[], nested: boolean): void => {
    for (const segment of segments) {
      const index = segment.kind === 'expr' ? shape.params.indexOf(segment.source) : -1;
      const argument = index >= 0 ? args[index] : undefined;
      // `${operation === undefined ? '' : '/' + operation}`: the branch this call takes.
      const branch =
        segment.kind === 'expr' && index < 0 && !nested
          ? chooseOptionalBranch(segment.source, returned, shape.params, given, text)
          : undefined;
      if (branch !== undefined) substitute(read(branch), true);
      else if (argument !== undefined) out.push(...read(argument));
      else if (index >= 0 && shape.defaults?.has(index))
        out.push({ kind: 'literal', text: shape.defaults.get(index) ?? '' });
      else out.push(segment);
    }
  };
  substitute(read(returned), false);
  return out.some((s) => s.kind === 'literal' && s.text.includes('/')) ? out : undefined;
}

/**
 * A template literal with a helper method's call among its parts, or ending with a query string
 * builder: the template with those parts read. Undefined for any other template (the recogniser's
 * own reading stands).
 */
export function readJsTemplate(node: Node, text: string, read: ReadUrl): UrlSegment[] | undefined {
  if (node.type !== 'template_string' || node.parent?.type === 'call_expression') return undefined;
  const parts = node.namedChildren.filter((c): c is Node => c?.type === 'template_substitution');
  const readings = parts.map((part) => {
    const expression = part.firstNamedChild === null ? undefined : unwrapExpression(part.firstNamedChild);
    return expression === undefined ? undefined : readJsMethodHelper(expression, text, read);
  });
  const last = parts.at(-1);
  const endsWithQuery =
    last !== undefined && last.endIndex === node.endIndex - 1 && isQueryBuilder(last.firstNamedChild, text);
  if (!endsWithQuery && readings.every((r) => r === undefined)) return undefined;
  const segments = readLiteral(node, text)?.segments ?? [];
  const out: UrlSegment[] = [];
  let part = 0;
  for (const segment of segments) {
    if (segment.kind === 'literal') {
      out.push(segment);
      continue;
    }
    const reading = readings[part];
    if (endsWithQuery && part === parts.length - 1) {
      const before = out.at(-1);
      if (!(before?.kind === 'literal' && before.text.includes('?')))
        out.push({ kind: 'literal', text: '?' });
      out.push(segment);
    } else out.push(...(reading ?? [segment]));
    part++;
  }
  return out;
}

/**
 * Whether `node` calls a method of the class around it (`this.baseRoute()`) or reads one of its
 * getters (`this.basePath`), a URL helper candidate.
 */
export function isHelperCall(node: Node, text: string): boolean {
  const inner = unwrapExpression(node);
  if (inner.type === 'member_expression')
    return findGetter(inner, text) !== undefined || findRouteTableEntry(inner, text) !== undefined;
  return inner.type === 'call_expression' && findHelper(inner, text) !== undefined;
}

// `this.basePath` where the class around it defines `get basePath() { return '/api/items'; }`: a
// getter is a helper method called without parentheses. Only the class's own getter: one a subclass
// overrides is the subclass's, and an abstract one has no body.
function findGetter(member: Node, text: string): Node | undefined {
  const property = member.childForFieldName('property');
  if (member.childForFieldName('object')?.type !== 'this' || property === null) return undefined;
  const found = findClassMember(member, sliceNode(text, property), text);
  return found?.type === 'method_definition' && found.children.some((c) => c?.type === 'get')
    ? found
    : undefined;
}

// The helper a call names: a method of the class around it (`this.itemPath(id)`), a function of
// the module declared at its top level (`itemPath(id)`, a declaration or a `const` arrow function),
// or a function entry of a module's route table (`routes.itemPath(id)`).
function findHelper(call: Node, text: string): Node | undefined {
  const callee = call.childForFieldName('function');
  if (callee?.type === 'identifier') return findModuleFunction(call, sliceNode(text, callee), text);
  const property = callee?.type === 'member_expression' ? callee.childForFieldName('property') : null;
  if (callee?.childForFieldName('object')?.type !== 'this' || property == null)
    return callee == null ? undefined : findFunctionEntry(callee, text);
  return findClassMember(call, sliceNode(text, property), text);
}

function findFunctionEntry(member: Node, text: string): Node | undefined {
  const entry = findRouteTableEntry(member, text);
  return entry !== undefined && isFunctionEntry(entry) ? entry : undefined;
}

// The one function of that name the module declares at its top level (also exported).
function findModuleFunction(call: Node, name: string, text: string): Node | undefined {
  const tree = call.tree;
  let known = moduleFunctions.get(tree);
  if (known === undefined || known.text !== text) {
    known = { text, byName: readModuleFunctions(tree.rootNode, text) };
    moduleFunctions.set(tree, known);
  }
  const found = known.byName.get(name);
  return found?.length === 1 ? found[0] : undefined;
}

// A module's top-level functions by name, read once per tree (a file of many calls asks often).
const moduleFunctions = new WeakMap<object, { text: string; byName: Map<string, Node[]> }>();

function readModuleFunctions(root: Node, text: string): Map<string, Node[]> {
  const byName = new Map<string, Node[]>();
  const add = (name: Node | null, fn: Node): void => {
    if (name === null) return;
    const key = sliceNode(text, name);
    byName.set(key, [...(byName.get(key) ?? []), fn]);
  };
  for (let statement of root.namedChildren) {
    if (statement?.type === 'export_statement')
      statement = statement.childForFieldName('declaration') ?? statement;
    if (statement?.type === 'function_declaration') add(statement.childForFieldName('name'), statement);
    else if (statement !== null && DECLARATIONS.has(statement.type)) {
      for (const declarator of statement.namedChildren) {
        const value = declarator?.childForFieldName('value');
        if (
          declarator?.type === 'variable_declarator' &&
          (value?.type === 'arrow_function' || value?.type === 'function_expression')
        )
          add(declarator.childForFieldName('name'), value);
      }
    }
  }
  return byName;
}

function isQueryBuilder(expression: Node | null, text: string): boolean {
  if (expression === null) return false;
  let inner = unwrapExpression(expression);
  // `const query = buildQueryString(...)` above the use.
  if (inner.type === 'identifier') {
    const value = readNameValue(sliceNode(text, inner), inner, 'typescript', text, inner.tree.rootNode);
    if (value === undefined) return false;
    inner = unwrapExpression(value);
  }
  const callee = inner.type === 'call_expression' ? inner.childForFieldName('function') : null;
  return callee != null && QUERY_BUILDER.test(sliceNode(text, callee));
}

// The one method (or function-valued field) of that name in the class around the call (a getter and
// its setter are two: neither is read).
function findClassMember(call: Node, name: string, text: string): Node | undefined {
  let body: Node | null = call.parent;
  while (body !== null && body.type !== 'class_body') body = body.parent;
  if (body === null) return undefined;
  const found: Node[] = [];
  for (const member of body.namedChildren) {
    if (member === null || sliceNode(text, member.childForFieldName('name') ?? member) !== name) continue;
    if (member.type === 'method_definition') found.push(member);
    const value = member.type === 'public_field_definition' ? member.childForFieldName('value') : null;
    if (value != null && (value.type === 'arrow_function' || value.type === 'function_expression'))
      found.push(value);
    // `itemRoute = routes.itemPath`: a field holding a route table's function.
    const entry = value?.type === 'member_expression' ? findFunctionEntry(value, text) : undefined;
    if (entry !== undefined) found.push(entry);
  }
  return found.length === 1 ? found[0] : undefined;
}

// The expression a body of local declarations and one final `return` returns (or an arrow's expression).
function readReturned(fn: Node, text: string): Node | undefined {
  const body = fn.childForFieldName('body');
  if (body === null) return undefined;
  if (body.type !== 'statement_block') return body;
  const statements = body.namedChildren.filter((s): s is Node => s !== null && s.type !== 'comment');
  const last = statements.at(-1);
  if (statements.length > MAX_STATEMENTS || last?.type !== 'return_statement') return undefined;
  const returned = last.namedChildren.find((c) => c !== null && c.type !== 'comment') ?? undefined;
  const name = returned?.type === 'identifier' ? sliceNode(text, returned) : undefined;
  if (
    !statements
      .slice(0, -1)
      .every(
        (s) => DECLARATIONS.has(s.type) || isEarlyReturn(s) || isSideGuard(s) || addsQueryOnly(s, name, text),
      )
  )
    return undefined;
  return returned;
}

// `if (query) { for (...) url.searchParams.append(k, v) }` before `return url`: a statement that
// touches the returned URL only through its query (its path stays the one it was built with).
function addsQueryOnly(statement: Node, name: string | undefined, text: string): boolean {
  if (name === undefined || statement.descendantsOfType('return_statement').length > 0) return false;
  let touches = false;
  for (const id of statement.descendantsOfType('identifier')) {
    if (id == null || sliceNode(text, id) !== name) continue;
    const member = id.parent;
    if (member?.type !== 'member_expression' || member.childForFieldName('object')?.id !== id.id)
      return false;
    const property = member.childForFieldName('property');
    if (property === null || sliceNode(text, property) !== 'searchParams') return false;
    touches = true;
  }
  return touches;
}

// `if (config.legacy) { return \`/v1/...\` }` before the final return: the helper's other path, taken
// under a condition; the final return is the path taken when no condition holds. A guard that throws
// (`if (!id) throw new Error(...)`) gives no path.
function isEarlyReturn(statement: Node): boolean {
  if (statement.type !== 'if_statement' || statement.childForFieldName('alternative') !== null) return false;
  const consequence = statement.childForFieldName('consequence');
  const only =
    consequence?.type === 'statement_block'
      ? consequence.namedChildren.filter((c) => c !== null && c.type !== 'comment')
      : [consequence];
  return only.length === 1 && (only[0]?.type === 'return_statement' || only[0]?.type === 'throw_statement');
}

// `if (!warned) { console.warn(...); warned = true }` before the return: a side effect (a one-time
// warning) that returns nothing and leaves the returned path as it is.
function isSideGuard(statement: Node): boolean {
  return (
    statement.type === 'if_statement' &&
    statement.childForFieldName('alternative') === null &&
    statement.descendantsOfType(['return_statement', 'throw_statement', 'variable_declarator']).length === 0
  );
}
