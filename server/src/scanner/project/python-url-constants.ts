/** Python path constants a URL names: a module's constant, a path table's entry, a template's text. */

import type { Node } from 'web-tree-sitter';
import { sliceNode, unwrapExpression } from '../syntax';
import type { ScanLanguage, UrlSegment } from '../types';
import { findAssignment, findScope, isParameterAt, readNameValue } from './assigned-values';
import { readClassMember } from './python-class-members';
import { pathTableEntryName, readDictionaryEntry, readTableSubscript } from './python-path-tables';
import type { SharedValues } from './types';

// `routes.URL_USERS`: a module's name is lower case (PEP 8), which tells `from api import urls`
// (a module) from `from api import Users` (a class, whose attributes are no module constants).
const MODULE_ATTRIBUTE = /^([a-z_][a-z\d_]*)\.([A-Za-z_]\w*)$/;

/** The resolver of values.ts, handed in so that this file does not import it back. */
export type ResolveUrl = (
  node: Node | undefined,
  language: ScanLanguage,
  text: string,
  root: Node,
  depth: number,
  shared?: SharedValues,
) => UrlSegment[];

/**
 * `URL_USER.format(**params)`, `routes.URL_USER.format(id=uid)`: a path template kept in a module
 * constant (this module's, or one another module shares, named alone or on the module imported
 * whole), read as its text; undefined unless it is wholly text and holds a `/`.
 */
export function readTemplateConstant(
  resolve: ResolveUrl,
  object: Node,
  text: string,
  root: Node,
  depth: number,
  shared?: SharedValues,
): UrlSegment[] | undefined {
  if (object.type === 'attribute')
    return (
      readModuleConstant(object, sliceNode(text, object), text, root, shared) ??
      readClassMember(sliceNode(text, object), object, text, shared)
    );
  if (object.type === 'subscript') return readPathTableUse(resolve, object, text, root, depth, shared);
  if (object.type !== 'identifier') return undefined;
  // `url = ENDPOINTS["cart"]` above `url.format(...)`: the entry's template, placeholders and all.
  const name = sliceNode(text, object);
  const assigned = isParameterAt(object, name, text)
    ? undefined
    : readNameValue(name, object, 'python', text, root);
  if (assigned !== undefined && unwrapExpression(assigned).type === 'subscript')
    return readPathTableUse(resolve, unwrapExpression(assigned), text, root, depth + 1, shared);
  return pathText(resolve(object, 'python', text, root, depth + 1, shared));
}

/**
 * `routes.URL_USERS` on a module imported whole (`from . import urls as routes`): the path constant
 * another module of the project shares under that name; undefined unless it is wholly text and holds
 * a `/`, or when a parameter or local of the function around `use` hides the module's name.
 */
export function readModuleConstant(
  use: Node,
  source: string,
  text: string,
  root: Node,
  shared?: SharedValues,
): UrlSegment[] | undefined {
  const [, module, name] = MODULE_ATTRIBUTE.exec(source) ?? [];
  if (module === undefined || name === undefined || shared === undefined) return undefined;
  if (!importsModule(root, module, text) || isParameterAt(use, module, text)) return undefined;
  const scope = findScope(use, 'python');
  if (scope !== undefined && findAssignment(scope, module, 'python', text, use.startIndex) !== undefined)
    return undefined;
  return pathText(shared.constants.get(name) ?? undefined);
}

/**
 * `ENDPOINTS["cart"]`: the entry of a path table (python-path-tables.ts), read from the dictionary
 * the name is assigned in the function or the module, else from the table another module shares
 * under that name; undefined unless the entry is wholly text and holds a `/`, or when a parameter
 * hides the table's name.
 */
export function readPathTableUse(
  resolve: ResolveUrl,
  node: Node,
  text: string,
  root: Node,
  depth: number,
  shared?: SharedValues,
): UrlSegment[] | undefined {
  const subscript = readTableSubscript(node, text);
  if (subscript === undefined || isParameterAt(node, subscript.table, text)) return undefined;
  const dictionary = readNameValue(subscript.table, node, 'python', text, root);
  if (dictionary !== undefined) {
    const entry = readDictionaryEntry(unwrapExpression(dictionary), subscript.key, text);
    return entry === undefined
      ? undefined
      : pathText(resolve(entry, 'python', text, root, depth + 1, shared));
  }
  return pathText(shared?.constants.get(pathTableEntryName(subscript.table, subscript.key)) ?? undefined);
}

// A constant's text when it is wholly text and holds a `/` (a path, not a page size or a name).
function pathText(value: readonly UrlSegment[] | undefined): UrlSegment[] | undefined {
  if (value === undefined || !value.every((s) => s.kind === 'literal')) return undefined;
  return value.some((s) => s.kind === 'literal' && s.text.includes('/')) ? [...value] : undefined;
}

// Whether a top-level import of the module binds `name` (`import routes`, `from . import routes`,
// `from api import urls as routes`): a module imported whole, whose attributes are its constants.
function importsModule(root: Node, name: string, text: string): boolean {
  for (const statement of root.namedChildren) {
    if (statement?.type !== 'import_statement' && statement?.type !== 'import_from_statement') continue;
    for (const child of statement.childrenForFieldName('name')) {
      if (child === null) continue;
      const bound =
        child.type === 'aliased_import'
          ? sliceNode(text, child.childForFieldName('alias') ?? child)
          : sliceNode(text, child).split('.')[0];
      if (bound === name) return true;
    }
  }
  return false;
}
