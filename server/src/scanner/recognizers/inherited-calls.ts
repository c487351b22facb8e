/**
 * Requests reached through class inheritance and fields (JavaScript/TypeScript; the facts in
 * `project/inherited-senders.ts`, joined in `project/inherited-view.ts`):
 * - a generic method a subclass inherits, called on an instance of the subclass (`new Things()
 *   .create(x)`, a local holding one, also inside `ref(...)`/`reactive(...)` as Vue keeps it, or
 *   `this.update(x)` in the subclass), is that method's request to the URL the subclass gives the
 *   field it reads (`super({ create: '/things' })`);
 * - inside a subclass, `this.<transport>.<verb>(url)` on a field its base filled from an HTTP
 *   factory, the URL a path or a field entry the subclass sets;
 * - a local holding what a project factory function returns (`const http = makeClient()`, the
 *   function returning `axios.create(...)`), and its helpers' calls.
 * Reads the project view, so it finds nothing on a file's first look.
 */

import type { Node } from 'web-tree-sitter';
import { nodesOfType } from '../nodes-of-type';
import { isJsLanguage } from '../project/code-shape';
import { ANGULAR_CLIENT, readFieldEntry, readThisField, TRANSPORT_VERBS } from '../project/inherited-senders';
import {
  classChain,
  factoryClient,
  type InheritView,
  type ResolvedSender,
  resolvePath,
  resolveSender,
  transportClient,
} from '../project/inherited-view';
import { readChainUrl } from '../project/js-url-builders';
import { readUrlValue } from '../project/values';
import { readConstantString, sliceNode } from '../syntax';
import type { HttpCall, HttpClient, UrlSegment } from '../types';
import type { CallRecognizer, ScanContext } from './context';

/** The recogniser for inherited senders and factory-made instances. */
export const inheritedCallRecognizer: CallRecognizer = {
  client: 'axios',
  languages: ['javascript', 'typescript', 'tsx'],
  readsProject: true,
  recognize: findInheritedCalls,
};

// Vue's wrappers: `ref(x).value` is `x`; `reactive(x)` is `x` itself.
const REF_WRAPPERS = new Set(['ref', 'shallowRef']);
const REACTIVE_WRAPPERS = new Set(['reactive', 'shallowReactive', 'markRaw']);

function findInheritedCalls(context: ScanContext): HttpCall[] {
  const view = context.project.inherit;
  if (view === undefined || !isJsLanguage(context.language)) return [];
  const calls: HttpCall[] = [];
  const seen = new Set<number>();
  const push = (call: HttpCall | undefined, node: Node) => {
    if (call === undefined || seen.has(node.id)) return;
    seen.add(node.id);
    calls.push(call);
  };
  const holders = new Map<string, { className: string; viaValue: boolean } | null>();
  const factoryLocals = new Map<string, string | null>();
  // From the tree's one walk (`nodesOfType`), not a walk of its own.
  for (const made of nodesOfType(context.root, ['new_expression', 'call_expression'])) {
    if (made == null) continue;
    if (made.type === 'new_expression') readConstruction(context, view, made, holders, push);
    else readFactoryCall(context, view, made, factoryLocals, push);
  }
  for (const [name, holder] of holders)
    if (holder !== null) readHolderCalls(context, view, name, holder, push);
  for (const [name, client] of factoryLocals)
    if (client !== null) readFactoryLocalCalls(context, name, client, push);
  readOwnClassCalls(context, view, push);
  return calls;
}

type Push = (call: HttpCall | undefined, node: Node) => void;

// `new S(...)`: called at once (`new S().m()`), or kept in a local (maybe inside `ref(...)`).
function readConstruction(
  context: ScanContext,
  view: InheritView,
  made: Node,
  holders: Map<string, { className: string; viaValue: boolean } | null>,
  push: Push,
): void {
  const classNode = made.childForFieldName('constructor');
  if (classNode?.type !== 'identifier') return;
  const className = sliceNode(context.text, classNode);
  if (view.classes.get(className) == null) return;
  let node = made;
  while (node.parent?.type === 'parenthesized_expression') node = node.parent;
  const parent = node.parent;
  if (parent?.type === 'member_expression') {
    const call = parent.parent;
    if (call?.type === 'call_expression' && call.childForFieldName('function')?.id === parent.id)
      push(readMethodCall(context, view, className, call, parent, false), call);
    return;
  }
  let viaValue = false;
  let holder: Node | null = parent;
  if (parent?.type === 'arguments') {
    const wrapper = parent.parent;
    const name = wrapper?.childForFieldName('function');
    const word = name == null ? '' : sliceNode(context.text, name);
    if (!REF_WRAPPERS.has(word) && !REACTIVE_WRAPPERS.has(word)) return;
    viaValue = REF_WRAPPERS.has(word);
    holder = wrapper?.parent ?? null;
  }
  if (holder?.type !== 'variable_declarator') return;
  const id = holder.childForFieldName('name');
  if (id?.type !== 'identifier') return;
  const name = sliceNode(context.text, id);
  const known = holders.get(name);
  if (known === undefined) holders.set(name, { className, viaValue });
  else if (known !== null && (known.className !== className || known.viaValue !== viaValue))
    holders.set(name, null);
}

// `h.m(...)` (or `h.value.m(...)`) for a local holding an instance.
function readHolderCalls(
  context: ScanContext,
  view: InheritView,
  name: string,
  holder: { className: string; viaValue: boolean },
  push: Push,
): void {
  for (const hit of context.findWordNodes(name)) {
    const node = hit.node;
    if (node.type !== 'identifier') continue;
    let receiver: Node | null = node.parent;
    if (receiver?.type !== 'member_expression' || receiver.childForFieldName('object')?.id !== node.id)
      continue;
    if (holder.viaValue) {
      if (sliceNode(context.text, receiver.childForFieldName('property') ?? receiver) !== 'value') continue;
      receiver = receiver.parent;
      if (receiver?.type !== 'member_expression') continue;
    }
    const call = receiver.parent;
    if (call?.type !== 'call_expression' || call.childForFieldName('function')?.id !== receiver.id) continue;
    push(readMethodCall(context, view, holder.className, call, receiver, false), call);
  }
}

// Inside a class of the view: `this.m(...)` of an inherited sender, `this.http.verb(url)`.
function readOwnClassCalls(context: ScanContext, view: InheritView, push: Push): void {
  for (const declaration of context.root.descendantsOfType([
    'class_declaration',
    'abstract_class_declaration',
  ])) {
    const nameNode = declaration?.childForFieldName('name');
    const body = declaration?.childForFieldName('body');
    if (nameNode == null || body == null) continue;
    const className = sliceNode(context.text, nameNode);
    const fact = view.classes.get(className);
    if (fact == null || fact.file !== context.file) continue;
    for (const call of body.descendantsOfType('call_expression')) {
      let callee = call?.childForFieldName('function');
      // `await this.requests.get<T>(url)`: tree-sitter's reading of a generic call after `await`.
      if (callee?.type === 'await_expression' && call?.childForFieldName('type_arguments') != null)
        callee = callee.namedChildren[0];
      if (call == null || callee?.type !== 'member_expression') continue;
      const object = callee.childForFieldName('object');
      if (object?.type === 'this') {
        const field = readThisField(context, callee);
        const client = field === undefined ? undefined : transportClient(view, className, field);
        if (client === 'axios') push(readConfigCall(context, call, callee), call);
        else push(readMethodCall(context, view, className, call, callee, true), call);
        continue;
      }
      const transport = readThisField(context, object);
      const verb = TRANSPORT_VERBS.get(
        sliceNode(context.text, callee.childForFieldName('property') ?? callee),
      );
      if (transport === undefined || verb === undefined) continue;
      const client = transportClient(view, className, transport);
      const arg = call.childForFieldName('arguments')?.namedChildren[0] ?? undefined;
      if (client === undefined || arg === undefined) continue;
      // An HttpClient field declared in this file is the Angular recogniser's: its calls are reported there.
      if (client === 'angular' && angularFieldFile(view, className, transport) === context.file) continue;
      // A typed transport's call that writes its path is the shape rule's; one whose URL the
      // object computes (`this.itemRoute(id)`, an abstract route) is reported here, its URL unknown.
      // `this.http.get(this.urlFor(id, 'x'))`: the URL a builder of the class chain makes.
      const built =
        client === 'angular' ? readChainUrl(context, classChain(view, className), arg) : undefined;
      const url =
        built ??
        (client === 'shape'
          ? readComputedUrl(context, arg)
          : readArgumentUrl(context, view, className, arg, true));
      if (url === undefined) continue;
      push(buildCall(context, call, callee, client, verb, url, undefined), call);
    }
  }
}

// The file of the nearest class of the chain that declares `field` as Angular's HttpClient.
function angularFieldFile(view: InheritView, className: string, field: string): string | undefined {
  return classChain(view, className).find((fact) =>
    fact.typedFields?.some(([name, type]) => name === field && type === ANGULAR_CLIENT),
  )?.file;
}

// `recv.m(args)` on an instance of `className`: the inherited method's request. A method the class
// declares itself is its own: its request is read inside it, not at its callers.
function readMethodCall(
  context: ScanContext,
  view: InheritView,
  className: string,
  call: Node,
  callee: Node,
  onThis: boolean,
): HttpCall | undefined {
  const method = sliceNode(context.text, callee.childForFieldName('property') ?? callee);
  const sender = resolveSender(view, className, method);
  if (sender === undefined || sender.owner.name === className) return undefined;
  let url: UrlSegment[] | undefined;
  if (sender.url.field !== undefined) {
    const [field, key] = sender.url.field;
    url = resolvePath(view, className, field, key);
  } else if (sender.url.param !== undefined) {
    const arg = call.childForFieldName('arguments')?.namedChildren[sender.url.param] ?? undefined;
    url = arg === undefined ? undefined : readArgumentUrl(context, view, className, arg, onThis);
  }
  if (url === undefined) return undefined;
  return buildCall(context, call, callee, sender.client, sender.verb, url, sender);
}

// A URL argument: `this.<field>.<key>` read for the class, else a value that writes some path.
function readArgumentUrl(
  context: ScanContext,
  view: InheritView,
  className: string,
  arg: Node,
  onThis: boolean,
): UrlSegment[] | undefined {
  const entry = onThis ? readFieldEntry(context, arg) : undefined;
  if (entry !== undefined) return resolvePath(view, className, entry[0], entry[1]);
  // `this.fill(this.paths.create, model)`: a helper of the object handed the entry first fills
  // its placeholders (as the sender's own reading takes it, `inherited-senders.ts`).
  const callee = arg.type === 'call_expression' ? arg.childForFieldName('function') : null;
  const first = arg.childForFieldName('arguments')?.namedChildren[0] ?? undefined;
  if (onThis && callee?.type === 'member_expression' && callee.childForFieldName('object')?.type === 'this') {
    const filled = readFieldEntry(context, first);
    if (filled !== undefined) return resolvePath(view, className, filled[0], filled[1]);
  }
  return readWrittenUrl(context, arg);
}

function readComputedUrl(context: ScanContext, arg: Node): UrlSegment[] | undefined {
  const segments = readUrlValue(arg, context.language, context.text, context.root, context.project.shared);
  return segments.some((s) => s.kind === 'literal' && s.text !== '') ? undefined : segments;
}

// `this.http({ url: '/x', method: 'GET' })` on an axios transport: its config's URL and method.
function readConfigCall(context: ScanContext, call: Node, callee: Node): HttpCall | undefined {
  const config = call.childForFieldName('arguments')?.namedChildren[0];
  if (config?.type !== 'object') return undefined;
  let url: UrlSegment[] | undefined;
  let method = 'GET';
  for (const pair of config.namedChildren) {
    if (pair?.type !== 'pair') continue;
    const key = sliceNode(context.text, pair.childForFieldName('key') ?? pair);
    const value = pair.childForFieldName('value');
    if (value == null) continue;
    if (key === 'url') url = readWrittenUrl(context, value);
    else if (key === 'method') {
      const verb = readConstantString(value, context.text);
      if (verb === undefined || !/^[a-z]+$/i.test(verb)) return undefined;
      method = verb.toUpperCase();
    }
  }
  return url === undefined ? undefined : buildCall(context, call, callee, 'axios', method, url, undefined);
}

function readWrittenUrl(context: ScanContext, arg: Node): UrlSegment[] | undefined {
  const segments = readUrlValue(arg, context.language, context.text, context.root, context.project.shared);
  const [first] = segments;
  // A path the caller writes (`'/things'`, `'/things/' + id`) or a relative one (`'login'`).
  if (first?.kind !== 'literal' || !/^\/?[A-Za-z0-9_-]/.test(first.text)) return undefined;
  return segments;
}

// `const http = makeClient()` (kept to follow) or `makeClient().post(url)` (a call now).
function readFactoryCall(
  context: ScanContext,
  view: InheritView,
  call: Node,
  locals: Map<string, string | null>,
  push: Push,
): void {
  const callee = call.childForFieldName('function');
  if (callee?.type !== 'identifier') return;
  const name = sliceNode(context.text, callee);
  if (!view.factories.has(name)) return;
  const client = factoryClient(view, name);
  if (client === undefined) return;
  const parent = call.parent;
  if (parent?.type === 'member_expression') {
    const outer = parent.parent;
    const verb = TRANSPORT_VERBS.get(sliceNode(context.text, parent.childForFieldName('property') ?? parent));
    if (outer?.type === 'call_expression' && verb !== undefined) {
      const arg = outer.childForFieldName('arguments')?.namedChildren[0] ?? undefined;
      const url = arg === undefined ? undefined : readWrittenUrl(context, arg);
      if (url !== undefined) push(buildCall(context, outer, parent, client, verb, url, undefined), outer);
    }
    return;
  }
  if (parent?.type !== 'variable_declarator') return;
  const id = parent.childForFieldName('name');
  if (id?.type !== 'identifier') return;
  const local = sliceNode(context.text, id);
  const known = locals.get(local);
  locals.set(local, known === undefined || known === client ? client : null);
}

function readFactoryLocalCalls(context: ScanContext, name: string, client: string, push: Push): void {
  for (const hit of context.findWordNodes(name)) {
    const node = hit.node;
    const receiver = node.parent;
    if (node.type !== 'identifier' || receiver?.type !== 'member_expression') continue;
    if (receiver.childForFieldName('object')?.id !== node.id) continue;
    const verb = TRANSPORT_VERBS.get(
      sliceNode(context.text, receiver.childForFieldName('property') ?? receiver),
    );
    const call = receiver.parent;
    if (verb === undefined || call?.type !== 'call_expression') continue;
    if (call.childForFieldName('function')?.id !== receiver.id) continue;
    const arg = call.childForFieldName('arguments')?.namedChildren[0] ?? undefined;
    const url = arg === undefined ? undefined : readWrittenUrl(context, arg);
    if (url !== undefined) push(buildCall(context, call, receiver, client, verb, url, undefined), call);
  }
}

function buildCall(
  context: ScanContext,
  call: Node,
  callee: Node,
  client: string,
  method: string,
  segments: UrlSegment[],
  sender: ResolvedSender | undefined,
): HttpCall {
  const source = segments.map((s) => (s.kind === 'literal' ? s.text : `{${s.source}}`)).join('');
  return {
    kind: 'http',
    client: client as HttpClient,
    method,
    url: { source, segments, known: segments.some((s) => s.kind === 'literal') },
    location: context.locateNode(call),
    calleeLocation: context.locateCallee(callee),
    text: context.readExcerpt(call),
    origin: 'inferred',
    ...(sender === undefined
      ? {}
      : {
          via: {
            name: `${sender.owner.name}.${sliceNode(context.text, callee.childForFieldName('property') ?? callee)}`,
            file: sender.owner.file,
            line: sender.line,
          },
        }),
  };
}
