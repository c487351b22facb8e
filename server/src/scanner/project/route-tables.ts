/**
 * JavaScript/TypeScript route tables: a module-level `const routes = { users: `${prefix}/users`,
 * userById: (id) => `${prefix}/users/${id}` }` whose entries the module's API classes call
 * (`this.http.get(routes.users)`, `this.http.get(routes.userById(id))`) or keep in a field
 * (`itemRoute = routes.userById`). An entry is read where the table is the module's own `const`
 * object (also exported, also `as const`) and no parameter or local around the use hides its name.
 */

import type { Node } from 'web-tree-sitter';
import { sliceNode, unwrapExpression } from '../syntax';
import { isParameterAt, readNameValue } from './assigned-values';

const DECLARATIONS = new Set(['lexical_declaration', 'variable_declaration']);
const FUNCTION_VALUES = new Set(['arrow_function', 'function_expression', 'function']);

// Each tree's top-level `const` object literals by name (a name declared twice is left out).
const tables = new WeakMap<object, { text: string; byName: Map<string, Node | null> }>();

/**
 * The value of `table.key` (a string, a template, or a function: an arrow, a function expression,
 * an object method) when `member` reads an entry of a module-level route table; else undefined.
 */
export function findRouteTableEntry(member: Node, text: string): Node | undefined {
  if (member.type !== 'member_expression') return undefined;
  const object = member.childForFieldName('object');
  const property = member.childForFieldName('property');
  if (object?.type !== 'identifier' || property?.type !== 'property_identifier') return undefined;
  const name = sliceNode(text, object);
  const table = readTables(member.tree.rootNode, text).get(name);
  if (table == null || isParameterAt(member, name, text)) return undefined;
  // A local of the same name in the function around the use is another value.
  const value = readNameValue(name, member, 'typescript', text, member.tree.rootNode);
  if (value === undefined || unwrapExpression(value).id !== table.id) return undefined;
  return readEntry(table, sliceNode(text, property), text);
}

/** Whether an entry is a function of its arguments (`(id) => ...`), rather than a path. */
export function isFunctionEntry(entry: Node): boolean {
  return FUNCTION_VALUES.has(entry.type) || entry.type === 'method_definition';
}

function readTables(root: Node, text: string): Map<string, Node | null> {
  const known = tables.get(root.tree);
  if (known !== undefined && known.text === text) return known.byName;
  const byName = new Map<string, Node | null>();
  for (let statement of root.namedChildren) {
    if (statement?.type === 'export_statement')
      statement = statement.childForFieldName('declaration') ?? statement;
    if (statement == null || !DECLARATIONS.has(statement.type)) continue;
    const isConst = statement.children.some((c) => c?.type === 'const');
    for (const declarator of statement.namedChildren) {
      const name = declarator?.childForFieldName('name');
      const value = declarator?.childForFieldName('value');
      if (declarator?.type !== 'variable_declarator' || name?.type !== 'identifier' || value == null)
        continue;
      const key = sliceNode(text, name);
      const object = unwrapExpression(value);
      byName.set(key, byName.has(key) || !isConst || object.type !== 'object' ? null : object);
    }
  }
  tables.set(root.tree, { text, byName });
  return byName;
}

// The entry under `key`: a pair's value, or a method of that name.
function readEntry(table: Node, key: string, text: string): Node | undefined {
  let found: Node | undefined;
  for (const child of table.namedChildren) {
    if (child === null) continue;
    const name =
      child.type === 'pair' || child.type === 'method_definition'
        ? child.childForFieldName(child.type === 'pair' ? 'key' : 'name')
        : null;
    if (name === null || sliceNode(text, name).replace(/^['"]|['"]$/g, '') !== key) continue;
    // Spread in or written twice: which one holds is not read.
    if (found !== undefined) return undefined;
    found = child.type === 'pair' ? (child.childForFieldName('value') ?? undefined) : child;
  }
  return found === undefined || found.type === 'method_definition' ? found : unwrapExpression(found);
}
