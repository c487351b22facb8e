/**
 * A module's exported client instances: `export const api = axios.create({...})` (also got's and
 * ky's factories), and a top-level `const service = axios.create()` that the module exports as its
 * default (`export default service`, `export { service as default }`), which importers name as they
 * like (`import request from '@/utils/request'`).
 */

import { basename, extname } from 'node:path';
import type { Node } from 'web-tree-sitter';
import { nodesOfType } from '../nodes-of-type';
import type { ScanContext } from '../recognizers/context';
import { findPythonInstances } from '../recognizers/python-instance-calls';
import { sliceNode } from '../syntax';
import type { HttpClient } from '../types';
import { isJsLanguage } from './code-shape';
import type { InstanceDefinition } from './types';

/** The client instances one JavaScript or TypeScript module exports (a Python module's: its top-level sessions). */
export function findInstances(context: ScanContext): InstanceDefinition[] {
  if (context.language === 'python') return findPythonInstances(context);
  if (!isJsLanguage(context.language)) return [];
  const defaults = findDefaultExportNames(context);
  const instances: InstanceDefinition[] = [];
  for (const declarator of nodesOfType(context.root, 'variable_declarator')) {
    if (declarator === null) continue;
    const statement = declarator.parent;
    const exported = statement?.parent?.type === 'export_statement';
    const topLevel = statement?.parent?.type === 'program';
    const name = declarator.childForFieldName('name');
    if (name?.type !== 'identifier') continue;
    const declared = sliceNode(context.text, name);
    const byDefault = topLevel && defaults.has(declared);
    if (!exported && !byDefault) continue;
    const client = readFactoryClient(context, declarator.childForFieldName('value'));
    if (client === undefined) continue;
    const site = { file: context.file, line: declarator.startPosition.row + 1 };
    instances.push(
      byDefault
        ? {
            kind: 'instance',
            language: context.language,
            name: basename(context.file, extname(context.file)),
            exportedAs: 'default',
            declared,
            client,
            site,
          }
        : { kind: 'instance', language: context.language, name: declared, client, site },
    );
  }
  return instances;
}

// `export default service`, `export { service as default }`: the names a module exports as default.
function findDefaultExportNames(context: ScanContext): Set<string> {
  const names = new Set<string>();
  for (const statement of context.root.namedChildren) {
    if (statement?.type !== 'export_statement') continue;
    const value = statement.childForFieldName('value');
    if (value?.type === 'identifier' && /^export\s+default\b/.test(sliceNode(context.text, statement)))
      names.add(sliceNode(context.text, value));
    // `export { x as default }` spells `default`: an export of a long function is not walked whole.
    if (!sliceNode(context.text, statement).includes('default')) continue;
    for (const specifier of statement.descendantsOfType('export_specifier')) {
      const local = specifier?.childForFieldName('name');
      const alias = specifier?.childForFieldName('alias');
      if (local != null && alias != null && sliceNode(context.text, alias) === 'default')
        names.add(sliceNode(context.text, local));
    }
  }
  return names;
}

// `axios.create(...)`, `got.extend(...)`, `ky.create(...)` on the imported (or required) library.
function readFactoryClient(context: ScanContext, value: Node | null): HttpClient | undefined {
  if (value?.type !== 'call_expression') return undefined;
  const callee = value.childForFieldName('function');
  if (callee?.type !== 'member_expression') return undefined;
  const object = callee.childForFieldName('object');
  const property = sliceNode(context.text, callee.childForFieldName('property') ?? callee);
  if (object?.type !== 'identifier' || !['create', 'extend'].includes(property)) return undefined;
  const binding = context
    .findBindings(sliceNode(context.text, object))
    .find((b) => b.kind === 'import' || b.initializer !== undefined);
  const source =
    binding?.importSource ??
    (binding?.initializer === undefined
      ? undefined
      : /require\(\s*['"]([^'"]+)['"]/.exec(sliceNode(context.text, binding.initializer))?.[1]);
  return source === 'axios' ? 'axios' : source === 'got' ? 'got' : source === 'ky' ? 'ky' : undefined;
}
