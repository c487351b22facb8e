/**
 * Recognises the browser's own ways to send a request, and jQuery's: `XMLHttpRequest` (`const xhr =
 * new XMLHttpRequest(); xhr.open(method, url)`, also kept in a field, `this.xhr.open(...)` in the
 * class that made it), `navigator.sendBeacon(url, data)` (a POST), and jQuery's `$.ajax(url,
 * settings)`, `$.ajax({ url, type | method })`, `$.get`, `$.post` and `$.getJSON`. `$` and `jQuery`
 * count when imported or required from `jquery`, or as the page's global in a file that declares no
 * `$`/`jQuery` of its own (a `$` from cheerio, zx or a parameter is something else); a declared
 * `XMLHttpRequest` or `navigator` is not the browser's.
 */

import type { Node } from 'web-tree-sitter';
import { JS_LANGUAGES } from '../languages';
import { type Binding, resolveBinding } from '../scopes';
import { isSameNode, readConstantString, sliceNode, unwrapExpression } from '../syntax';
import type { HttpCall, HttpClient, UrlTemplate } from '../types';
import { readUrlTemplate } from '../url-template';
import { buildRecognisedCall } from './call-parts';
import type { CallRecognizer, ScanContext } from './context';
import { findModuleNames, findUsesOf, WHOLE_MODULE } from './js-module-names';
import { readCallArguments, readObjectProperty } from './js-objects';
import { readOptionsObject } from './node-http';
import { findCleanWordNodes } from './recovery';

// jQuery's request functions and the method each sends; `ajax` reads it from its settings.
const JQUERY_FUNCTIONS: ReadonlyMap<string, string | undefined> = new Map([
  ['ajax', undefined],
  ['get', 'GET'],
  ['getJSON', 'GET'],
  ['post', 'POST'],
]);
const JQUERY_GLOBALS = ['$', 'jQuery'];

/** The recogniser for `XMLHttpRequest`. */
export const xhrRecognizer: CallRecognizer = {
  client: 'xhr',
  languages: JS_LANGUAGES,
  recognize: findXhrCalls,
};

/** The recogniser for `navigator.sendBeacon`. */
export const beaconRecognizer: CallRecognizer = {
  client: 'beacon',
  languages: JS_LANGUAGES,
  recognize: findBeaconCalls,
};

/** The recogniser for jQuery's request functions. */
export const jqueryRecognizer: CallRecognizer = {
  client: 'jquery',
  languages: JS_LANGUAGES,
  recognize: findJqueryCalls,
};

// A global name the file does not declare itself (`XMLHttpRequest`, `navigator`), or it through an
// undeclared `window` (`window.navigator`).
function isBrowserGlobal(context: ScanContext, node: Node, name: string): boolean {
  const inner = unwrapExpression(node);
  const undeclared = (id: Node | null, expected: string): boolean =>
    id?.type === 'identifier' &&
    sliceNode(context.text, id) === expected &&
    resolveBinding(context.findBindings(expected), id) === undefined;
  if (inner.type === 'identifier') return undeclared(inner, name);
  if (inner.type !== 'member_expression') return false;
  const property = inner.childForFieldName('property');
  return (
    property !== null &&
    sliceNode(context.text, property) === name &&
    undeclared(inner.childForFieldName('object'), 'window')
  );
}

function findXhrCalls(context: ScanContext): HttpCall[] {
  const calls: HttpCall[] = [];
  const { text } = context;
  for (const hit of findCleanWordNodes(context, 'XMLHttpRequest')) {
    const created = hit.ancestors.find((node) => node.type === 'new_expression');
    const newCallee = created?.childForFieldName('constructor');
    if (created === undefined || newCallee == null || !isBrowserGlobal(context, newCallee, 'XMLHttpRequest'))
      continue;
    if (!isSameNode(newCallee, hit.node) && !isSameNode(newCallee, hit.ancestors[0])) continue;
    const holder = unwrapParent(created);
    for (const open of findOpenCalls(context, holder)) {
      const [methodNode, urlNode] = readCallArguments(open.call);
      if (urlNode === undefined) continue;
      const method =
        methodNode === undefined ? undefined : readConstantString(methodNode, text)?.toUpperCase();
      calls.push(
        buildCall(context, 'xhr', open.call, open.callee, method, readUrlTemplate(urlNode, text), methodNode),
      );
    }
  }
  return calls;
}

// Where the new request is kept: the declarator or assignment around `new XMLHttpRequest()`.
function unwrapParent(created: Node): Node | undefined {
  let node = created.parent;
  while (node?.type === 'parenthesized_expression') node = node.parent;
  return node ?? undefined;
}

/** The `.open(method, url)` calls on the name or field a new request is kept in. */
function findOpenCalls(context: ScanContext, holder: Node | undefined): Array<{ call: Node; callee: Node }> {
  const { text } = context;
  const found: Array<{ call: Node; callee: Node }> = [];
  const target =
    holder?.type === 'variable_declarator'
      ? holder.childForFieldName('name')
      : holder?.type === 'assignment_expression'
        ? holder.childForFieldName('left')
        : null;
  if (target == null) return found;
  const readOpen = (object: Node, member: Node | undefined, call: Node | undefined): void => {
    if (
      member?.type === 'member_expression' &&
      isSameNode(member.childForFieldName('object'), object) &&
      sliceNode(text, member.childForFieldName('property') ?? member) === 'open' &&
      call?.type === 'call_expression' &&
      isSameNode(call.childForFieldName('function'), member)
    )
      found.push({ call, callee: member });
  };
  if (target.type === 'identifier') {
    const name = sliceNode(text, target);
    const binding = resolveBinding(context.findBindings(name), target);
    if (binding === undefined) return found;
    for (const [node, parent, grandparent] of findUsesOf(context, name, binding)) {
      if (node !== undefined) readOpen(node, parent, grandparent);
    }
    return found;
  }
  // `this.xhr = new XMLHttpRequest()`: `this.xhr.open(...)` in the same class.
  const object = target.type === 'member_expression' ? target.childForFieldName('object') : null;
  const property = target.childForFieldName('property');
  if (object?.type !== 'this' || property === null) return found;
  const field = sliceNode(text, property);
  const owner = findClass(target);
  if (owner === undefined) return found;
  for (const hit of findCleanWordNodes(context, field)) {
    const [member, outer, call] = hit.ancestors;
    if (
      hit.node.type !== 'property_identifier' ||
      member?.type !== 'member_expression' ||
      member.childForFieldName('object')?.type !== 'this' ||
      hit.node.startIndex < owner.startIndex ||
      hit.node.endIndex > owner.endIndex
    )
      continue;
    readOpen(member, outer, call);
  }
  return found;
}

function findClass(node: Node): Node | undefined {
  for (let current = node.parent; current !== null; current = current.parent) {
    if (current.type === 'class_body') return current;
  }
  return undefined;
}

function findBeaconCalls(context: ScanContext): HttpCall[] {
  const calls: HttpCall[] = [];
  for (const hit of findCleanWordNodes(context, 'sendBeacon')) {
    const [member, call] = hit.ancestors;
    const object = member?.childForFieldName('object');
    if (
      hit.node.type !== 'property_identifier' ||
      member?.type !== 'member_expression' ||
      object == null ||
      !isBrowserGlobal(context, object, 'navigator') ||
      call?.type !== 'call_expression' ||
      !isSameNode(call.childForFieldName('function'), member)
    )
      continue;
    const [url] = readCallArguments(call);
    if (url === undefined) continue;
    calls.push(buildCall(context, 'beacon', call, member, 'POST', readUrlTemplate(url, context.text)));
  }
  return calls;
}

function findJqueryCalls(context: ScanContext): HttpCall[] {
  const names: Array<{ name: string; binding: Binding | undefined }> = findModuleNames(context, ['jquery'])
    .filter((imported) => imported.imported === WHOLE_MODULE)
    .map(({ name, binding }) => ({ name, binding }));
  // The page's global only where the file declares neither name: a declared `$` anywhere in it makes
  // every `$` there doubtful.
  if (JQUERY_GLOBALS.every((name) => context.findBindings(name).length === 0)) {
    for (const name of JQUERY_GLOBALS) names.push({ name, binding: undefined });
  }
  const calls: HttpCall[] = [];
  for (const { name, binding } of names) {
    for (const [node, member, call] of findUsesOf(context, name, binding)) {
      if (
        node === undefined ||
        member?.type !== 'member_expression' ||
        !isSameNode(member.childForFieldName('object'), node) ||
        call?.type !== 'call_expression' ||
        !isSameNode(call.childForFieldName('function'), member)
      )
        continue;
      const fn = sliceNode(context.text, member.childForFieldName('property') ?? member);
      if (!JQUERY_FUNCTIONS.has(fn)) continue;
      const found = readJqueryCall(context, call, member, JQUERY_FUNCTIONS.get(fn));
      if (found !== undefined) calls.push(found);
    }
  }
  return calls;
}

// `$.ajax(url, settings)`, `$.ajax(settings)`, `$.get(url, data, success)`, `$.post(settings)`.
function readJqueryCall(
  context: ScanContext,
  call: Node,
  callee: Node,
  fixed: string | undefined,
): HttpCall | undefined {
  const { text } = context;
  const [first, second] = readCallArguments(call);
  if (first === undefined) return undefined;
  const firstSettings = readOptionsObject(context, first, call);
  const settings =
    firstSettings ??
    (fixed === undefined && second !== undefined ? readOptionsObject(context, second, call) : undefined);
  let url: UrlTemplate;
  if (firstSettings === undefined) url = readUrlTemplate(first, text);
  else {
    const reading = readObjectProperty(firstSettings, 'url', text);
    if (reading.kind !== 'value') return undefined;
    url = readUrlTemplate(reading.node, text);
  }
  let method = fixed;
  let methodNode: Node | undefined;
  if (fixed === undefined) {
    method = 'GET';
    for (const key of ['method', 'type']) {
      const reading = readObjectProperty(settings, key, text);
      if (reading.kind === 'absent') continue;
      methodNode = reading.kind === 'value' ? reading.node : undefined;
      method = methodNode === undefined ? undefined : readConstantString(methodNode, text)?.toUpperCase();
      break;
    }
  }
  return buildCall(context, 'jquery', call, callee, method, url, methodNode);
}

function buildCall(
  context: ScanContext,
  client: HttpClient,
  call: Node,
  callee: Node,
  method: string | undefined,
  url: UrlTemplate,
  methodNode?: Node,
): HttpCall {
  const methodSource =
    method === undefined && methodNode !== undefined ? sliceNode(context.text, methodNode) : undefined;
  return buildRecognisedCall(context, { client, call, callee, method, methodSource, url });
}
