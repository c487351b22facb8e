/**
 * Finds one file's wrappers: a function or method whose parameters flow into the URL (and possibly
 * the method) of a call found in it becomes a client of its own, and its call sites become calls.
 * Also the file's exported client instances (`export const api = axios.create(...)`) and its
 * "verb-forwarding" client classes: at least three methods named for HTTP verbs (`get`, `post`,
 * ...) that each hand their first parameter, with their own verb as a string, to one function.
 */

import type { Node } from 'web-tree-sitter';
import { nodesOfType } from '../nodes-of-type';
import { readPythonArguments, readPythonUrl } from '../python-syntax';
import type { ScanContext } from '../recognizers/context';
import { intoWrittenUrl, passedOn, urlNotWrittenHere } from '../recognizers/inferred-calls';
import { sliceNode } from '../syntax';
import type { HttpCall } from '../types';
import { readOwnUrl } from './base-parameters';
import { findCapturingFunctions } from './closures';
import { collectClassFacts, findEnclosingFunction, isJsLanguage } from './code-shape';
import { findCurriedVerbHelpers } from './curried-helpers';
import { readForwardingFactories } from './forwarding-factories';
import { readGoKeptUrlWrapper } from './go-kept-urls';
import { readInheritFacts } from './inherited-senders';
import { readInjectionFacts } from './injected-fields';
import { findInjectedTransportHelpers } from './injected-transports';
import { findInstances } from './instances';
import { findCallbackRunner } from './js-request-links';
import { readRequestObjectFacts } from './js-request-objects';
import { constructorAliases, type KeptUrl, keepUnambiguous, readKeptUrlWrapper } from './python-constructors';
import { readFlagBranches } from './python-flag-methods';
import { readHeldSessionFacts } from './python-held-sessions';
import { readDispatchedMethod } from './python-method-dispatch';
import { readSessionClasses } from './python-session-classes';
import { readSplatWrapper, splatInside } from './python-splat-forwarders';
import { readReportSites } from './report-sites';
import { findRestForwarders } from './rest-forwarders';
import { collectSharedValues } from './shared-values';
import type { FileFacts, WrapperDefinition } from './types';
import { readWrapper } from './wrapper-definition';
import { METHOD_NAME } from './wrapper-urls';

const VERBS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options']);
// `getAPIList`, `post_form`: a verb-named method's variants, counted once a class has three plain verbs.
const VERB_PREFIXED = /^_*(get|post|put|patch|delete|head|options)(?:[A-Z_][\w$]*)?$/;

/**
 * Collects what one scanned file contributes to the project view, and the calls that only forward
 * their wrapper's parameters (`fetch(url, init)` inside `request(url, init)`): no part of their URL
 * is written at the call, so they are reported at the wrapper's call sites instead.
 */
export function collectFileFacts(
  context: ScanContext,
  calls: readonly HttpCall[],
): { facts: FileFacts; forwarding: Set<HttpCall> } {
  const seen = new Map<number, Node>();
  const ownRequests = new Set<HttpCall>();
  const definitions = findVerbForwarders(context, seen);
  // The function around each call, by the call's index in `calls` (a map keyed by call cost an
  // entry per found call).
  const enclosing: Array<Node | undefined> = new Array(calls.length);
  const keptUrls: KeptUrl[] = [];
  const flagged =
    context.language === 'python'
      ? readFlagBranches(calls, (call) => findCallNode(context, call), context.text)
      : undefined;
  for (let index = 0; index < calls.length; index++) {
    const call = calls[index] as HttpCall;
    const node = findCallNode(context, call);
    if (node === undefined) continue;
    let fn = findEnclosingFunction(node, context.language, context.text);
    if (fn !== undefined && (seen.has(fn.node.id) || flagged?.skip.has(call) === true)) {
      enclosing[index] = fn.node;
      continue;
    }
    let definition =
      fn === undefined
        ? undefined
        : (readWrapper(context, call, node, fn, forwardsUrl(call)) ??
          readSplatWrapper(context, call, node, fn));
    // A closure the function runs itself (`handlePage := func(page int) ...`) takes its URL from
    // the function around it: that function is the wrapper.
    if (definition === undefined) {
      for (const outer of findCapturingFunctions(node, context.language, context.text)) {
        if (seen.has(outer.node.id)) fn = outer;
        else definition = readWrapper(context, call, node, outer, forwardsUrl(call));
        if (definition !== undefined) fn = outer;
        if (seen.has(outer.node.id) || definition !== undefined) break;
      }
    }
    if (definition === undefined && fn === undefined && isJsLanguage(context.language)) {
      const runner = findCallbackRunner(node, context.language, context.text, context.root);
      if (runner !== undefined && !seen.has(runner.node.id)) {
        definition = readWrapper(context, call, node, runner, forwardsUrl(call));
        if (definition !== undefined) fn = runner;
      }
    }
    const own =
      fn === undefined || definition === undefined ? undefined : readOwnUrl(context, call, node, fn);
    // A host/base parameter that only starts a URL the function writes: its own request is the call.
    if (own !== undefined && definition !== undefined) {
      (call as { url: HttpCall['url'] }).url = { ...call.url, segments: own.url };
      ownRequests.add(call);
      const param = definition.urlParam;
      if (param !== undefined && (own.baseOnly.has(param) || own.ids.has(param))) definition = undefined;
    }
    if (fn === undefined) continue;
    enclosing[index] = fn.node;
    if (definition === undefined) {
      const kept = readKeptUrlWrapper(context, call, fn) ?? readGoKeptUrlWrapper(context, call, node);
      if (kept !== undefined) keptUrls.push(kept);
      continue;
    }
    seen.set(fn.node.id, fn.node);
    const dispatched =
      context.language === 'python' && call.method !== undefined && definition.method !== undefined
        ? readDispatchedMethod(node, call.method, fn, context.text)
        : undefined;
    if (dispatched !== undefined) {
      const { method: _, ...rest } = definition;
      definition = {
        ...rest,
        methodParam: dispatched.index,
        ...(dispatched.fallback === undefined ? {} : { methodDefault: dispatched.fallback }),
      };
    }
    const flag = flagged?.flags.get(call);
    definitions.push(flag === undefined ? definition : { ...definition, methodFlag: flag });
  }
  definitions.push(...findRequestForwarders(context, calls, seen));
  definitions.push(...findInjectedTransportHelpers(context, seen));
  definitions.push(...findRestForwarders(context, definitions, seen));
  definitions.push(...findCurriedVerbHelpers(context));
  const lazyLists = keepUnambiguous(keptUrls);
  definitions.push(...constructorAliases(definitions), ...lazyLists.definitions);
  // The request inside a lazy list is its transport: its constructions are the reports.
  const forwarding = new Set<HttpCall>(lazyLists.inside);
  for (let index = 0; index < calls.length; index++) {
    const call = calls[index] as HttpCall;
    const fn = enclosing[index];
    if (
      fn !== undefined &&
      seen.has(fn.id) &&
      (!writesUrl(call) || splatInside.has(call)) &&
      !ownRequests.has(call)
    )
      forwarding.add(call);
  }
  for (const call of calls) if (passedOn.has(call)) forwarding.add(call);
  const { classes, fieldTypes } = collectClassFacts(context.root, context.language, context.text);
  classes.push(...readForwardingFactories(context));
  const { constants, helpers } = collectSharedValues(context);
  const sessionClasses =
    context.language === 'python' ? readSessionClasses(context.root, context.text, context.file) : [];
  const heldSessions =
    context.language === 'python'
      ? readHeldSessionFacts(context.root, context.text, context.file)
      : undefined;
  const inherit = readInheritFacts(context);
  const requestObjects = readRequestObjectFacts(context, calls);
  return {
    facts: {
      definitions,
      instances: findInstances(context),
      classes,
      fieldTypes,
      ...(isJsLanguage(context.language) ? readInjectionFacts(context.root, context.text) : {}),
      constants,
      helpers,
      ...readReportSites(context, calls, enclosing, definitions, forwarding),
      ...(sessionClasses.length === 0 ? {} : { sessionClasses }),
      ...(heldSessions === undefined ||
      heldSessions.held.length + heldSessions.constructors.length + heldSessions.injections.length === 0
        ? {}
        : { heldSessions }),
      ...(inherit === undefined ? {} : { inherit }),
      ...(requestObjects === undefined ? {} : { requestObjects }),
    },
    forwarding,
  };
}

// Whether a call writes some part of its URL where it stands: a literal other than `/` separators
// (`${base}/${path}` joins what it is given; `/orders/${id}` writes the path).
function writesUrl(call: HttpCall): boolean {
  return call.origin === 'inferred'
    ? !urlNotWrittenHere.has(call)
    : call.url.segments.some((segment) => segment.kind === 'literal' && /[^/]/.test(segment.text));
}

// Whether the function around a call forwards a whole URL through it: the call writes no part of
// it, and does not hand its parameters to a wrapper that writes its own URL around them.
function forwardsUrl(call: HttpCall): boolean {
  return !writesUrl(call) && !intoWrittenUrl.has(call);
}

function findCallNode(context: ScanContext, call: HttpCall): Node | undefined {
  const { start, end } = call.location;
  const located = context.locatedCall(start.offset, end.offset);
  if (located !== undefined) return located;
  let node: Node | null = context.root.descendantForIndex(start.offset, end.offset);
  // The smallest node covering the range may be a child of the call (same extent): climb to it.
  while (node !== null && node.startIndex >= start.offset && node.endIndex <= end.offset) {
    if (node.startIndex === start.offset && node.endIndex === end.offset && /call/.test(node.type))
      return node;
    node = node.parent;
  }
  return undefined;
}

/**
 * Python's `self.session.request(method, url)` in a function that takes the method as a parameter
 * (`method`, `verb`, `http_method`) and the URL from another: the object's class is not known (a
 * session handed in by the caller, neither built nor typed in the class), but an object's
 * `request(method, url)` fed so is how sessions and pools send. The function is a client whose
 * transport cannot be followed (`client: custom`); the call inside is not reported itself.
 */
function findRequestForwarders(
  context: ScanContext,
  calls: readonly HttpCall[],
  seen: Map<number, Node>,
): WrapperDefinition[] {
  if (context.language !== 'python') return [];
  const { text } = context;
  const recognised = new Set(calls.map((call) => call.location.start.offset));
  const found: WrapperDefinition[] = [];
  for (const node of nodesOfType(context.root, 'call')) {
    const callee = node?.childForFieldName('function');
    if (node == null || callee?.type !== 'attribute' || recognised.has(node.startIndex)) continue;
    if (sliceNode(text, callee.childForFieldName('attribute') ?? callee) !== 'request') continue;
    const { positional, keywords } = readPythonArguments(node);
    const methodNode = positional[0] ?? keywords.get('method');
    const urlNode = positional.length > 0 ? positional[1] : keywords.get('url');
    if (methodNode?.type !== 'identifier' || urlNode === undefined) continue;
    const methodName = sliceNode(text, methodNode);
    const fn = findEnclosingFunction(node, context.language, text);
    const receiver = callee.childForFieldName('object');
    if (
      fn === undefined ||
      seen.has(fn.node.id) ||
      !METHOD_NAME.test(methodName) ||
      !fn.params.includes(methodName) ||
      receiver === null ||
      fn.selfNames.includes(sliceNode(text, receiver))
    )
      continue;
    const call: HttpCall = {
      kind: 'http',
      client: 'custom',
      method: undefined,
      methodSource: methodName,
      url: readPythonUrl(urlNode, text),
      location: context.locateNode(node),
      calleeLocation: context.locateCallee(callee),
      text: '',
      origin: 'recognised',
    };
    const definition = readWrapper(context, call, node, fn, true);
    if (definition?.methodParam === undefined) continue;
    seen.set(fn.node.id, fn.node);
    found.push(definition);
  }
  return found;
}

// A parameter named for the URL a verb method sends to.
const URL_PARAMETER = /^_*(?:endpoint|url|uri|path|route|href)$/i;

// Classes or objects with three or more verb-named methods that forward (verb, URL parameter).
function findVerbForwarders(context: ScanContext, seen: Map<number, Node>): WrapperDefinition[] {
  const { text, language } = context;
  const types = isJsLanguage(language)
    ? ['method_definition']
    : language === 'python'
      ? ['function_definition']
      : ['method_declaration'];
  const byOwner = new Map<
    string,
    Array<WrapperDefinition & { nodeId: number; node: Node; plain: boolean }>
  >();
  for (const method of nodesOfType(context.root, types)) {
    if (method === null) continue;
    const nameNode = method.childForFieldName('name');
    const body = method.childForFieldName('body');
    if (nameNode === null || body === null) continue;
    const methodName = sliceNode(text, nameNode);
    // Other methods of such a class that send their own name as the verb (`list` sends "list").
    const verb =
      VERB_PREFIXED.exec(methodName)?.[1] ?? (/^[a-z]+$/.test(methodName) ? methodName : undefined);
    if (verb === undefined) continue;
    const plain = VERBS.has(sliceNode(text, nameNode).replace(/^_+/, '').toLowerCase());
    const shape = findEnclosingFunction(body.firstNamedChild ?? body, language, text);
    if (shape === undefined || shape.node.id !== method.id || shape.owner === undefined) continue;
    // The URL parameter by its name where one is named for it (`get(self, callback, path)`: a
    // callback or a resource name may come first), else the first.
    const named = language === 'python' ? shape.params.findIndex((p) => URL_PARAMETER.test(p)) : -1;
    const at = Math.max(named, 0);
    const first = shape.params[at];
    if (first === undefined || first === '') continue;
    const bodyText = sliceNode(text, body);
    const literal = new RegExp(`["'\`]${verb}["'\`]`, 'i');
    if (!literal.test(bodyText) || !new RegExp(`[(,{:]\\s*${first.replace(/\$/g, '\\$')}\\b`).test(bodyText))
      continue;
    const list = byOwner.get(shape.owner) ?? [];
    list.push({
      plain,
      kind: 'wrapper',
      language,
      name: sliceNode(text, nameNode),
      owner: shape.owner,
      params: shape.params,
      method: verb.toUpperCase(),
      urlParam: at,
      url: [{ kind: 'expr', source: first }],
      client: 'custom',
      site: { file: context.file, line: shape.line },
      forwards: true,
      nodeId: method.id,
      node: method,
    });
    byOwner.set(shape.owner, list);
  }
  const found = [...byOwner.values()].filter((list) => list.filter((d) => d.plain).length >= 3).flat();
  for (const definition of found) seen.set(definition.nodeId, definition.node);
  return found.map(({ nodeId: _, node: __, plain: ___, ...definition }) => definition);
}
