/**
 * Calls on a client instance that another module exports (`export const api = axios.create()`, or
 * `const service = axios.create()` then `export default service`): `api.get('/x')` and the
 * instance called itself with a config (`service({ url: '/x', method: 'post' })`) or a URL and
 * options (`api('/x', { method: 'PUT' })`), in a module that imports it from there: by its own name
 * for a named export, under any local name for the default export.
 */

import { basename, extname } from 'node:path';
import type { Node } from 'web-tree-sitter';
import type { InstanceDefinition } from '../project/types';
import { readUrlValue } from '../project/values';
import { readConstantString, sliceNode } from '../syntax';
import type { HttpCall, UrlSegment } from '../types';
import type { ScanContext } from './context';
import {
  HTTP_HELPERS,
  isObjectLiteral,
  readCallArguments,
  readMethodOption,
  readObjectProperty,
} from './js-objects';
import { findCleanWordNodes } from './recovery';

/** The calls one file makes on an instance exported by another module. */
export function findInstanceCalls(context: ScanContext, instance: InstanceDefinition): HttpCall[] {
  const moduleName = basename(instance.site.file, extname(instance.site.file));
  const locals =
    instance.exportedAs === 'default' ? findDefaultImports(context, moduleName) : [instance.name];
  const calls: HttpCall[] = [];
  for (const local of locals) {
    for (const hit of findCleanWordNodes(context, local)) {
      if (hit.node.type !== 'identifier') continue;
      const binding = context.findBindings(local).find((b) => b.kind === 'import');
      const source = binding?.importSource;
      if (source === undefined || basename(source, extname(source)) !== moduleName) continue;
      const call = readInstanceUse(context, instance, hit.node, hit.ancestors);
      if (call !== undefined) calls.push(call);
    }
  }
  return calls;
}

/** `import request from '@/utils/request'`: the local names this file gives the module's default. */
export function findDefaultImports(context: ScanContext, moduleName: string): string[] {
  const names: string[] = [];
  for (const statement of context.root.namedChildren) {
    if (statement?.type !== 'import_statement') continue;
    const source = readConstantString(statement.childForFieldName('source') ?? statement, context.text);
    if (source === undefined || basename(source, extname(source)) !== moduleName) continue;
    const clause = statement.namedChildren.find((child) => child?.type === 'import_clause');
    const local = clause?.namedChildren.find((child) => child?.type === 'identifier');
    if (local != null) names.push(sliceNode(context.text, local));
  }
  return names;
}

// One use of the instance's name: a helper call (`api.get(url)`) or a direct call (`api(config)`).
function readInstanceUse(
  context: ScanContext,
  instance: InstanceDefinition,
  node: Node,
  [parent, grandparent]: readonly Node[],
): HttpCall | undefined {
  let call: Node;
  let callee: Node;
  let method: string | undefined;
  let urlNode: Node | undefined;
  if (parent?.type === 'call_expression' && parent.childForFieldName('function')?.id === node.id) {
    call = parent;
    callee = node;
    const [first, second] = readCallArguments(call);
    if (isObjectLiteral(first)) {
      const url = readObjectProperty(first, 'url', context.text);
      urlNode = url.kind === 'value' ? url.node : undefined;
      method = readMethodOption(first, context.text, 'GET');
    } else {
      urlNode = first;
      method = readMethodOption(second, context.text, 'GET');
    }
    if (urlNode === undefined) return undefined;
  } else if (
    parent?.type === 'member_expression' &&
    parent.childForFieldName('object')?.id === node.id &&
    grandparent?.type === 'call_expression' &&
    grandparent.childForFieldName('function')?.id === parent.id
  ) {
    call = grandparent;
    callee = parent;
    method = HTTP_HELPERS.get(sliceNode(context.text, parent.childForFieldName('property') ?? parent));
    if (method === undefined) return undefined;
    urlNode = readCallArguments(call)[0];
  } else {
    return undefined;
  }
  const segments = readUrlValue(
    urlNode,
    context.language,
    context.text,
    context.root,
    context.project.shared,
  );
  return instanceCall(context, call, callee, instance, method, segments, instance.declared ?? instance.name);
}

/** The call a project's instance of an HTTP library makes: `via` names the instance, where it is made. */
export function instanceCall(
  context: ScanContext,
  call: Node,
  callee: Node,
  instance: InstanceDefinition,
  method: string | undefined,
  segments: UrlSegment[],
  via: string,
): HttpCall {
  return {
    kind: 'http',
    client: instance.client,
    method,
    url: {
      source: segments.map((s) => (s.kind === 'literal' ? s.text : `{${s.source}}`)).join(''),
      segments,
      known: segments.some((s) => s.kind === 'literal'),
    },
    location: context.locateNode(call),
    calleeLocation: context.locateCallee(callee),
    text: context.readExcerpt(call),
    origin: 'inferred',
    via: { name: via, file: instance.site.file, line: instance.site.line },
  };
}
