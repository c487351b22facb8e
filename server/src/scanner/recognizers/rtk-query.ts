/**
 * Recognises Redux Toolkit Query's endpoint definitions: in `createApi({ endpoints: (builder) =>
 * ({ ... }) })` (imported from `@reduxjs/toolkit/query` or `.../react`), each
 * `builder.query({ query: (id) => `things/${id}` })` and `builder.mutation({ query: (body) => ({
 * url: 'things', method: 'POST', body }) })` is a request the API's base query sends: a returned
 * string is a GET of that path, a returned object its `url` with its `method` (GET when it names
 * none). The definition is the call site: the code states the URL there, and the generated hooks
 * that send it name no URL.
 */

import type { Node } from 'web-tree-sitter';
import { JS_LANGUAGES } from '../languages';
import { readConstantString, sliceNode, unwrapExpression } from '../syntax';
import type { HttpCall } from '../types';
import { readUrlTemplate } from '../url-template';
import { buildRecognisedCall } from './call-parts';
import type { CallRecognizer, ScanContext } from './context';
import { findModuleNames, findUsesOf } from './js-module-names';

const MODULES = ['@reduxjs/toolkit/query', '@reduxjs/toolkit/query/react'];
const DEFINERS = new Set(['query', 'mutation', 'infiniteQuery']);
const FUNCTIONS = new Set(['arrow_function', 'function_expression', 'function']);

/** The recogniser for RTK Query endpoint definitions. */
export const rtkQueryRecognizer: CallRecognizer = {
  client: 'fetch',
  languages: JS_LANGUAGES,
  recognize: findEndpointDefinitions,
};

function findEndpointDefinitions(context: ScanContext): HttpCall[] {
  if (!context.text.includes('createApi')) return [];
  const calls: HttpCall[] = [];
  for (const { name, binding, imported } of findModuleNames(context, MODULES)) {
    if (imported !== 'createApi') continue;
    for (const [use, parent] of findUsesOf(context, name, binding)) {
      if (use === undefined || parent?.type !== 'call_expression') continue;
      const created = context.root.descendantForIndex(parent.startIndex, parent.endIndex);
      if (created?.type !== 'call_expression' || created.startIndex !== use.startIndex) continue;
      const endpoints = readProperty(
        created.childForFieldName('arguments')?.namedChildren[0],
        'endpoints',
        context,
      );
      if (endpoints === undefined || !FUNCTIONS.has(endpoints.type)) continue;
      const builder = readFirstParameter(endpoints, context);
      if (builder === undefined) continue;
      for (const call of endpoints.descendantsOfType('call_expression')) {
        const found = call === null ? undefined : readDefinition(context, call, builder);
        if (found !== undefined) calls.push(found);
      }
    }
  }
  return calls;
}

// `builder.query({ query: ... })`: the request its query function returns.
function readDefinition(context: ScanContext, call: Node, builder: string): HttpCall | undefined {
  const callee = call.childForFieldName('function');
  if (callee?.type !== 'member_expression') return undefined;
  const object = callee.childForFieldName('object');
  const property = callee.childForFieldName('property');
  if (object?.type !== 'identifier' || sliceNode(context.text, object) !== builder) return undefined;
  if (property === null || !DEFINERS.has(sliceNode(context.text, property))) return undefined;
  const query = readProperty(call.childForFieldName('arguments')?.namedChildren[0], 'query', context);
  if (query === undefined || !FUNCTIONS.has(query.type)) return undefined;
  const returned = readReturned(query);
  if (returned === undefined) return undefined;
  let url: Node | undefined = returned;
  let method = 'GET';
  if (returned.type === 'object') {
    url = readProperty(returned, 'url', context);
    const written = readProperty(returned, 'method', context);
    if (written !== undefined) {
      const constant = readConstantString(written, context.text);
      if (constant === undefined) return undefined;
      method = constant.toUpperCase();
    }
  } else if (returned.type !== 'string' && returned.type !== 'template_string') {
    return undefined;
  }
  if (url === undefined) return undefined;
  return buildRecognisedCall(context, {
    client: 'fetch',
    call,
    callee,
    method,
    url: readUrlTemplate(url, context.text),
  });
}

// What a query function returns: its expression body, or its one `return` statement's value.
function readReturned(fn: Node): Node | undefined {
  const body = fn.childForFieldName('body');
  if (body === null) return undefined;
  if (body.type !== 'statement_block') return unwrapExpression(body);
  const returns = body.namedChildren.filter((child) => child?.type === 'return_statement');
  const value = returns.length === 1 ? returns[0]?.namedChildren[0] : undefined;
  return value == null ? undefined : unwrapExpression(value);
}

// The value of `key` in an object literal (`key: value`, or a method `key() {}` as a function).
function readProperty(node: Node | null | undefined, key: string, context: ScanContext): Node | undefined {
  const object = node == null ? undefined : unwrapExpression(node);
  if (object?.type !== 'object') return undefined;
  for (const entry of object.namedChildren) {
    if (entry?.type === 'pair') {
      const name = entry.childForFieldName('key');
      const value = entry.childForFieldName('value');
      if (name !== null && value !== null && readKey(name, context) === key) return unwrapExpression(value);
    } else if (entry?.type === 'method_definition') {
      const name = entry.childForFieldName('name');
      if (name !== null && readKey(name, context) === key) return entry;
    }
  }
  return undefined;
}

function readKey(name: Node, context: ScanContext): string {
  return name.type === 'string'
    ? (readConstantString(name, context.text) ?? '')
    : sliceNode(context.text, name);
}

function readFirstParameter(fn: Node, context: ScanContext): string | undefined {
  const single = fn.childForFieldName('parameter');
  if (single?.type === 'identifier') return sliceNode(context.text, single);
  const first = fn.childForFieldName('parameters')?.namedChildren[0];
  const name = first?.type === 'required_parameter' ? first.childForFieldName('pattern') : first;
  return name?.type === 'identifier' ? sliceNode(context.text, name) : undefined;
}
