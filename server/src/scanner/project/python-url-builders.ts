/**
 * Python URL builder calls: `self._create_api_uri(path, version)`, a method of the caller's own
 * object whose name says it makes a URL or a path, handed a name first. What it returns is not read
 * here; the first argument is the path it is built from (the form SDKs write for a builder kept in a
 * base class of another module, that prepends a host, a prefix and a version).
 */

import type { Node } from 'web-tree-sitter';
import type { ScanContext } from '../recognizers/context';
import { sliceNode } from '../syntax';
import { readNameValue } from './assigned-values';
import { METHOD_NAME } from './wrapper-urls';

// A builder's name: `_create_api_uri`, `build_url`, `_full_path`, `endpoint_url`.
const URL_BUILDER = /ur[il]|path|endpoint/i;

/** A URL builder call's receiver name, callee text and first argument, else undefined. */
export function readUrlBuilderCall(
  node: Node,
  text: string,
): { receiver: string; callee: string; path: Node } | undefined {
  if (node.type !== 'call') return undefined;
  const callee = node.childForFieldName('function');
  const receiver = callee?.type === 'attribute' ? callee.childForFieldName('object') : null;
  const name = callee?.childForFieldName('attribute');
  if (callee == null || receiver?.type !== 'identifier' || name == null) return undefined;
  if (!URL_BUILDER.test(sliceNode(text, name))) return undefined;
  const first = node.childForFieldName('arguments')?.namedChildren[0];
  if (first?.type !== 'identifier') return undefined;
  return { receiver: sliceNode(text, receiver), callee: sliceNode(text, callee), path: first };
}

/**
 * Python: `uri = self._create_api_uri(path, version)` handed on as `uri`: a local a URL builder made
 * from a parameter of the function around it carries that parameter.
 */
export function isBuiltFromParameter(context: ScanContext, node: Node): boolean {
  if (context.language !== 'python' || node.type !== 'identifier') return false;
  const { text } = context;
  const value = readNameValue(sliceNode(text, node), node, context.language, text, context.root);
  const builder = value === undefined ? undefined : readUrlBuilderCall(value, text);
  if (builder === undefined) return false;
  let fn = node.parent;
  while (fn !== null && fn.type !== 'function_definition') fn = fn.parent;
  return fn !== null && isPathParameter(fn, sliceNode(text, builder.path), text);
}

/**
 * Whether `name` is a parameter of the Python function `fn` that may hold a path: bare, annotated
 * `str`, or with a string default (not `self`, not a method's name, not an `int` or a flag).
 */
export function isPathParameter(fn: Node, name: string, text: string): boolean {
  if (name === 'self' || name === 'cls' || METHOD_NAME.test(name)) return false;
  for (const declaration of fn.childForFieldName('parameters')?.namedChildren ?? []) {
    let id: Node | null = null;
    if (declaration?.type === 'identifier') id = declaration;
    else if (declaration?.type === 'typed_parameter') {
      const type = declaration.childForFieldName('type');
      id = type !== null && sliceNode(text, type) === 'str' ? declaration.firstNamedChild : null;
    } else if (declaration?.type === 'default_parameter' || declaration?.type === 'typed_default_parameter') {
      const fallback = declaration.childForFieldName('value');
      id = fallback?.type === 'string' ? declaration.childForFieldName('name') : null;
    }
    if (id?.type === 'identifier' && sliceNode(text, id) === name) return true;
  }
  return false;
}
