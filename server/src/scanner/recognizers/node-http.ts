/**
 * Recognises Node's own HTTP client: `http.request(url|options[, options], callback)`,
 * `https.request(...)`, `http.get(...)` and `https.get(...)`, through the names a file imports or
 * requires `http`, `https`, `node:http` or `node:https` under (the module whole, or `request`/`get`
 * by name). The method is the options' `method` (default `GET`; always `GET` for `get`); the URL is
 * the first argument when it is not an options object (a string, a template, a `URL`), else the
 * options' `protocol`, `hostname`/`host`, `port` and `path`/`pathname`. An options object held in a
 * local of the function (`const options = { hostname, path, method }`) is read too. A local object
 * named `http` that is not Node's module is not it.
 */

import type { Node } from 'web-tree-sitter';
import { JS_LANGUAGES } from '../languages';
import { resolveBinding } from '../scopes';
import { isSameNode, readConstantString, sliceNode, unwrapExpression } from '../syntax';
import type { HttpCall, UrlSegment, UrlTemplate } from '../types';
import { readUrlTemplate } from '../url-template';
import { buildRecognisedCall, buildTemplate } from './call-parts';
import type { CallRecognizer, ScanContext } from './context';
import { findModuleNames, findUsesOf, WHOLE_MODULE } from './js-module-names';
import { readCallArguments, readObjectProperty } from './js-objects';

const MODULES = ['http', 'https', 'node:http', 'node:https'];
// The module functions that send a request, and whether the method is fixed to GET.
const FUNCTIONS: ReadonlyMap<string, boolean> = new Map([
  ['request', false],
  ['get', true],
]);
// A first argument named as an options object is one, not a URL.
const OPTIONS_NAME = /(?:opts|options|config|settings|params)$/i;
const FUNCTION_TYPES = new Set(['arrow_function', 'function_expression', 'function']);

/** The recogniser for Node's `http` and `https` modules. */
export const nodeHttpRecognizer: CallRecognizer = {
  client: 'node-http',
  languages: JS_LANGUAGES,
  recognize: findNodeHttpCalls,
};

function findNodeHttpCalls(context: ScanContext): HttpCall[] {
  const calls: HttpCall[] = [];
  for (const imported of findModuleNames(context, MODULES)) {
    const protocol = imported.module.endsWith('https') ? 'https:' : 'http:';
    for (const [node, parent, grandparent] of findUsesOf(context, imported.name, imported.binding)) {
      if (node === undefined) continue;
      let call: Node | undefined;
      let callee: Node = node;
      let fn = imported.imported;
      if (imported.imported === WHOLE_MODULE) {
        if (parent?.type !== 'member_expression' || !isSameNode(parent.childForFieldName('object'), node))
          continue;
        fn = sliceNode(context.text, parent.childForFieldName('property') ?? parent);
        callee = parent;
        call = grandparent;
      } else {
        call = parent;
      }
      const fixedGet = FUNCTIONS.get(fn);
      if (
        fixedGet === undefined ||
        call?.type !== 'call_expression' ||
        !isSameNode(call.childForFieldName('function'), callee)
      )
        continue;
      const found = readRequest(context, call, callee, fixedGet, protocol);
      if (found !== undefined) calls.push(found);
    }
  }
  return calls;
}

// One `request`/`get` call: its URL argument and options object.
function readRequest(
  context: ScanContext,
  call: Node,
  callee: Node,
  fixedGet: boolean,
  protocol: string,
): HttpCall | undefined {
  const { text } = context;
  const [first, second] = readCallArguments(call);
  if (first === undefined) return undefined;
  const firstObject = readOptionsObject(context, first, call);
  let url: UrlTemplate;
  let options: Node | undefined;
  if (firstObject !== undefined) {
    options = firstObject;
    url = readOptionsUrl(options, text, protocol);
  } else {
    url = readUrlTemplate(first, text);
    if (second !== undefined && !FUNCTION_TYPES.has(unwrapExpression(second).type))
      options = readOptionsObject(context, second, call);
  }
  let method: string | undefined = 'GET';
  let methodSource: string | undefined;
  if (!fixedGet && options !== undefined) {
    const reading = readObjectProperty(options, 'method', text);
    if (reading.kind === 'value') {
      method = readConstantString(reading.node, text)?.toUpperCase();
      if (method === undefined) methodSource = sliceNode(text, reading.node);
    } else if (reading.kind === 'unknown') {
      method = undefined;
    }
  }
  // Options handed in whole (`https.request(options, cb)`) say nothing the call can show.
  if (url.segments.length === 0 || (firstObject === undefined && OPTIONS_NAME.test(sliceNode(text, first))))
    return undefined;
  if (method === undefined && methodSource === undefined && !url.known) return undefined;
  return buildRecognisedCall(context, { client: 'node-http', call, callee, method, methodSource, url });
}

/**
 * The options object an argument is: an object literal, or a local `const`/`let` of the function
 * around the call (or of the module) initialised with one and declared above the call.
 */
export function readOptionsObject(context: ScanContext, argument: Node, call: Node): Node | undefined {
  const node = unwrapExpression(argument);
  if (node.type === 'object') return node;
  if (node.type !== 'identifier') return undefined;
  const binding = resolveBinding(context.findBindings(sliceNode(context.text, node)), node);
  if (binding === undefined || binding.kind === 'parameter' || binding.initializer === undefined)
    return undefined;
  if (binding.destructured === true || binding.node.startIndex > call.startIndex) return undefined;
  const value = unwrapExpression(binding.initializer);
  return value.type === 'object' ? value : undefined;
}

/** The URL an options object describes: `protocol//hostname:port` then `path` (default `/`). */
function readOptionsUrl(options: Node, text: string, defaultProtocol: string): UrlTemplate {
  const segments: UrlSegment[] = [];
  const host = readFirstProperty(options, ['hostname', 'host'], text);
  if (host !== undefined) {
    const protocolNode = readFirstProperty(options, ['protocol'], text);
    const protocol = protocolNode === undefined ? defaultProtocol : readConstantString(protocolNode, text);
    if (protocol !== undefined) segments.push({ kind: 'literal', text: `${protocol}//` });
    else segments.push({ kind: 'expr', source: sliceNode(text, protocolNode ?? options) });
    segments.push(...readUrlTemplate(host, text).segments);
    const port = readFirstProperty(options, ['port'], text);
    const portText =
      port === undefined ? undefined : (readConstantString(port, text) ?? readNumber(port, text));
    if (portText !== undefined) segments.push({ kind: 'literal', text: `:${portText}` });
  }
  const path = readFirstProperty(options, ['path', 'pathname'], text);
  if (path !== undefined) segments.push(...readUrlTemplate(path, text).segments);
  else if (host !== undefined) segments.push({ kind: 'literal', text: '/' });
  return buildTemplate(segments, (source) => `\${${source}}`);
}

function readNumber(node: Node, text: string): string | undefined {
  const inner = unwrapExpression(node);
  return inner.type === 'number' ? sliceNode(text, inner) : undefined;
}

// The value of the first key the object sets (`hostname` before `host`); a key set by a spread or a
// shorthand (`{ path }`) reads as the name it is, the caller's value.
function readFirstProperty(options: Node, keys: readonly string[], text: string): Node | undefined {
  for (const key of keys) {
    const reading = readObjectProperty(options, key, text);
    if (reading.kind === 'value') return reading.node;
    if (reading.kind === 'unknown') {
      const shorthand = options.namedChildren.find(
        (child) => child?.type === 'shorthand_property_identifier' && sliceNode(text, child) === key,
      );
      if (shorthand != null) return shorthand;
    }
  }
  return undefined;
}
