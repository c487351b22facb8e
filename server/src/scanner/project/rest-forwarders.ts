/**
 * Functions that hand their rest parameter on to a wrapper (JavaScript/TypeScript):
 * `function sendAndPick(id, ...args) { return send(...args).then(...) }`, also `send('GET', ...args)`.
 * The caller's arguments after the ones the function names are the wrapper's, so the function is
 * that wrapper with its parameters shifted: its callers that state the URL are the calls.
 */

import type { Node } from 'web-tree-sitter';
import { nodesOfType } from '../nodes-of-type';
import type { ScanContext } from '../recognizers/context';
import { readConstantString, sliceNode, unwrapExpression } from '../syntax';
import { isJsLanguage, readFunctionShape } from './code-shape';
import { isPrivateFunction } from './single-report';
import type { WrapperDefinition } from './types';

const FUNCTION_TYPES = ['function_declaration', 'method_definition', 'arrow_function', 'function_expression'];

/** Wrappers read from functions handing their rest parameter to one of `known` (this file's). */
export function findRestForwarders(
  context: ScanContext,
  known: readonly WrapperDefinition[],
  seen: Map<number, Node>,
): WrapperDefinition[] {
  const { text, language } = context;
  if (!isJsLanguage(language) || !text.includes('...')) return [];
  const byName = new Map<string, WrapperDefinition | null>();
  for (const definition of known) {
    if (definition.owner !== undefined || definition.curried === true) continue;
    byName.set(definition.name, byName.has(definition.name) ? null : definition);
  }
  if (byName.size === 0) return [];
  const found: WrapperDefinition[] = [];
  for (const node of nodesOfType(context.root, FUNCTION_TYPES)) {
    if (node === null || seen.has(node.id)) continue;
    const rest = readRestParam(node, text);
    const shape = rest === undefined ? undefined : readFunctionShape(node, language, text);
    const body = node.childForFieldName('body');
    if (rest === undefined || shape === undefined || body === null) continue;
    const definition = readForwarded(context, body, rest, byName);
    if (definition === undefined) continue;
    const { inner, position, call } = definition;
    // The wrapper's parameter `i` is the caller's argument `rest.index + i - position` from the spread on.
    const shift = (index: number | undefined): number | undefined =>
      index === undefined || index < position ? undefined : rest.index + index - position;
    const args = (call.childForFieldName('arguments')?.namedChildren ?? []).filter(
      (c): c is Node => c !== null && c.type !== 'comment',
    );
    const urlParam = shift(inner.urlParam);
    if (inner.urlParam !== undefined && urlParam === undefined) continue;
    // `send('GET', ...args)`: the method the function states in the wrapper's method position.
    const stated =
      inner.methodParam !== undefined && inner.methodParam < position && inner.methodKey === undefined
        ? readConstantString(args[inner.methodParam] ?? call, text)
        : undefined;
    const methodParam = shift(inner.methodParam);
    const method =
      inner.method ?? (stated !== undefined && /^[A-Za-z]+$/.test(stated) ? stated.toUpperCase() : undefined);
    const {
      methodParam: _m,
      urlParam: _u,
      defaults: _d,
      methodFlag: _f,
      exportedAs: _e,
      private: _p,
      ...copied
    } = inner;
    seen.set(node.id, node);
    found.push({
      ...copied,
      name: shape.name,
      ...(shape.owner === undefined ? {} : { owner: shape.owner }),
      params: [...shape.params.slice(0, rest.index), ...inner.params.slice(position)],
      ...(method === undefined ? {} : { method }),
      ...(method !== undefined || methodParam === undefined ? {} : { methodParam }),
      ...(urlParam === undefined ? {} : { urlParam }),
      site: { file: context.file, line: shape.line },
      ...(isPrivateFunction(shape, language, text) ? { private: true } : {}),
    });
  }
  return found;
}

// `(id, ...args)`: the rest parameter's name and position.
function readRestParam(fn: Node, text: string): { name: string; index: number } | undefined {
  const list = (fn.childForFieldName('parameters')?.namedChildren ?? []).filter(
    (p): p is Node => p !== null && p.type !== 'comment',
  );
  const last = list.at(-1);
  if (last === undefined) return undefined;
  const pattern = last.type === 'rest_pattern' ? last : last.childForFieldName('pattern');
  const name = pattern?.type === 'rest_pattern' ? pattern.firstNamedChild : null;
  return name?.type === 'identifier' ? { name: sliceNode(text, name), index: list.length - 1 } : undefined;
}

// The one call in `body` of a known wrapper with `...rest` among its arguments.
function readForwarded(
  context: ScanContext,
  body: Node,
  rest: { name: string },
  byName: ReadonlyMap<string, WrapperDefinition | null>,
): { inner: WrapperDefinition; position: number; call: Node } | undefined {
  const { text } = context;
  let found: { inner: WrapperDefinition; position: number; call: Node } | undefined;
  for (const call of nodesOfType(body, 'call_expression')) {
    const callee = call === null ? null : call.childForFieldName('function');
    if (call === null || callee?.type !== 'identifier') continue;
    const inner = byName.get(sliceNode(text, callee));
    if (inner === undefined || inner === null) continue;
    const args = (call.childForFieldName('arguments')?.namedChildren ?? []).filter(
      (c): c is Node => c !== null && c.type !== 'comment',
    );
    const position = args.findIndex(
      (arg) =>
        arg.type === 'spread_element' &&
        arg.firstNamedChild !== null &&
        sliceNode(text, unwrapExpression(arg.firstNamedChild)) === rest.name,
    );
    // Only a spread that ends the arguments: what follows it would shift by the rest's length.
    if (position < 0 || position !== args.length - 1) continue;
    if (found !== undefined) return undefined;
    found = { inner, position, call };
  }
  return found;
}
