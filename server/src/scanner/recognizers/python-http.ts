/**
 * Recognises Python's `requests`, `httpx`, `aiohttp` and `urllib3`: the module functions (`requests.get(url)`,
 * `httpx.request("DELETE", url)`), the same functions imported by name (`from requests import get`),
 * and sessions and clients (`s = requests.Session()`, `with httpx.Client(base_url=...) as c:`)
 * through the name they are bound to. A name counts only where it resolves to the import of the
 * module: `requests` imported under another name, or a local that shadows it, is not the library.
 */

import type { Node } from 'web-tree-sitter';
import { nodesOfType } from '../nodes-of-type';
import {
  classifyPythonBinding,
  type PythonBinding,
  readPythonArguments,
  readPythonString,
  readPythonUrl,
  resolvePythonBinding,
} from '../python-syntax';
import { sliceNode } from '../syntax';
import type { HttpCall, HttpClient, UrlTemplate } from '../types';
import { findBoundVerbCalls } from './bound-verbs';
import type { CallRecognizer, ScanContext } from './context';
import { type DispatchEntry, findDispatchCalls } from './dispatch-tables';
import { joinBaseUrl } from './js-objects';
import { findParamVerbCalls } from './python-verb-params';
import { findCleanWordNodes } from './recovery';

/** The HTTP method of each verb-named request method of a Python HTTP library (`get`, `post`, ...). */
export const PYTHON_VERB_METHODS: ReadonlyMap<string, string> = new Map([
  ['get', 'GET'],
  ['head', 'HEAD'],
  ['options', 'OPTIONS'],
  ['post', 'POST'],
  ['put', 'PUT'],
  ['patch', 'PATCH'],
  ['delete', 'DELETE'],
]);

/** How one library is called. */
interface PythonClientSpec {
  client: HttpClient;
  module: string;
  /** Functions taking `(method, url, ...)`. */
  requestFunctions: readonly string[];
  /** Classes whose instances have the same methods as the module (`Session`, `Client`). */
  sessionClasses: readonly string[];
  /** The keyword argument giving a session's base URL. */
  baseKeyword?: string;
  /** False when the library has no `get`/`post`/... helpers (urllib3 has only `request`). */
  verbHelpers?: boolean;
}

/** A name through which the library or one of its sessions is called. */
interface Target {
  name: string;
  binding: PythonBinding;
  /** `module`: `requests.get`; `function`: `get` itself; `session`: `s.get`; `class`: `Session()`. */
  role: 'module' | 'function' | 'session' | 'class';
  /** For `function`: the imported function's name. */
  function?: string;
  base?: UrlTemplate;
}

const SPECS: readonly PythonClientSpec[] = [
  {
    client: 'requests',
    module: 'requests',
    requestFunctions: ['request'],
    sessionClasses: ['Session', 'session'],
  },
  {
    client: 'httpx',
    module: 'httpx',
    requestFunctions: ['request', 'stream', 'build_request'],
    sessionClasses: ['Client', 'AsyncClient'],
    baseKeyword: 'base_url',
  },
  {
    client: 'aiohttp',
    module: 'aiohttp',
    requestFunctions: ['request'],
    sessionClasses: ['ClientSession'],
    baseKeyword: 'base_url',
  },
  {
    client: 'urllib3',
    module: 'urllib3',
    requestFunctions: ['request', 'urlopen', 'request_encode_url', 'request_encode_body'],
    sessionClasses: ['PoolManager', 'ProxyManager'],
    verbHelpers: false,
  },
];

/** The recognisers for `requests`, `httpx`, `aiohttp` and `urllib3`. */
export const pythonHttpRecognizers: readonly CallRecognizer[] = SPECS.map((spec) => ({
  client: spec.client,
  languages: ['python'],
  recognize: (context: ScanContext) => findPythonCalls(context, spec),
}));

function findPythonCalls(context: ScanContext, spec: PythonClientSpec): HttpCall[] {
  const bindingsByName = new Map<string, PythonBinding[]>();
  const findBindings = (name: string): PythonBinding[] => {
    let found = bindingsByName.get(name);
    if (found === undefined) {
      found = [];
      for (const hit of findCleanWordNodes(context, name)) {
        const binding = classifyPythonBinding(hit.node, hit.ancestors, context.text);
        if (binding !== undefined) found.push(binding);
      }
      bindingsByName.set(name, found);
    }
    return found;
  };
  const queue = findImports(context, spec, findBindings);
  queue.push(...findTypedSessions(context, spec, queue, findBindings));
  // Verb functions written without a call (`{'GET': requests.get}`): values of dispatch tables.
  const entries: DispatchEntry[] = [];
  const calls: HttpCall[] = [...findSelfSessionCalls(context, spec, queue, entries)];
  const seen = new Set<number>();
  for (let target = queue.shift(); target !== undefined; target = queue.shift()) {
    if (seen.has(target.binding.node.id)) continue;
    seen.add(target.binding.node.id);
    for (const hit of findCleanWordNodes(context, target.name)) {
      const node = hit.node;
      if (node.type !== 'identifier') continue;
      if (resolvePythonBinding(findBindings(target.name), node)?.node.id !== target.binding.node.id) continue;
      const [parent, grandparent, great] = hit.ancestors;
      if (target.role === 'function' || target.role === 'class') {
        if (parent?.type !== 'call' || parent.childForFieldName('function')?.id !== node.id) {
          const verb = target.role === 'function' ? readVerb(spec, target.function ?? '') : undefined;
          if (verb !== undefined) entries.push({ node, verb, base: target.base });
          continue;
        }
        if (target.role === 'class') {
          const session = readSession(context, spec, parent, grandparent, findBindings);
          if (session !== undefined) queue.push(session);
        } else {
          const call = readCall(context, spec, parent, node, target.function ?? '', undefined);
          if (call !== undefined) calls.push(call);
        }
        continue;
      }
      if (parent?.type !== 'attribute' || parent.childForFieldName('object')?.id !== node.id) continue;
      const attribute = sliceNode(context.text, parent.childForFieldName('attribute') ?? parent);
      if (grandparent?.type !== 'call' || grandparent.childForFieldName('function')?.id !== parent.id) {
        const verb = readVerb(spec, attribute);
        if (verb !== undefined) entries.push({ node: parent, verb, base: target.base });
        continue;
      }
      if (target.role === 'module' && spec.sessionClasses.includes(attribute)) {
        const session = readSession(context, spec, grandparent, great, findBindings);
        if (session !== undefined) queue.push(session);
        continue;
      }
      const call = readCall(context, spec, grandparent, parent, attribute, target.base);
      if (call !== undefined) calls.push(call);
    }
  }
  calls.push(...findDispatchCalls(context, spec.client, entries));
  calls.push(...findBoundVerbCalls(context, spec.client, entries));
  calls.push(...findParamVerbCalls(context, spec.client, entries));
  return calls;
}

// The verb of a helper function's name (`get` -> GET); undefined for other names.
function readVerb(spec: PythonClientSpec, name: string): string | undefined {
  return spec.verbHelpers === false ? undefined : PYTHON_VERB_METHODS.get(name);
}

/** `import requests`, `import requests as r`, `from requests import get, Session`. */
function findImports(
  context: ScanContext,
  spec: PythonClientSpec,
  findBindings: (name: string) => PythonBinding[],
): Target[] {
  const targets: Target[] = [];
  // An import of the module spells its name. Only skipped in a file without syntax errors, where
  // looking names up re-parses no fragment (those are shared with later lookups and budgeted).
  if (!context.root.hasError && !context.text.includes(spec.module)) return targets;
  const statements = nodesOfType(context.root, ['import_statement', 'import_from_statement']);
  for (const statement of statements) {
    if (statement === null) continue;
    for (const name of statement.childrenForFieldName('name')) {
      if (name === null) continue;
      const local = name.type === 'aliased_import' ? name.childForFieldName('alias') : name.firstNamedChild;
      if (local === null) continue;
      const localName = sliceNode(context.text, local);
      const binding = findBindings(localName).find((b) => b.node.startIndex === local.startIndex);
      if (binding === undefined) continue;
      const value = binding.value;
      if (value.kind === 'module' && value.module === spec.module) {
        targets.push({ name: localName, binding, role: 'module' });
      } else if (value.kind === 'from' && value.module === spec.module) {
        if (spec.sessionClasses.includes(value.name))
          targets.push({ name: localName, binding, role: 'class' });
        else if (
          (spec.verbHelpers !== false && PYTHON_VERB_METHODS.has(value.name)) ||
          spec.requestFunctions.includes(value.name)
        ) {
          targets.push({ name: localName, binding, role: 'function', function: value.name });
        }
      }
    }
  }
  return targets;
}

// How the file writes the library's session classes: `httpx.Client`, `requests.Session`, or the
// name a class was imported under (`from httpx import AsyncClient as C`).
function sessionTypePattern(spec: PythonClientSpec, imports: readonly Target[]): RegExp | undefined {
  const alternatives: string[] = [];
  for (const target of imports) {
    if (target.role === 'module') {
      for (const cls of spec.sessionClasses) alternatives.push(`${escapeRegExp(target.name)}\\.${cls}`);
    } else if (target.role === 'class') {
      alternatives.push(escapeRegExp(target.name));
    }
  }
  return alternatives.length === 0
    ? undefined
    : new RegExp(`(?<![\\w.])(?:${alternatives.join('|')})(?!\\w)`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A parameter annotated with a session class (`def get(client: httpx.Client, url)`,
 * `session: Optional[requests.Session] = None`): the caller hands a session in.
 */
function findTypedSessions(
  context: ScanContext,
  spec: PythonClientSpec,
  imports: readonly Target[],
  findBindings: (name: string) => PythonBinding[],
): Target[] {
  const pattern = sessionTypePattern(spec, imports);
  if (pattern === undefined) return [];
  const targets: Target[] = [];
  const modules = imports.filter((target) => target.role === 'module');
  for (const param of nodesOfType(context.root, [
    'typed_parameter',
    'typed_default_parameter',
    'default_parameter',
  ])) {
    const type = param?.childForFieldName('type');
    const nameNode =
      param?.type === 'typed_parameter' ? param.firstNamedChild : param?.childForFieldName('name');
    const fallback = param?.childForFieldName('value');
    const typed = type != null && pattern.test(sliceNode(context.text, type));
    if (nameNode?.type !== 'identifier' || (!typed && !isSessionDefault(context, fallback, modules, pattern)))
      continue;
    const name = sliceNode(context.text, nameNode);
    const binding = findBindings(name).find((b) => b.node.startIndex === nameNode.startIndex);
    if (binding !== undefined) targets.push({ name, binding, role: 'session' });
  }
  return targets;
}

// A parameter whose default is the library itself (`http_service=requests`, the module stands in
// for a session: it has the same functions) or a new session (`session=requests.Session()`).
function isSessionDefault(
  context: ScanContext,
  fallback: Node | null | undefined,
  modules: readonly Target[],
  pattern: RegExp,
): boolean {
  if (fallback == null) return false;
  if (fallback.type === 'identifier') {
    const name = sliceNode(context.text, fallback);
    return modules.some((module) => module.name === name && isOutsideFunctions(module.binding.node));
  }
  return (
    fallback.type === 'call' &&
    pattern.test(sliceNode(context.text, fallback.childForFieldName('function') ?? fallback))
  );
}

// A module imported at the top of the file (a default value is read where the function is defined).
function isOutsideFunctions(node: Node): boolean {
  for (let current = node.parent; current !== null; current = current.parent)
    if (current.type === 'function_definition') return false;
  return true;
}

/**
 * A session kept on the instance: `self._client = client or httpx.Client()` (a session class's
 * constructor, or a session-typed parameter, in the assigned value) in a method of a class; then
 * `self._client.get(url)` in any method of that class is a call.
 */
function findSelfSessionCalls(
  context: ScanContext,
  spec: PythonClientSpec,
  targets: readonly Target[],
  entries: DispatchEntry[],
): HttpCall[] {
  const pattern = sessionTypePattern(spec, targets);
  const calls: HttpCall[] = [];
  // No session class to construct and no session parameter: no field can hold a session.
  if (pattern === undefined && !targets.some((target) => target.role === 'session')) return calls;
  const constructs = pattern === undefined ? undefined : new RegExp(`${pattern.source}\\s*\\(`);
  for (const cls of nodesOfType(context.root, 'class_definition')) {
    if (cls === null) continue;
    const fields = new Set<string>();
    for (const assignment of cls.descendantsOfType('assignment')) {
      const left = assignment?.childForFieldName('left');
      const right = assignment?.childForFieldName('right');
      if (
        left?.type !== 'attribute' ||
        right == null ||
        left.childForFieldName('object')?.type !== 'identifier'
      )
        continue;
      const ctor = constructs?.test(sliceNode(context.text, right)) === true;
      const param = right
        .descendantsOfType('identifier')
        .some((id) => id !== null && isSessionParam(context, id, targets));
      const attribute = left.childForFieldName('attribute');
      if ((ctor || param) && attribute !== null) fields.add(sliceNode(context.text, attribute));
    }
    const base = fields.size === 0 ? undefined : readAssignedBase(context, spec, cls, fields, targets);
    for (const field of fields) {
      for (const attribute of cls.descendantsOfType('attribute')) {
        const object = attribute?.childForFieldName('object');
        const name = attribute?.childForFieldName('attribute');
        if (attribute == null || object?.type !== 'attribute' || name == null) continue;
        if (sliceNode(context.text, object.childForFieldName('attribute') ?? object) !== field) continue;
        const holder = object.childForFieldName('object');
        if (holder?.type !== 'identifier' || sliceNode(context.text, holder) !== 'self') continue;
        const call = attribute.parent;
        if (call?.type !== 'call' || call.childForFieldName('function')?.id !== attribute.id) {
          const verb = readVerb(spec, sliceNode(context.text, name));
          if (verb !== undefined) entries.push({ node: attribute, verb, base: undefined });
          continue;
        }
        const found = readCall(context, spec, call, attribute, sliceNode(context.text, name), base);
        // A base the class set on its own session: a path handed in is under it (httpx joins a
        // relative path to `base_url`), so it is joined even when the path is only a name.
        if (found !== undefined && base !== undefined && !found.url.known)
          found.url = joinBaseUrl(base, { ...found.url, known: true });
        if (found !== undefined) calls.push(found);
      }
    }
  }
  return calls;
}

/**
 * The base URL a class sets on its session after making it: `self.client.base_url = ...`, or on a
 * session-typed parameter before keeping it (`client.base_url = httpx.URL(f"{root}/v1/")` in a
 * setter). One value only: a class that sets two different bases has none that is known.
 */
function readAssignedBase(
  context: ScanContext,
  spec: PythonClientSpec,
  cls: Node,
  fields: ReadonlySet<string>,
  targets: readonly Target[],
): UrlTemplate | undefined {
  if (spec.baseKeyword === undefined) return undefined;
  const values = new Set<string>();
  let base: UrlTemplate | undefined;
  for (const assignment of cls.descendantsOfType('assignment')) {
    const left = assignment?.childForFieldName('left');
    let right = assignment?.childForFieldName('right');
    const holder = left?.childForFieldName('object');
    if (left?.type !== 'attribute' || right == null || holder == null) continue;
    if (sliceNode(context.text, left.childForFieldName('attribute') ?? left) !== spec.baseKeyword) continue;
    const field =
      holder.type === 'attribute' &&
      sliceNode(context.text, holder.childForFieldName('object') ?? holder) === 'self' &&
      fields.has(sliceNode(context.text, holder.childForFieldName('attribute') ?? holder));
    if (!field && !(holder.type === 'identifier' && isSessionParam(context, holder, targets))) continue;
    // `httpx.URL("...")` holds the URL it is given.
    if (
      right.type === 'call' &&
      /(?:^|\.)URL$/.test(sliceNode(context.text, right.childForFieldName('function') ?? right))
    )
      right = readPythonArguments(right).positional[0];
    if (right == null) continue;
    base = readPythonUrl(right, context.text);
    values.add(sliceNode(context.text, right));
  }
  return values.size === 1 ? base : undefined;
}

function isSessionParam(context: ScanContext, id: Node, targets: readonly Target[]): boolean {
  const name = sliceNode(context.text, id);
  return targets.some(
    (t) =>
      t.role === 'session' &&
      t.name === name &&
      id.startIndex >= t.binding.scopeStart &&
      id.endIndex <= t.binding.scopeEnd,
  );
}

/** `s = requests.Session()` or `with httpx.Client(base_url=...) as c:`: the session's name. */
function readSession(
  context: ScanContext,
  spec: PythonClientSpec,
  call: Node,
  holder: Node | undefined,
  findBindings: (name: string) => PythonBinding[],
): Target | undefined {
  let nameNode: Node | null | undefined;
  const assigned = readFallbackAssignment(call, holder) ?? holder;
  if (assigned?.type === 'assignment' && assigned !== holder) {
    nameNode = assigned.childForFieldName('left');
  } else if (holder?.type === 'assignment' && holder.childForFieldName('right')?.id === call.id) {
    nameNode = holder.childForFieldName('left');
  } else if (holder?.type === 'as_pattern') {
    nameNode = holder.childForFieldName('alias')?.firstNamedChild;
  }
  if (nameNode?.type !== 'identifier') return undefined;
  const name = sliceNode(context.text, nameNode);
  const binding = findBindings(name).find((b) => b.node.startIndex === nameNode.startIndex);
  if (binding === undefined) return undefined;
  const baseNode =
    spec.baseKeyword === undefined ? undefined : readPythonArguments(call).keywords.get(spec.baseKeyword);
  return {
    name,
    binding,
    role: 'session',
    ...(baseNode === undefined ? {} : { base: readPythonUrl(baseNode, context.text) }),
  };
}

// `session = self.session or aiohttp.ClientSession()`, `s = requests.Session() if x is None else x`:
// the caller's session when given, else a new one; either way the name holds a session.
function readFallbackAssignment(call: Node, holder: Node | undefined): Node | undefined {
  const assignment = holder?.parent;
  if (holder == null || assignment?.type !== 'assignment') return undefined;
  if (assignment.childForFieldName('right')?.id !== holder.id) return undefined;
  if (holder.type === 'boolean_operator' && holder.childForFieldName('operator')?.type === 'or')
    return holder.childForFieldName('left')?.id === call.id ||
      holder.childForFieldName('right')?.id === call.id
      ? assignment
      : undefined;
  // The chosen values of `a if test else b` are its first and last operands, never the test.
  if (holder.type === 'conditional_expression')
    return holder.namedChild(0)?.id === call.id || holder.namedChild(2)?.id === call.id
      ? assignment
      : undefined;
  return undefined;
}

/** A call of a session method of `client`'s library (`s.get(url)`); undefined for other methods. */
export function readSessionCall(
  context: ScanContext,
  client: HttpClient,
  call: Node,
  callee: Node,
  name: string,
): HttpCall | undefined {
  const spec = SPECS.find((s) => s.client === client);
  return spec === undefined ? undefined : readCall(context, spec, call, callee, name, undefined);
}

/** `requests.get(url)`, `s.request("DELETE", url)`, `get(url=...)`; undefined for other methods. */
function readCall(
  context: ScanContext,
  spec: PythonClientSpec,
  call: Node,
  callee: Node,
  name: string,
  base: UrlTemplate | undefined,
): HttpCall | undefined {
  const { positional, keywords } = readPythonArguments(call);
  let method: string | undefined;
  let urlNode: Node | undefined;
  const helper = spec.verbHelpers === false ? undefined : PYTHON_VERB_METHODS.get(name);
  if (helper !== undefined) {
    method = helper;
    urlNode = positional[0] ?? keywords.get('url');
  } else if (spec.requestFunctions.includes(name)) {
    const methodNode = positional[0] ?? keywords.get('method');
    method = readPythonString(methodNode, context.text)?.toUpperCase();
    urlNode = positional[1] ?? keywords.get('url');
  } else {
    return undefined;
  }
  return {
    kind: 'http',
    client: spec.client,
    method,
    url: joinBaseUrl(base, readPythonUrl(urlNode, context.text)),
    location: context.locateNode(call),
    calleeLocation: context.locateCallee(callee),
    text: context.readExcerpt(call),
    origin: 'recognised',
  };
}
