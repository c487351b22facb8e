/**
 * Recognises the JavaScript HTTP-client libraries that are imported as one callable object with
 * method helpers: axios, got, ky, superagent, ofetch, undici's `request`, fetchEventSource and
 * openapi-fetch (whose `createClient` makes the instance that has the helpers). A name counts as the library only where it resolves to an
 * import or require of the library's module (or, for axios, to no declaration at all: the browser
 * global); a local of the same name, or another object's `get` method, is not the library.
 * Instances made with the library's factory (`axios.create({ baseURL })`, `ky.create({ prefixUrl })`,
 * `got.extend({ prefixUrl })`) are followed through the variable they are assigned to, and their
 * base URL is joined to each call's URL; so is what a wrapping factory returns when handed the library
 * (`superagentPromise(superagent, Promise)`).
 */

import type { Node } from 'web-tree-sitter';
import { JS_LANGUAGES } from '../languages';
import { type Binding, readRequiredModule, resolveBinding } from '../scopes';
import {
  isFirstFieldChild,
  isSameNode,
  readConstantString,
  sliceNode,
  unwrapExpression,
  type WordNode,
} from '../syntax';
import type { HttpCall, HttpClient, UrlTemplate } from '../types';
import { readUrlTemplate } from '../url-template';
import type { CallRecognizer, ScanContext } from './context';
import { type DispatchEntry, findDispatchCalls } from './dispatch-tables';
import {
  isObjectLiteral,
  joinBaseUrl,
  readCallArguments,
  readMethodOption,
  readObjectProperty,
} from './js-objects';
import { findTypedInstances } from './js-typed-instances';
import { findCleanWordNodes } from './recovery';

/** How one library is called. */
export interface JsClientSpec {
  client: HttpClient;
  /** Module specifiers that provide the library. */
  modules: readonly string[];
  /** A global name that is the library when nothing in the file declares it. */
  globalName?: string;
  /** Method helpers (`get` → GET) whose first argument is the URL. */
  helpers: ReadonlyMap<string, string>;
  /** Helpers whose only argument is a config object holding `url` and `method` (`request`). */
  configHelpers: readonly string[];
  /** Factory methods returning a new instance configured by their first argument. */
  factories: readonly string[];
  /** The config key holding an instance's base URL. */
  baseKey: string;
  /** Named exports of the modules that are the library too (`import { ofetch } from 'ofetch'`). */
  namedExports?: readonly string[];
  /**
   * What calling the library itself does: `url-options` (the default) `fetch`-like `(url, options)`;
   * `method-url` superagent's `(method, url)`; `factory` makes an instance (openapi-fetch's
   * `createClient({ baseUrl })`).
   */
  direct?: 'url-options' | 'method-url' | 'factory';
  /** `{name}` in a literal URL is a path parameter (openapi-fetch's `client.GET('/p/{id}')`). */
  pathParams?: boolean;
  /** Where a framework plugin installs the library as a member (`Vue.axios`, `this.$http`). */
  pluginMembers?: PluginMembers;
  /**
   * Types the library exports for an instance (`AxiosInstance`): a parameter or class field declared
   * with one, imported from the library's module, holds the library or an instance of it.
   */
  instanceTypes?: readonly string[];
}

/** A framework whose plugin puts the library on the framework object and its components. */
export interface PluginMembers {
  /** The framework's module (`vue`). */
  module: string;
  /** The member names the plugin installs (`axios`, `$http`). */
  members: readonly string[];
  /** File extensions of the framework's components, where `this` is a component. */
  extensions: readonly string[];
}

/** One call of the library: where it is and which library it is. */
interface CallSite {
  context: ScanContext;
  spec: JsClientSpec;
  call: Node;
  callee: Node;
}

/** A name through which the library (or an instance of it) is called. */
interface ClientName {
  name: string;
  /** The declaration the name must resolve to; undefined for the unbound global. */
  binding: Binding | undefined;
  base: UrlTemplate | undefined;
}

/** Builds the recogniser for one library. */
export function createJsClientRecognizer(spec: JsClientSpec): CallRecognizer {
  return {
    client: spec.client,
    languages: JS_LANGUAGES,
    recognize: (context) => findClientCalls(context, spec),
  };
}

function findClientCalls(context: ScanContext, spec: JsClientSpec): HttpCall[] {
  const queue = findLibraryNames(context, spec);
  const seen = new Set<number>();
  const calls: HttpCall[] = [];
  // Helpers written without a call (`{ get: axios.get }`): values of dispatch tables.
  const entries: DispatchEntry[] = [];
  if (spec.pluginMembers !== undefined)
    findPluginCalls(context, spec, spec.pluginMembers, queue, calls, entries);
  if (spec.instanceTypes !== undefined) {
    const typed = findTypedInstances(context, spec);
    for (const param of typed.params) queue.push({ ...param, base: undefined });
    for (const { holder, above } of typed.fieldUses)
      readUse(context, spec, holder, (depth) => above[depth], undefined, queue, calls, entries);
  }
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const key = next.binding?.node.id ?? -1;
    if (seen.has(key)) continue;
    seen.add(key);
    const bindings = context.findBindings(next.name);
    for (const hit of findCleanWordNodes(context, next.name)) {
      const node = hit.node;
      if (node.type !== 'identifier') continue;
      const resolved = resolveBinding(bindings, node);
      if (next.binding === undefined ? resolved !== undefined : resolved?.node.id !== next.binding.node.id)
        continue;
      readUse(context, spec, node, (depth) => hit.ancestor(depth), next.base, queue, calls, entries);
    }
  }
  calls.push(...findDispatchCalls(context, spec.client, entries));
  return calls;
}

// What one use of the library's name does: a direct call, a helper call, or a factory whose
// instance is queued to be followed. `above(depth)` is the use's ancestor `depth` levels up (0: its
// parent), read only when the shape so far needs it.
function readUse(
  context: ScanContext,
  spec: JsClientSpec,
  node: Node,
  above: (depth: number) => Node | undefined,
  base: UrlTemplate | undefined,
  queue: ClientName[],
  calls: HttpCall[],
  entries: DispatchEntry[],
): void {
  const parent = above(0);
  const parentType = parent?.type;
  if (
    parent !== undefined &&
    parentType === 'call_expression' &&
    isFirstFieldChild(parent, node, 'function')
  ) {
    if (spec.direct === 'factory') {
      const instance = readInstance(context, spec, parent, above(1), base);
      if (instance !== undefined) queue.push(instance);
    } else {
      calls.push(readDirectCall({ context, spec, call: parent, callee: node }, base));
    }
    return;
  }
  // The library handed to a wrapping factory as its first argument (`const superagent =
  // superagentPromise(_superagent, Promise)`, `setupCache(axios)`): the result is the library.
  if (parentType === 'arguments') {
    const grandparent = above(1);
    if (
      grandparent?.type === 'call_expression' &&
      isSameNode(readCallArguments(grandparent)[0] ?? null, node)
    ) {
      const instance = readInstance(context, spec, grandparent, above(2), base);
      if (instance !== undefined) queue.push(instance);
      return;
    }
  }
  if (
    parent === undefined ||
    parentType !== 'member_expression' ||
    !isFirstFieldChild(parent, node, 'object')
  )
    return;
  const property = sliceNode(context.text, parent.childForFieldName('property') ?? parent);
  // `await axios.get<User>(url)` parses as a call of `await axios.get` (tree-sitter's reading of a
  // generic call after `await`): the call is the one around the await.
  // The call's own parent (`above(2)`) only when `above(1)` is an await: for the usual
  // `axios.get(url)` it is a `parent` asked of the root, a search per call that nothing here uses.
  const awaited = isAwaitedGenericCall(above(1), () => above(2));
  const grandparent = awaited ? above(2) : above(1);
  if (
    grandparent?.type !== 'call_expression' ||
    (!awaited && !isFirstFieldChild(grandparent, parent, 'function'))
  ) {
    const verb = spec.helpers.get(property);
    if (verb !== undefined) entries.push({ node: parent, verb, base });
    return;
  }
  const method = spec.helpers.get(property);
  if (method !== undefined) {
    calls.push(readHelperCall({ context, spec, call: grandparent, callee: parent }, method, base));
  } else if (spec.configHelpers.includes(property)) {
    calls.push(
      readConfigCall(
        { context, spec, call: grandparent, callee: parent },
        readCallArguments(grandparent)[0],
        base,
      ),
    );
  } else if (spec.factories.includes(property)) {
    const instance = readInstance(context, spec, grandparent, above(awaited ? 3 : 2), base);
    if (instance !== undefined) queue.push(instance);
  }
}

// An `await` that is the function of a generic call (`await axios.get<T>(url)` as tree-sitter reads it).
function isAwaitedGenericCall(awaited: Node | undefined, readCall: () => Node | undefined): boolean {
  if (awaited?.type !== 'await_expression') return false;
  const call = readCall();
  return (
    call?.type === 'call_expression' &&
    call.childForFieldName('type_arguments') !== null &&
    isFirstFieldChild(call, awaited, 'function')
  );
}

/**
 * The library installed as a framework plugin: `Vue.axios.get(url)` (vue-axios), `this.$http.post(...)`
 * in a component. `<Framework>.<member>` counts where `<Framework>` is imported from the framework's
 * module; `this.<member>` in a file that imports the framework or is one of its components.
 */
function findPluginCalls(
  context: ScanContext,
  spec: JsClientSpec,
  plugin: PluginMembers,
  queue: ClientName[],
  calls: HttpCall[],
  entries: DispatchEntry[],
): void {
  const component = plugin.extensions.some((extension) => context.file.endsWith(extension));
  let importsFramework: boolean | undefined;
  for (const member of plugin.members) {
    for (const hit of findCleanWordNodes(context, member)) {
      // The node's own type first: its ancestors are read only for a property name.
      if (hit.node.type !== 'property_identifier') continue;
      const holder = hit.ancestor(0);
      if (holder?.type !== 'member_expression' || !isSameNode(holder.childForFieldName('property'), hit.node))
        continue;
      const object = holder.childForFieldName('object');
      if (object === null) continue;
      if (object.type === 'this') {
        importsFramework ??= importsModule(context, plugin.module);
        if (!component && !importsFramework) continue;
      } else if (object.type === 'identifier') {
        const binding = resolveBinding(context.findBindings(sliceNode(context.text, object)), object);
        if (binding?.kind !== 'import' || binding.importSource !== plugin.module) continue;
      } else {
        continue;
      }
      readUse(context, spec, holder, (depth) => hit.ancestor(depth + 1), undefined, queue, calls, entries);
    }
  }
}

function importsModule(context: ScanContext, module: string): boolean {
  return context.root.namedChildren.some(
    (statement) =>
      statement?.type === 'import_statement' &&
      readConstantString(statement.childForFieldName('source') ?? statement, context.text) === module,
  );
}

/** `axios(url, config)`, `axios(config)`, `got(url, options)`, `ky(url, options)`. */
function readDirectCall(site: CallSite, base: UrlTemplate | undefined): HttpCall {
  const { context, spec, call } = site;
  const [first, second] = readCallArguments(call);
  if (spec.direct === 'method-url' && second !== undefined) {
    const method = readConstantString(first ?? second, context.text)?.toUpperCase();
    return buildCall(site, method, joinBaseUrl(base, readUrlTemplate(second, context.text)));
  }
  if (isObjectLiteral(first)) return readConfigCall(site, first, base);
  const url = joinBaseUrl(readBase(context, spec, second) ?? base, readUrlTemplate(first, context.text));
  return buildCall(site, readMethodOption(second, context.text, 'GET'), url);
}

/** `axios.get(url, ...)`, `ky.delete(url, ...)`: the method is the helper's name. */
function readHelperCall(site: CallSite, method: string, base: UrlTemplate | undefined): HttpCall {
  const [first] = readCallArguments(site.call);
  return buildCall(site, method, joinBaseUrl(base, readUrlTemplate(first, site.context.text)));
}

/** `axios.request({ method, url })` and `axios({ method, url, baseURL })`. */
function readConfigCall(site: CallSite, config: Node | undefined, base: UrlTemplate | undefined): HttpCall {
  const { context, spec } = site;
  const urlReading = readObjectProperty(config, 'url', context.text);
  let url: UrlTemplate;
  if (urlReading.kind === 'value') {
    url = readUrlTemplate(urlReading.node, context.text);
  } else {
    // No literal `url` in the config: the URL is whatever the config expression holds.
    const source = config === undefined ? '' : sliceNode(context.text, config);
    url = { source, segments: source === '' ? [] : [{ kind: 'expr', source }], known: false };
  }
  const method = readMethodOption(config, context.text, 'GET');
  return buildCall(site, method, joinBaseUrl(readBase(context, spec, config) ?? base, url));
}

/** `const api = axios.create({ baseURL })`: a new name to follow, with its base URL. */
function readInstance(
  context: ScanContext,
  spec: JsClientSpec,
  call: Node,
  declarator: Node | undefined,
  base: UrlTemplate | undefined,
): ClientName | undefined {
  if (declarator?.type !== 'variable_declarator') return undefined;
  const nameNode = declarator.childForFieldName('name');
  const value = declarator.childForFieldName('value');
  if (nameNode?.type !== 'identifier' || value === null || !isSameNode(unwrapAwait(value), call))
    return undefined;
  const name = sliceNode(context.text, nameNode);
  const binding = context.findBindings(name).find((b) => b.node.startIndex === nameNode.startIndex);
  if (binding === undefined) return undefined;
  const own = readBase(context, spec, readCallArguments(call)[0]);
  return { name, binding, base: own === undefined ? base : joinBaseUrl(base, own) };
}

function readBase(
  context: ScanContext,
  spec: JsClientSpec,
  config: Node | undefined,
): UrlTemplate | undefined {
  if (!isObjectLiteral(config)) return undefined;
  const reading = readObjectProperty(config, spec.baseKey, context.text);
  if (reading.kind === 'absent') return undefined;
  if (reading.kind === 'unknown')
    return { source: spec.baseKey, segments: [{ kind: 'expr', source: spec.baseKey }], known: false };
  return readUrlTemplate(reading.node, context.text);
}

function buildCall(site: CallSite, method: string | undefined, url: UrlTemplate): HttpCall {
  const { context, spec, call, callee } = site;
  return {
    kind: 'http',
    client: spec.client,
    method,
    url: spec.pathParams === true ? readPathParams(url) : url,
    location: context.locateNode(call),
    calleeLocation: context.locateCallee(callee),
    text: context.readExcerpt(call),
    origin: 'recognised',
  };
}

/** Splits `{name}` out of a URL's literal parts as computed parts: `/p/{id}` → `/p/${id}`. */
export function readPathParams(url: UrlTemplate): UrlTemplate {
  const segments: UrlTemplate['segments'] = [];
  for (const segment of url.segments) {
    if (segment.kind !== 'literal') {
      segments.push(segment);
      continue;
    }
    for (const [index, part] of segment.text.split(/\{([\w$]+)\}/).entries()) {
      if (index % 2 === 1) segments.push({ kind: 'expr', source: part });
      else if (part !== '') segments.push({ kind: 'literal', text: part });
    }
  }
  return { ...url, segments };
}

/**
 * The names the library is imported under: `import axios from 'axios'`, `import * as ky from 'ky'`,
 * `import { default as http } from 'axios'`, `const got = require('got')` (or its `.default`), and
 * the unbound global when the library has one.
 */
function findLibraryNames(context: ScanContext, spec: JsClientSpec): ClientName[] {
  const names: ClientName[] = [];
  const add = (nameNode: Node | null | undefined): void => {
    if (nameNode?.type !== 'identifier') return;
    const name = sliceNode(context.text, nameNode);
    const binding = context.findBindings(name).find((b) => b.node.startIndex === nameNode.startIndex);
    if (binding !== undefined) names.push({ name, binding, base: undefined });
  };
  for (const statement of context.root.namedChildren) {
    if (statement?.type !== 'import_statement') continue;
    const source = statement.childForFieldName('source');
    if (source === null || !spec.modules.includes(readConstantString(source, context.text) ?? '')) continue;
    const clause = statement.namedChildren.find((child) => child?.type === 'import_clause');
    for (const part of clause?.namedChildren ?? []) {
      if (part?.type === 'identifier') add(part);
      else if (part?.type === 'namespace_import')
        add(part.namedChildren.find((c) => c?.type === 'identifier'));
      else if (part?.type === 'named_imports') {
        for (const specifier of part.namedChildren) {
          const imported = specifier?.childForFieldName('name');
          const importedName = imported ? sliceNode(context.text, imported) : '';
          if (importedName === 'default') add(specifier?.childForFieldName('alias'));
          else if (spec.namedExports?.includes(importedName))
            add(specifier?.childForFieldName('alias') ?? imported);
        }
      }
    }
  }
  for (const hit of findCleanWordNodes(context, 'require')) {
    const declarator = findRequireDeclarator(hit);
    const nameNode = declarator?.childForFieldName('name');
    if (nameNode?.type !== 'identifier') continue;
    const name = sliceNode(context.text, nameNode);
    const binding = context.findBindings(name).find((b) => b.node.startIndex === nameNode.startIndex);
    const module = binding === undefined ? undefined : readRequiredModule(binding, context.text);
    if (binding !== undefined && module !== undefined && spec.modules.includes(module)) {
      names.push({ name, binding, base: undefined });
    }
  }
  if (spec.globalName !== undefined)
    names.push({ name: spec.globalName, binding: undefined, base: undefined });
  return names;
}

// `require('x')` sits in the declarator directly, or under `.default`.
function findRequireDeclarator(hit: WordNode): Node | undefined {
  if (hit.node.type !== 'identifier' || hit.ancestor(0)?.type !== 'call_expression') return undefined;
  const next = hit.ancestor(1);
  if (next?.type === 'variable_declarator') return next;
  if (next?.type === 'member_expression' && hit.ancestor(2)?.type === 'variable_declarator')
    return hit.ancestor(2);
  return undefined;
}

function unwrapAwait(node: Node): Node {
  const inner = unwrapExpression(node);
  if (inner.type !== 'await_expression') return inner;
  const operand = inner.firstNamedChild;
  return operand === null ? inner : unwrapExpression(operand);
}
