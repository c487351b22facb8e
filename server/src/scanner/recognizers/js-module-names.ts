/**
 * The local names a JavaScript/TypeScript file binds to a module's exports: `import https from
 * 'https'`, `import * as http from 'node:http'`, `import { request as send } from 'https'`,
 * `const https = require('https')` (or its `.default`), `const { request } = require('http')`. The
 * recognisers of the platform's own transports (Node's http/https, jQuery) start from these.
 */

import type { Node } from 'web-tree-sitter';
import { type Binding, resolveBinding } from '../scopes';
import { readConstantString, sliceNode } from '../syntax';
import type { ScanContext } from './context';
import { findCleanWordNodes } from './recovery';

/** The whole module (default or namespace import, a plain require) rather than one export. */
export const WHOLE_MODULE = '*';

/** A local name bound to a module or to one of its exports. */
export interface ModuleName {
  name: string;
  binding: Binding;
  /** The module specifier as written (`node:https`). */
  module: string;
  /** The export the name holds, or `WHOLE_MODULE`. */
  imported: string;
}

/** Finds the names the file binds to any of `modules` (whole, or the named exports it imports). */
export function findModuleNames(context: ScanContext, modules: readonly string[]): ModuleName[] {
  const names: ModuleName[] = [];
  const { text } = context;
  if (!modules.some((module) => text.includes(module))) return names;
  const add = (nameNode: Node | null | undefined, module: string, imported: string): void => {
    if (nameNode?.type !== 'identifier' && nameNode?.type !== 'shorthand_property_identifier_pattern') return;
    const name = sliceNode(text, nameNode);
    const binding = context.findBindings(name).find((b) => b.node.startIndex === nameNode.startIndex);
    if (binding !== undefined) names.push({ name, binding, module, imported });
  };
  for (const statement of context.root.namedChildren) {
    if (statement?.type !== 'import_statement') continue;
    const source = statement.childForFieldName('source');
    const module = source === null ? undefined : readConstantString(source, text);
    if (module === undefined || !modules.includes(module)) continue;
    const clause = statement.namedChildren.find((child) => child?.type === 'import_clause');
    for (const part of clause?.namedChildren ?? []) {
      if (part?.type === 'identifier') add(part, module, WHOLE_MODULE);
      else if (part?.type === 'namespace_import')
        add(
          part.namedChildren.find((c) => c?.type === 'identifier'),
          module,
          WHOLE_MODULE,
        );
      else if (part?.type === 'named_imports') {
        for (const specifier of part.namedChildren) {
          const imported = specifier?.childForFieldName('name');
          if (imported == null) continue;
          const importedName = sliceNode(text, imported);
          add(
            specifier?.childForFieldName('alias') ?? imported,
            module,
            importedName === 'default' ? WHOLE_MODULE : importedName,
          );
        }
      }
    }
  }
  for (const hit of findCleanWordNodes(context, 'require')) {
    const [call, next, after] = hit.ancestors;
    if (hit.node.type !== 'identifier' || call?.type !== 'call_expression') continue;
    const argument = call.childForFieldName('arguments')?.namedChildren[0];
    const module = argument == null ? undefined : readConstantString(argument, text);
    if (module === undefined || !modules.includes(module)) continue;
    const declarator =
      next?.type === 'variable_declarator'
        ? next
        : next?.type === 'member_expression' && after?.type === 'variable_declarator'
          ? after
          : undefined;
    const pattern = declarator?.childForFieldName('name');
    if (pattern?.type === 'identifier') add(pattern, module, WHOLE_MODULE);
    else if (pattern?.type === 'object_pattern' && declarator === next) {
      for (const property of pattern.namedChildren) {
        if (property?.type === 'shorthand_property_identifier_pattern')
          add(property, module, sliceNode(text, property));
        else if (property?.type === 'pair_pattern') {
          const key = property.childForFieldName('key');
          if (key !== null) add(property.childForFieldName('value'), module, sliceNode(text, key));
        }
      }
    }
  }
  return names;
}

/** The uses of `name` in the file that resolve to `binding` (its own declaration left out). */
export function findUsesOf(context: ScanContext, name: string, binding: Binding | undefined): Node[][] {
  const bindings = context.findBindings(name);
  const uses: Node[][] = [];
  for (const hit of findCleanWordNodes(context, name)) {
    if (hit.node.type !== 'identifier' || hit.node.startIndex === binding?.node.startIndex) continue;
    const resolved = resolveBinding(bindings, hit.node);
    if (binding === undefined ? resolved !== undefined : resolved?.node.id !== binding.node.id) continue;
    uses.push([hit.node, ...hit.ancestors]);
  }
  return uses;
}
