/**
 * Recognises Python's standard-library HTTP clients. `urllib.request`: `urlopen(url, data)` (POST
 * when data is given, else GET) and `Request(url, data, headers, method=...)` (the `method`
 * argument, else POST when data is given, else GET), reported where the `Request` is built, which is
 * where its method and URL are written, whether it is opened there or in another place (a local, a
 * field); `urlopen(req)` of such a request is not a second call, and an opener from `build_opener`
 * opens as `urlopen` does (`opener.open(url, data)`). `http.client`:
 * `HTTPConnection(host)` / `HTTPSConnection(host)` kept in a local or a field, then
 * `conn.request(method, path, body)` (also `putrequest`), whose URL is the scheme, the host and the
 * path. Python 2's `urllib2`/`httplib` and `six.moves`' spellings are read as the same modules. A
 * name counts only where it resolves to the import of the module (a `Request` class of another
 * module is not urllib's).
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
import type { HttpCall, HttpClient, UrlSegment, UrlTemplate } from '../types';
import { buildRecognisedCall, buildTemplate } from './call-parts';
import type { CallRecognizer, ScanContext } from './context';
import { findCleanWordNodes } from './recovery';

const URLOPEN = 'urllib.request.urlopen';
const REQUEST = 'urllib.request.Request';
const CONNECTIONS: ReadonlyMap<string, string> = new Map([
  ['http.client.HTTPConnection', 'http://'],
  ['http.client.HTTPSConnection', 'https://'],
]);
const CONNECTION_METHODS = new Set(['request', 'putrequest']);
const OPENER = 'urllib.request.build_opener';
const OPENER_METHODS = new Set(['open']);
// Older and compatibility spellings of the same modules.
const ALIASES: ReadonlyArray<[string, string]> = [
  ['six.moves.urllib.request.', 'urllib.request.'],
  ['six.moves.urllib_request.', 'urllib.request.'],
  ['six.moves.http_client.', 'http.client.'],
  ['urllib2.', 'urllib.request.'],
  ['httplib.', 'http.client.'],
];
const MODULE_HINT = /\b(?:urllib|urllib2|http\.client|httplib|http_client)\b/;
// An argument named as a request object (`req`, `self._request`) is a `Request` built elsewhere.
const REQUEST_NAME = /(?:^|[._])req(?:uest)?$|Request$/i;

/** The recogniser for `urllib.request`. */
export const urllibRecognizer: CallRecognizer = {
  client: 'urllib',
  languages: ['python'],
  recognize: (context) => findStdlibCalls(context, 'urllib'),
};

/** The recogniser for `http.client`. */
export const httpClientRecognizer: CallRecognizer = {
  client: 'http.client',
  languages: ['python'],
  recognize: (context) => findStdlibCalls(context, 'http.client'),
};

/** A call of one of the modules' functions, with the function's qualified name. */
interface QualifiedCall {
  call: Node;
  callee: Node;
  name: string;
}

function findStdlibCalls(context: ScanContext, client: HttpClient): HttpCall[] {
  if (!MODULE_HINT.test(context.text)) return [];
  const found = findQualifiedCalls(context);
  const calls: HttpCall[] = [];
  const requests = new Set(found.filter((q) => q.name === REQUEST).map((q) => q.call.id));
  for (const q of found) {
    if (client === 'urllib' && q.name === REQUEST) calls.push(readRequest(context, q));
    else if (client === 'urllib' && q.name === URLOPEN) {
      const call = readUrlopen(context, q, requests);
      if (call !== undefined) calls.push(call);
    } else if (client === 'urllib' && q.name === OPENER) {
      // `opener = build_opener(handler)`, then `opener.open(url, data)` opens as `urlopen` does.
      const holder = readHolder(q.call);
      for (const open of holder === undefined ? [] : findHeldCalls(context, holder, OPENER_METHODS)) {
        const call = readUrlopen(context, { ...open, name: URLOPEN }, requests);
        if (call !== undefined) calls.push(call);
      }
    } else if (client === 'http.client') {
      const scheme = CONNECTIONS.get(q.name);
      if (scheme !== undefined) calls.push(...readConnection(context, q, scheme));
    }
  }
  return calls;
}

/** Every call in the file of a name imported from the modules, with its qualified, normalised name. */
function findQualifiedCalls(context: ScanContext): QualifiedCall[] {
  const { text } = context;
  const found: QualifiedCall[] = [];
  for (const statement of nodesOfType(context.root, ['import_statement', 'import_from_statement'])) {
    if (statement === null) continue;
    for (const name of statement.childrenForFieldName('name')) {
      const local = name?.type === 'aliased_import' ? name.childForFieldName('alias') : name?.firstNamedChild;
      if (local == null || name == null) continue;
      const localName = sliceNode(text, local);
      const bindings = findBindings(context, localName);
      const binding = bindings.find((b) => b.node.startIndex === local.startIndex);
      if (binding === undefined) continue;
      // `import urllib.request` binds `urllib`; `import urllib.request as ur` binds the whole path.
      const prefix =
        binding.value.kind === 'module'
          ? name.type === 'aliased_import'
            ? binding.value.module
            : localName
          : binding.value.kind === 'from'
            ? `${binding.value.module}.${binding.value.name}`
            : undefined;
      if (prefix === undefined || !/^(?:urllib2?|http|httplib|six)\b/.test(prefix)) continue;
      for (const hit of findCleanWordNodes(context, localName)) {
        if (hit.node.type !== 'identifier' || hit.node.id === local.id) continue;
        if (resolvePythonBinding(bindings, hit.node)?.node.id !== binding.node.id) continue;
        let callee = hit.node;
        for (const parent of hit.ancestors) {
          if (parent.type !== 'attribute' || parent.childForFieldName('object')?.id !== callee.id) break;
          callee = parent;
        }
        const call = callee.parent;
        if (call?.type !== 'call' || call.childForFieldName('function')?.id !== callee.id) continue;
        const rest = sliceNode(text, callee).slice(localName.length).replace(/\s+/g, '');
        found.push({ call, callee, name: normalise(`${prefix}${rest}`) });
      }
    }
  }
  return found;
}

function normalise(name: string): string {
  for (const [from, to] of ALIASES) if (name.startsWith(from)) return `${to}${name.slice(from.length)}`;
  return name;
}

function findBindings(context: ScanContext, name: string): PythonBinding[] {
  const found: PythonBinding[] = [];
  for (const hit of findCleanWordNodes(context, name)) {
    const binding = classifyPythonBinding(hit.node, hit.ancestors, context.text);
    if (binding !== undefined) found.push(binding);
  }
  return found;
}

// `data` given and not `None`: the request has a body, so urllib sends it as a POST.
function hasData(node: Node | undefined, text: string): boolean {
  return node !== undefined && sliceNode(text, node) !== 'None';
}

/** `Request(url, data=None, headers={}, origin_req_host=None, unverifiable=False, method=None)`. */
function readRequest(context: ScanContext, q: QualifiedCall): HttpCall {
  const { text } = context;
  const { positional, keywords } = readPythonArguments(q.call);
  const methodNode = keywords.get('method') ?? positional[5];
  let method: string | undefined;
  let methodSource: string | undefined;
  if (methodNode === undefined || sliceNode(text, methodNode) === 'None') {
    method = hasData(keywords.get('data') ?? positional[1], text) ? 'POST' : 'GET';
  } else {
    method = readPythonString(methodNode, text)?.toUpperCase();
    if (method === undefined) methodSource = sliceNode(text, methodNode);
  }
  const url = readPythonUrl(keywords.get('url') ?? positional[0], text);
  return buildCall(context, 'urllib', q, method, url, methodSource);
}

/**
 * `urlopen(url, data=None)`; not when the argument is a `Request` (built in the call, bound to one
 * above, or named as one): that request is reported where it is built.
 */
function readUrlopen(
  context: ScanContext,
  q: QualifiedCall,
  requests: ReadonlySet<number>,
): HttpCall | undefined {
  const { text } = context;
  const { positional, keywords } = readPythonArguments(q.call);
  const argument = keywords.get('url') ?? positional[0];
  if (argument === undefined || requests.has(argument.id) || REQUEST_NAME.test(sliceNode(text, argument)))
    return undefined;
  if (argument.type === 'identifier') {
    const name = sliceNode(text, argument);
    const binding = resolvePythonBinding(findBindings(context, name), argument);
    if (binding?.value.kind === 'value' && requests.has(binding.value.value.id)) return undefined;
  }
  const method = hasData(keywords.get('data') ?? positional[1], text) ? 'POST' : 'GET';
  return buildCall(context, 'urllib', q, method, readPythonUrl(argument, text));
}

/**
 * `conn = HTTPSConnection(host)` (or `with ... as conn`, or `self.conn = ...`), then
 * `conn.request(method, path, body)` in the same function, or `self.conn.request(...)` in the
 * same class: each is a call to the scheme, the host and the path.
 */
function readConnection(context: ScanContext, q: QualifiedCall, scheme: string): HttpCall[] {
  const { text } = context;
  const { positional, keywords } = readPythonArguments(q.call);
  const hostNode = keywords.get('host') ?? positional[0];
  if (hostNode === undefined) return [];
  const base: UrlSegment[] = [{ kind: 'literal', text: scheme }, ...readPythonUrl(hostNode, text).segments];
  const holder = readHolder(q.call);
  if (holder === undefined) return [];
  const calls: HttpCall[] = [];
  for (const { call, callee } of findHeldCalls(context, holder, CONNECTION_METHODS)) {
    const { positional: args, keywords: named } = readPythonArguments(call);
    const methodNode = named.get('method') ?? args[0];
    const pathNode = named.get('url') ?? args[1];
    if (methodNode === undefined || pathNode === undefined) continue;
    const method = readPythonString(methodNode, text)?.toUpperCase();
    const path = readPythonUrl(pathNode, text);
    calls.push(
      buildCall(
        context,
        'http.client',
        { call, callee, name: '' },
        method,
        buildTemplate([...base, ...path.segments], (source) => `{${source}}`),
        method === undefined ? sliceNode(text, methodNode) : undefined,
      ),
    );
  }
  return calls;
}

// The name or `self` attribute the new connection is assigned to (`as` target of a `with` too).
function readHolder(call: Node): Node | undefined {
  const parent = call.parent;
  if (parent?.type === 'assignment' && parent.childForFieldName('right')?.id === call.id) {
    return parent.childForFieldName('left') ?? undefined;
  }
  if (parent?.type === 'as_pattern') {
    const target =
      parent.childForFieldName('alias') ?? parent.namedChildren.find((c) => c?.type === 'as_pattern_target');
    return target?.firstNamedChild ?? target ?? undefined;
  }
  return undefined;
}

function findHeldCalls(
  context: ScanContext,
  holder: Node,
  methods: ReadonlySet<string>,
): Array<{ call: Node; callee: Node }> {
  const { text } = context;
  const found: Array<{ call: Node; callee: Node }> = [];
  const readMember = (object: Node, attribute: Node | undefined, call: Node | undefined): void => {
    if (
      attribute?.type === 'attribute' &&
      attribute.childForFieldName('object')?.id === object.id &&
      methods.has(sliceNode(text, attribute.childForFieldName('attribute') ?? attribute)) &&
      call?.type === 'call' &&
      call.childForFieldName('function')?.id === attribute.id
    )
      found.push({ call, callee: attribute });
  };
  if (holder.type === 'identifier') {
    const name = sliceNode(text, holder);
    const bindings = findBindings(context, name);
    const binding = resolvePythonBinding(bindings, holder);
    if (binding === undefined) return found;
    for (const hit of findCleanWordNodes(context, name)) {
      if (hit.node.type !== 'identifier' || hit.node.startIndex <= holder.startIndex) continue;
      if (resolvePythonBinding(bindings, hit.node)?.node.id !== binding.node.id) continue;
      readMember(hit.node, hit.ancestors[0], hit.ancestors[1]);
    }
    return found;
  }
  // `self._conn = HTTPSConnection(host)`: `self._conn.request(...)` in any method of the class.
  const object = holder.type === 'attribute' ? holder.childForFieldName('object') : null;
  const field = holder.childForFieldName('attribute');
  if (object?.type !== 'identifier' || field === null) return found;
  const self = sliceNode(text, object);
  let owner: Node | null = holder.parent;
  while (owner !== null && owner.type !== 'class_definition') owner = owner.parent;
  if (owner === null) return found;
  for (const hit of findCleanWordNodes(context, sliceNode(text, field))) {
    const [attribute, member, call] = hit.ancestors;
    const holderObject = attribute?.childForFieldName('object');
    if (
      attribute?.type !== 'attribute' ||
      attribute.childForFieldName('attribute')?.id !== hit.node.id ||
      holderObject?.type !== 'identifier' ||
      sliceNode(text, holderObject) !== self ||
      hit.node.startIndex < owner.startIndex ||
      hit.node.endIndex > owner.endIndex
    )
      continue;
    readMember(attribute, member, call);
  }
  return found;
}

function buildCall(
  context: ScanContext,
  client: HttpClient,
  q: QualifiedCall,
  method: string | undefined,
  url: UrlTemplate,
  methodSource?: string,
): HttpCall {
  return buildRecognisedCall(context, { client, call: q.call, callee: q.callee, method, methodSource, url });
}
