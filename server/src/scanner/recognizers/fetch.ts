/**
 * Recognises calls of the global Fetch API: `fetch(url, init)`, `globalThis.fetch(...)`,
 * `window.fetch(...)`, `self.fetch(...)` and `global.fetch(...)`. A `fetch` declared in an enclosing
 * scope is someone else's function, unless it is imported or required from a package that provides
 * the Fetch API (node-fetch, undici, ...) or is the global fetch itself, whose calls are the same
 * HTTP requests. Aliases under another name (`import { fetch as get }`) are not followed.
 */

import type { Node } from 'web-tree-sitter';
import { JS_LANGUAGES } from '../languages';
import { type Binding, readRequiredModule, resolveBinding } from '../scopes';
import {
  isFirstFieldChild,
  isSameNode,
  knownAncestors,
  readConstantString,
  sliceNode,
  unwrapExpression,
  type WordNode,
} from '../syntax';
import type { HttpCall } from '../types';
import { readUrlTemplate } from '../url-template';
import type { CallRecognizer, ScanContext } from './context';
import { argumentsOf, readAnnotatedParam, readCallArguments, readObjectProperty } from './js-objects';

const CALLEE = 'fetch';
// A re-parse after a syntax error covers this many characters from the start of the call's line.
const FRAGMENT_LENGTH = 20_000;
// Node types that are statements or declarations: the unit a fragment's call must read cleanly in.
const STATEMENT = /(?:_statement|_declaration)$/;
const CLASSES = new Set(['class_declaration', 'class', 'abstract_class_declaration']);
const FALLBACK_OPERATORS = new Set(['||', '??']);
const GLOBAL_OBJECTS = new Set(['globalThis', 'window', 'self', 'global']);
const FETCH_MODULES = new Set([
  'node-fetch',
  'cross-fetch',
  'isomorphic-fetch',
  'isomorphic-unfetch',
  'unfetch',
  'undici',
]);

/** A call expression and the `fetch` name it calls. */
interface FoundCall {
  call: Node;
  callee: Node;
}

/** What an options object says about the method. */
type MethodReading = { kind: 'absent' } | { kind: 'known'; method: string } | { kind: 'unknown' };

/** The recogniser for the Fetch API. */
export const fetchRecognizer: CallRecognizer = {
  client: 'fetch',
  languages: JS_LANGUAGES,
  recognize: findFetchCalls,
};

/** Finds the Fetch API calls in a parsed file. */
export function findFetchCalls(context: ScanContext): HttpCall[] {
  const calls: HttpCall[] = [];
  const fragments: Node[] = [];
  const typeQueries: Node[] = [];
  const fallbacks: Node[] = [];
  for (const hit of context.findWordNodes(CALLEE)) {
    // The hit's parent comes with it: asking the node climbs from the root again.
    const parent = hit.ancestor(0);
    if (parent?.type === 'type_query') typeQueries.push(parent);
    const holder = readFallbackHolder(context, hit);
    if (holder !== undefined) fallbacks.push(holder);
    const found = context.isInsideError(hit.node)
      ? recoverCall(context, hit.node, fragments)
      : mapCall(findCallOf(context, hit), hit.node);
    if (found !== undefined) calls.push(readFetchCall(context, found.call, found.callee));
  }
  const known = new Set(calls.map((call) => call.location.start.offset));
  for (const found of [
    ...findHandedFetchCalls(context, typeQueries),
    ...findFallbackCalls(context, fallbacks),
  ]) {
    if (!known.has(found.call.startIndex)) calls.push(readFetchCall(context, found.call, found.callee));
  }
  return calls;
}

/**
 * A fetch handed in as a parameter typed as fetch (`fetcher: typeof fetch`, or `fetcher: Fetch` after
 * `type Fetch = typeof fetch` in the same file): calling the parameter is calling fetch. SDKs take
 * the fetch to use from their caller this way (a polyfill, a test double, the platform's own).
 */
function findHandedFetchCalls(context: ScanContext, typeQueries: readonly Node[]): FoundCall[] {
  const { text } = context;
  const aliases = new Set<string>();
  const params: Node[] = [];
  for (const query of typeQueries) {
    const holder = query.parent;
    if (holder?.type === 'type_alias_declaration') {
      const name = holder.childForFieldName('name');
      if (name !== null) aliases.add(sliceNode(text, name));
    } else if (holder?.type === 'type_annotation') {
      const param = readAnnotatedParam(holder);
      if (param !== undefined) params.push(param);
    }
  }
  for (const alias of aliases) {
    for (const hit of context.findWordNodes(alias)) {
      if (hit.node.type !== 'type_identifier' || hit.node.parent?.type !== 'type_annotation') continue;
      const param = readAnnotatedParam(hit.node.parent);
      if (param !== undefined) params.push(param);
    }
  }
  return findCallsOfNames(context, params);
}

/**
 * Calls of names declared by `names` (parameters, locals), each call resolved to that declaration:
 * a call of another `fetcher` in scope elsewhere is someone else's function.
 */
function findCallsOfNames(context: ScanContext, names: readonly Node[]): FoundCall[] {
  const { text } = context;
  const found: FoundCall[] = [];
  for (const param of names) {
    const name = sliceNode(text, param);
    const bindings = context.findBindings(name);
    for (const hit of context.findWordNodes(name)) {
      const [parent] = hit.ancestors;
      if (
        hit.node.type !== 'identifier' ||
        parent?.type !== 'call_expression' ||
        !isSameNode(parent.childForFieldName('function'), hit.node) ||
        parent.childForFieldName('arguments')?.type !== 'arguments' ||
        resolveBinding(bindings, hit.node)?.node.startIndex !== param.startIndex
      )
        continue;
      found.push({ call: parent, callee: hit.node });
    }
  }
  return found;
}

/**
 * The fetch an SDK lets its caller replace, with the global one as the fallback: `const fetchFunc =
 * options.fetch || fetch` (also `??`, and `fetch.bind(globalThis)`) declares a local, `this.#fetch =
 * options?.fetch ?? fetch` a field of the class. Either way what is called is a Fetch API (the
 * caller's own is a polyfill or a test double of it), so its calls are fetch calls. Returns the
 * local's name or the field's `this.x` member expression.
 */
function readFallbackHolder(context: ScanContext, hit: WordNode): Node | undefined {
  const global = readGlobalFetch(context, hit);
  if (global === undefined) return undefined;
  const depth = global === hit.node ? 0 : 1;
  const parent = hit.ancestor(depth);
  if (parent === undefined) return undefined;
  // `fetch.bind(globalThis)` is the global fetch too.
  const grandparent = parent.type === 'member_expression' ? hit.ancestor(depth + 1) : undefined;
  const fallback =
    grandparent?.type === 'call_expression' &&
    isSameNode(parent.childForFieldName('object'), global) &&
    sliceNode(context.text, parent.childForFieldName('property') ?? parent) === 'bind'
      ? grandparent
      : global;
  const either = fallback === global ? parent : fallback.parent;
  if (
    either?.type !== 'binary_expression' ||
    !isSameNode(either.childForFieldName('right'), fallback) ||
    !FALLBACK_OPERATORS.has(sliceNode(context.text, either.childForFieldName('operator') ?? either))
  )
    return undefined;
  const holder = either.parent;
  if (holder?.type === 'variable_declarator' && isSameNode(holder.childForFieldName('value'), either)) {
    const name = holder.childForFieldName('name');
    return name?.type === 'identifier' ? name : undefined;
  }
  const left = holder?.type === 'assignment_expression' ? holder.childForFieldName('left') : null;
  return left?.type === 'member_expression' && left.childForFieldName('object')?.type === 'this'
    ? left
    : undefined;
}

/**
 * The global fetch a `fetch` word names, when it does: the bare name where the file declares none,
 * or `globalThis.fetch` (also `window.`, `self.`, `global.`) whatever the file declares, as SDKs
 * write it when an option of theirs is called `fetch` (`fetch ?? globalThis.fetch`).
 */
function readGlobalFetch(context: ScanContext, hit: WordNode): Node | undefined {
  const { node } = hit;
  if (node.type === 'identifier') {
    return resolveBinding(context.findBindings(CALLEE), node) === undefined ? node : undefined;
  }
  const member = hit.ancestor(0);
  const object = member?.type === 'member_expression' ? member.childForFieldName('object') : null;
  return node.type === 'property_identifier' &&
    object?.type === 'identifier' &&
    GLOBAL_OBJECTS.has(sliceNode(context.text, object)) &&
    member !== undefined
    ? member
    : undefined;
}

// Calls of the locals and `this` fields that hold a caller's fetch or the global one.
function findFallbackCalls(context: ScanContext, holders: readonly Node[]): FoundCall[] {
  const locals = holders.filter((holder) => holder.type === 'identifier');
  const found = findCallsOfNames(context, locals);
  for (const field of holders) {
    if (field.type !== 'member_expression') continue;
    const property = field.childForFieldName('property');
    const owner = findEnclosingClass(field);
    if (property === null || owner === undefined) continue;
    const name = sliceNode(context.text, property);
    for (const hit of context.findWordNodes(name)) {
      const [member, call] = hit.ancestors;
      if (
        member?.type !== 'member_expression' ||
        member.childForFieldName('object')?.type !== 'this' ||
        sliceNode(context.text, member.childForFieldName('property') ?? member) !== name ||
        call?.type !== 'call_expression' ||
        !isSameNode(call.childForFieldName('function'), member) ||
        call.childForFieldName('arguments')?.type !== 'arguments' ||
        findEnclosingClass(call)?.startIndex !== owner.startIndex
      )
        continue;
      found.push({ call, callee: member });
    }
  }
  return found;
}

function findEnclosingClass(node: Node): Node | undefined {
  for (let current = node.parent; current !== null; current = current.parent) {
    if (CLASSES.has(current.type)) return current;
  }
  return undefined;
}

/**
 * Inside an ERROR node the parser's recovery is a guess: it can fold a valid call into its broken
 * neighbour (`{ b: , }` then `fetch(...)` becomes one odd call of an object) or make a call out of
 * a method header (`async fetch(url) {}`). A `fetch` there is looked up again in a re-parse that
 * starts at its own line, out of reach of the broken code before it; one re-parse serves every
 * later call it reads cleanly. A `.` before the name means a member access, whatever the
 * recovery made of it.
 */
function recoverCall(context: ScanContext, word: Node, fragments: Node[]): FoundCall | undefined {
  if (word.type !== 'identifier' && word.type !== 'property_identifier') return undefined;
  const before = context.text.slice(Math.max(0, word.startIndex - 200), word.startIndex).trimEnd();
  if (before.endsWith('.')) return undefined;
  let fragment = fragments.find(
    (candidate) => candidate.startIndex <= word.startIndex && word.endIndex <= candidate.endIndex,
  );
  const found = fragment === undefined ? undefined : readCleanCall(context, fragment, word);
  if (found !== undefined) return found;
  const start = context.findLineStart(word.startIndex);
  if (fragment?.startIndex === start) return undefined;
  fragment = context.parseFragment(start, start + FRAGMENT_LENGTH);
  if (fragment === undefined) return undefined;
  fragments.push(fragment);
  return readCleanCall(context, fragment, word);
}

/**
 * Finds the call in a fragment re-parse and accepts it only when the re-parse read it cleanly: no
 * ERROR node around it, no error in its statement, and no ERROR node just before that statement
 * (which is how `get fetch() {` reads once the class around it is cut off).
 */
function readCleanCall(context: ScanContext, fragment: Node, word: Node): FoundCall | undefined {
  const callee = fragment.descendantForIndex(word.startIndex, word.endIndex);
  if (callee === null || callee.startIndex !== word.startIndex || callee.endIndex !== word.endIndex) {
    return undefined;
  }
  const call = findCallOf(context, knownAncestors(callee, readAncestors(callee)));
  if (call === undefined) return undefined;
  let statement: Node | undefined;
  for (let node = call.parent; node !== null && !isSameNode(node, fragment); node = node.parent) {
    if (node.isError) return undefined;
    if (statement === undefined && STATEMENT.test(node.type)) statement = node;
  }
  if (statement === undefined || statement.hasError || statement.previousSibling?.isError === true) {
    return undefined;
  }
  return { call, callee };
}

function mapCall(call: Node | undefined, callee: Node): FoundCall | undefined {
  return call === undefined ? undefined : { call, callee };
}

// Returns the call expression when the hit is the function called and it is the global fetch.
function findCallOf(context: ScanContext, hit: WordNode): Node | undefined {
  const callee = hit.node;
  const parent = hit.ancestor(0);
  let calledExpression: Node;
  let call: Node | undefined;
  if (callee.type === 'identifier') {
    const binding = resolveBinding(context.findBindings(CALLEE), callee);
    if (binding !== undefined && !isFetchBinding(context, binding)) return undefined;
    calledExpression = callee;
    call = parent;
  } else if (callee.type === 'property_identifier' && parent !== undefined) {
    if (parent.type !== 'member_expression' || !isSameNode(parent.childForFieldName('property'), callee)) {
      return undefined;
    }
    const object = parent.childForFieldName('object');
    if (object === null || !isGlobalObject(context, object)) return undefined;
    calledExpression = parent;
    call = hit.ancestor(1);
  } else {
    return undefined;
  }
  if (call?.type !== 'call_expression' || !isFirstFieldChild(call, calledExpression, 'function')) {
    return undefined;
  }
  // fetch`...` is a tagged template: its arguments are a template, not a URL and options.
  return argumentsOf(call)?.type === 'arguments' ? call : undefined;
}

// Fragment trees are small, so walking up from a node there is cheap.
function readAncestors(node: Node): Node[] {
  const ancestors: Node[] = [];
  for (let current = node.parent; current !== null && ancestors.length < 2; current = current.parent) {
    ancestors.push(current);
  }
  return ancestors;
}

function readFetchCall(context: ScanContext, call: Node, callee: Node): HttpCall {
  const args = readCallArguments(call);
  let urlArgument = args[0];
  let requestInit: Node | undefined;
  const request = urlArgument === undefined ? undefined : unwrapExpression(urlArgument);
  if (request !== undefined && isNewRequest(request, context.text)) {
    // fetch(new Request(url, init), override): the URL and, unless overridden, the method are the Request's.
    const requestArgs = readCallArguments(request);
    urlArgument = requestArgs[0];
    requestInit = requestArgs[1];
  }
  let method = readMethod(args[1], context.text);
  if (method.kind === 'absent' && requestInit !== undefined) method = readMethod(requestInit, context.text);
  return {
    kind: 'http',
    client: 'fetch',
    method: method.kind === 'known' ? method.method : method.kind === 'absent' ? 'GET' : undefined,
    url: readUrlTemplate(urlArgument, context.text),
    location: context.locateNode(call),
    calleeLocation: context.locateCallee(callee),
    text: context.readExcerpt(call),
    origin: 'recognised',
  };
}

/**
 * Reads `method` from a fetch options object. Properties apply in order, so a spread (which may
 * carry a method) makes the method unknown until a later `method:` sets it again.
 */
function readMethod(options: Node | undefined, text: string): MethodReading {
  const reading = readObjectProperty(options, 'method', text);
  if (reading.kind !== 'value') return reading;
  const method = readConstantString(reading.node, text);
  return method === undefined ? { kind: 'unknown' } : { kind: 'known', method: method.toUpperCase() };
}

function isNewRequest(node: Node, text: string): boolean {
  if (node.type !== 'new_expression') return false;
  const callee = node.childForFieldName('constructor');
  return callee?.type === 'identifier' && sliceNode(text, callee) === 'Request';
}

function isGlobalObject(context: ScanContext, object: Node): boolean {
  if (object.type !== 'identifier') return false;
  const name = sliceNode(context.text, object);
  // `const self = this; self.fetch()` calls a method, not the global.
  return GLOBAL_OBJECTS.has(name) && resolveBinding(context.findBindings(name), object) === undefined;
}

// `import fetch from 'node-fetch'`, `const { fetch } = require('undici')`... keep calls through the
// name HTTP calls; so do `const fetch = globalThis.fetch` (or its `.bind(...)`) and
// `const { fetch } = globalThis`.
function isFetchBinding(context: ScanContext, binding: Binding): boolean {
  if (binding.kind === 'import') {
    return binding.importSource !== undefined && FETCH_MODULES.has(binding.importSource);
  }
  const source = readRequiredModule(binding, context.text);
  if (source !== undefined) return FETCH_MODULES.has(source);
  if (binding.initializer === undefined) return false;
  if (binding.destructured === true) {
    const value = unwrapExpression(binding.initializer);
    return isGlobalObject(context, value) && isShorthandOrFetchKey(binding.node, context.text);
  }
  return isGlobalFetch(context, binding.initializer);
}

// In `{ fetch } = globalThis` or `{ fetch: fetch } = window` the name is taken from the property fetch.
function isShorthandOrFetchKey(name: Node, text: string): boolean {
  const parent = name.parent;
  if (name.type === 'shorthand_property_identifier_pattern') return parent?.type === 'object_pattern';
  if (parent?.type !== 'pair_pattern') return false;
  const key = parent.childForFieldName('key');
  return key !== null && sliceNode(text, key) === CALLEE;
}

function isGlobalFetch(context: ScanContext, expression: Node): boolean {
  let node = unwrapExpression(expression);
  if (node.type === 'call_expression') {
    const bind = node.childForFieldName('function');
    const property = bind?.childForFieldName('property');
    const object = bind?.childForFieldName('object');
    if (
      bind?.type !== 'member_expression' ||
      !property ||
      !object ||
      sliceNode(context.text, property) !== 'bind'
    ) {
      return false;
    }
    node = unwrapExpression(object);
  }
  if (node.type !== 'member_expression') return false;
  const property = node.childForFieldName('property');
  const object = node.childForFieldName('object');
  return (
    property !== null &&
    object !== null &&
    sliceNode(context.text, property) === CALLEE &&
    isGlobalObject(context, object)
  );
}
