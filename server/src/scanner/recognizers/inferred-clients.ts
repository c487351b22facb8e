/**
 * Finds the call sites of the project's own clients that the project pass inferred (see
 * `scanner/project`): calls of a wrapper function or method, with the caller's arguments put in
 * for the wrapper's URL and method parameters, and helper calls on a client instance another module
 * exports. Finds nothing on a file's first look, when the scanner has no project view yet.
 *
 * Which object a method call goes to is decided from the code, not from types: `this`/`self`/a Go
 * receiver inside the owner's class (or a class it extends, or one extending it); a receiver whose
 * name is the owner's (`self._adapter` for `Adapter`, `s.client` for `Client`, `this._client` for
 * `APIClient`); a field declared with the owner's type (`_client: OpenAI`); or, for an object
 * literal's methods, the object's own name. A plain function call matches a wrapper of that name in
 * the same file, a file that imports the name, or (Go) the same package; `pkg.Fn(...)` matches a
 * function of the module `pkg` names (module-receivers.ts).
 */

import { basename, dirname, extname } from 'node:path';
import type { Node } from 'web-tree-sitter';
import { readNameValue } from '../project/assigned-values';
import { relatedClasses } from '../project/class-graph';
import { findEnclosingOwner, isJsLanguage, lastName } from '../project/code-shape';
import { readCurriedCall } from '../project/curried-helpers';
import { readGoParameterType } from '../project/go-types';
import { readJsParameterType } from '../project/js-parameter-types';
import { findDestructuredFrom } from '../project/js-url-values';
import type { ProjectView, WrapperDefinition } from '../project/types';
import { countWords, sliceNode, unwrapExpression } from '../syntax';
import type { HttpCall, ScanLanguage } from '../types';
import { matchConstruction } from './constructed-requests';
import type { CallRecognizer, ScanContext } from './context';
import { isGoImportedPackage } from './go-http';
import { buildCall } from './inferred-calls';
import { findDefaultImports, findInstanceCalls } from './instance-calls';
import { moduleMatches, readModuleReceiver } from './module-receivers';
import { findPickedCall } from './picked-callees';
import { findPrivateMethodCalls } from './private-method-calls';
import { readHeldCalls } from './python-held-methods';
import { findPythonInstanceCalls } from './python-instance-calls';
import { findCleanWordNodes } from './recovery';

const MEMBER_TYPES = new Set(['member_expression', 'attribute', 'selector_expression']);
const NAME_TYPES = new Set(['identifier', 'property_identifier', 'field_identifier']);
/** The recogniser for inferred clients; it needs the project view the project pass supplies. */
export const inferredClientRecognizer: CallRecognizer = {
  client: 'custom',
  languages: ['typescript', 'tsx', 'javascript', 'python', 'go'],
  readsProject: true,
  recognize: findInferredCalls,
};

function family(language: ScanLanguage): string {
  return isJsLanguage(language) ? 'js' : language;
}

function findInferredCalls(context: ScanContext): HttpCall[] {
  const view = context.project;
  const calls: HttpCall[] = [];
  const byName = definitionsByName(view, family(context.language));
  // Only the names this file's text holds are searched in its tree: a project has thousands. (None
  // on a file's first look, whose words are then not counted.)
  const words = byName.size === 0 ? new Map<string, number>() : countWords(context.text);
  for (const [name, definitions] of byName) {
    if (name.startsWith('#')) calls.push(...findPrivateMethodCalls(context, definitions));
    if (!words.has(name)) continue;
    const named = definitions.filter((d) => d.exportedAs === undefined);
    for (const hit of named.length === 0 ? [] : findCleanWordNodes(context, name)) {
      const call = matchCall(context, view, hit.node, hit.ancestors, named);
      if (call !== undefined) calls.push(call);
      else if (context.language === 'python') calls.push(...matchHeldCalls(context, view, hit.node, named));
    }
    for (const definition of definitions)
      if (definition.exportedAs === 'default') calls.push(...findDefaultExportCalls(context, definition));
  }
  for (const instance of view.instances) {
    if (family(instance.language) !== family(context.language) || instance.site.file === context.file)
      continue;
    calls.push(
      ...(context.language === 'python'
        ? findPythonInstanceCalls(context, instance)
        : findInstanceCalls(context, instance)),
    );
  }
  // One call per call site: when several clients of the same name match (two apps in one
  // repository), the one defined nearest the caller wins.
  const best = new Map<number, HttpCall>();
  for (const call of calls) {
    const offset = call.calleeLocation.start.offset;
    const current = best.get(offset);
    if (
      current === undefined ||
      nearness(context.file, call.via?.file ?? '') > nearness(context.file, current.via?.file ?? '')
    )
      best.set(offset, call);
  }
  return [...best.values()];
}

// `import send from './transport'` then `send(url, init)`: calls of a module's anonymous
// default-exported wrapper, under whatever name this file imports it.
function findDefaultExportCalls(context: ScanContext, definition: WrapperDefinition): HttpCall[] {
  if (definition.site.file === context.file) return [];
  const calls: HttpCall[] = [];
  const moduleName = basename(definition.site.file, extname(definition.site.file));
  for (const local of findDefaultImports(context, moduleName)) {
    for (const hit of findCleanWordNodes(context, local)) {
      const [parent] = hit.ancestors;
      if (
        hit.node.type !== 'identifier' ||
        parent?.type !== 'call_expression' ||
        parent.childForFieldName('function')?.id !== hit.node.id
      )
        continue;
      const call = buildCall(context, definition, parent, hit.node);
      if (call !== undefined) calls.push(call);
    }
  }
  return calls;
}

const byNameCache = new WeakMap<ProjectView, Map<string, Map<string, WrapperDefinition[]>>>();

// The view's wrappers by name for one language family, built once per view (not once per file).
function definitionsByName(view: ProjectView, languageFamily: string): Map<string, WrapperDefinition[]> {
  let byFamily = byNameCache.get(view);
  if (byFamily === undefined) {
    byFamily = new Map();
    byNameCache.set(view, byFamily);
  }
  let byName = byFamily.get(languageFamily);
  if (byName === undefined) {
    byName = new Map();
    for (const definition of view.definitions) {
      if (family(definition.language) !== languageFamily) continue;
      const list = byName.get(definition.name) ?? [];
      list.push(definition);
      byName.set(definition.name, list);
    }
    byFamily.set(languageFamily, byName);
  }
  return byName;
}

// How many leading folders two files share.
function nearness(file: string, other: string): number {
  const a = dirname(file).split('/');
  const b = dirname(other).split('/');
  let shared = 0;
  while (shared < a.length && a[shared] === b[shared]) shared++;
  return shared;
}

function matchCall(
  context: ScanContext,
  view: ProjectView,
  node: Node,
  ancestors: readonly Node[],
  all: readonly WrapperDefinition[],
): HttpCall | undefined {
  let definitions = all;
  if (!NAME_TYPES.has(node.type)) return undefined;
  const [parent, awaited, outer] = ancestors;
  // A request object's class: its constructions sent where they are built (constructed-requests.ts).
  if (all.some((d) => d.constructs !== undefined)) {
    if (parent?.type === 'new_expression' && parent.childForFieldName('constructor')?.id === node.id)
      return matchConstruction(context, parent, node, all, (d) => isVisible(context, d));
    definitions = definitions.filter((d) => d.constructs === undefined);
  }
  const curried = definitions.filter((d) => d.curried === true);
  if (curried.length > 0) {
    const found = matchCurriedCall(context, node, parent, awaited, curried);
    if (found !== undefined) return found;
    definitions = definitions.filter((d) => d.curried !== true);
  }
  // `await this.send<T>(url)` parses as a call of `await this.send` (tree-sitter's reading of a
  // generic call after `await`): the call is the one around the await.
  const grandparent =
    awaited?.type === 'await_expression' &&
    outer?.type === 'call_expression' &&
    outer.childForFieldName('function')?.id === awaited.id
      ? outer
      : awaited;
  const callType = context.language === 'python' ? 'call' : 'call_expression';
  let definition: WrapperDefinition | undefined;
  let call: Node | undefined;
  let callee: Node;
  if (parent !== undefined && MEMBER_TYPES.has(parent.type) && parent.lastNamedChild?.id === node.id) {
    const receiver = parent.firstNamedChild;
    const bound = isBound(context, parent, awaited, outer);
    if (
      receiver === null ||
      (!bound &&
        (grandparent?.type !== callType ||
          (grandparent !== outer && grandparent.childForFieldName('function')?.id !== parent.id)))
    )
      return undefined;
    const module = readModuleReceiver(context, receiver);
    definition = nearest(
      context.file,
      definitions.filter((d) =>
        d.owner === undefined
          ? module !== undefined && moduleMatches(context, module, d)
          : receiverMatches(context, view, receiver, d),
      ),
    );
    call = bound ? outer : grandparent;
    callee = parent;
  } else if (
    (parent?.type === callType && parent.childForFieldName('function')?.id === node.id) ||
    (node.type === 'identifier' && isBound(context, node, parent, awaited))
  ) {
    definition = nearest(context.file, hookProperties(context, node, definitions));
    call = parent?.type === callType ? parent : awaited;
    callee = node;
  } else if (isJsLanguage(context.language) && node.type === 'identifier') {
    const picked = findPickedCall(node);
    if (picked === undefined) return undefined;
    definition = nearest(
      context.file,
      definitions.filter((d) => d.owner === undefined && isVisible(context, d)),
    );
    ({ call, callee } = picked);
  } else {
    return undefined;
  }
  if (definition === undefined || call === undefined) return undefined;
  // A wrapper's own recursive call is not a call site of it.
  if (definition.site.file === context.file && definition.site.line === call.startPosition.row + 1)
    return undefined;
  return buildCall(context, definition, call, callee);
}

// Python: `send = self._hub.request if relay else self.request`, then `send(path)`: the calls of
// the local holding the client's bound method (python-held-methods.ts), read as calls of it.
function matchHeldCalls(
  context: ScanContext,
  view: ProjectView,
  node: Node,
  definitions: readonly WrapperDefinition[],
): HttpCall[] {
  const member = node.parent;
  const receiver = member?.firstNamedChild;
  if (member?.type !== 'attribute' || member.lastNamedChild?.id !== node.id || receiver == null) return [];
  const held = readHeldCalls(context.text, member);
  if (held.length === 0) return [];
  const definition = nearest(
    context.file,
    definitions.filter((d) => d.owner !== undefined && receiverMatches(context, view, receiver, d)),
  );
  if (definition === undefined) return [];
  return held.flatMap(({ call, callee }) => buildCall(context, definition, call, callee) ?? []);
}

/**
 * `this.apiCall.bind(this, 'chat.postMessage')` (also `send.bind(null, '/ping')`): a JS function
 * bound with its leading arguments fixed is that call with those arguments, made whenever the
 * bound function is called; the binding is where the request is written (readArguments drops the
 * bound `this`). A bare `fn.bind(this)` fixes no URL and matches no wrapper's URL parameter.
 */
function isBound(context: ScanContext, fn: Node, member: Node | undefined, call: Node | undefined): boolean {
  return (
    isJsLanguage(context.language) &&
    member?.type === 'member_expression' &&
    member.childForFieldName('object')?.id === fn.id &&
    sliceNode(context.text, member.childForFieldName('property') ?? member) === 'bind' &&
    call?.type === 'call_expression' &&
    call.childForFieldName('function')?.id === member.id
  );
}

// `Helpers.get<T>()(service, url)` or `get<T>()(service, url)`: a curried helper's call site is the
// call of its result, its receiver a name the file imports (the module's helpers object) or declares.
function matchCurriedCall(
  context: ScanContext,
  node: Node,
  parent: Node | undefined,
  factory: Node | undefined,
  definitions: readonly WrapperDefinition[],
): HttpCall | undefined {
  if (!isJsLanguage(context.language) || parent === undefined) return undefined;
  let callee: Node;
  let call: Node | undefined;
  let candidates = definitions;
  if (parent.type === 'member_expression' && parent.lastNamedChild?.id === node.id) {
    const receiver = parent.firstNamedChild;
    if (receiver?.type !== 'identifier' || factory?.childForFieldName('function')?.id !== parent.id)
      return undefined;
    const name = sliceNode(context.text, receiver);
    candidates = definitions.filter((d) => d.site.file === context.file || importsName(context, name));
    callee = parent;
    call = readCurriedCall(factory);
  } else if (parent.type === 'call_expression' && parent.childForFieldName('function')?.id === node.id) {
    candidates = definitions.filter((d) => isVisible(context, d));
    callee = node;
    call = readCurriedCall(parent);
  } else return undefined;
  const definition = nearest(context.file, candidates);
  return definition === undefined || call === undefined
    ? undefined
    : buildCall(context, definition, call, callee);
}

// The wrappers a called name may be: a key of the object a project function returns when the name
// was destructured from that function's call (`const { del } = useApi(); del(path)`), else the
// visible functions of that name that belong to no owner.
function hookProperties(
  context: ScanContext,
  node: Node,
  definitions: readonly WrapperDefinition[],
): WrapperDefinition[] {
  const from =
    isJsLanguage(context.language) && node.type === 'identifier'
      ? findDestructuredFrom(sliceNode(context.text, node), node, context.text)
      : undefined;
  const owned =
    from === undefined
      ? []
      : definitions.filter(
          (d) => d.owner === from && (d.site.file === context.file || importsName(context, from)),
        );
  return owned.length > 0 ? owned : definitions.filter((d) => d.owner === undefined && isVisible(context, d));
}

function nearest(file: string, definitions: readonly WrapperDefinition[]): WrapperDefinition | undefined {
  let best: WrapperDefinition | undefined;
  let bestScore = -1;
  for (const definition of definitions) {
    const score = nearness(file, definition.site.file);
    if (score > bestScore) {
      best = definition;
      bestScore = score;
    }
  }
  return best;
}

function receiverMatches(
  context: ScanContext,
  view: ProjectView,
  receiver: Node,
  definition: WrapperDefinition,
): boolean {
  const owner = definition.owner ?? '';
  const written = sliceNode(context.text, receiver);
  if (context.language === 'go' && isGoImportedPackage(receiver, context.text)) return false;
  const enclosing = findEnclosingOwner(receiver, context.language, context.text);
  if (enclosing?.selfNames.includes(written) && enclosing.owner !== undefined) {
    return related(view, enclosing.owner, owner);
  }
  const name = lastName(written);
  const normal = name.replace(/^_+/, '').toLowerCase();
  const ownerNormal = owner.replace(/^_+/, '').toLowerCase();
  if (normal === ownerNormal) return true;
  const isClass = /^[A-Z]/.test(owner);
  if (isClass && normal.length >= 4 && ownerNormal.endsWith(normal)) return true;
  const types = view.fieldTypes.get(name);
  if (types !== undefined && [...types].some((type) => related(view, type, owner))) return true;
  const declared =
    context.language === 'go'
      ? readGoParameterType(receiver, context.text)
      : isJsLanguage(context.language) && context.language !== 'javascript'
        ? readJsParameterType(receiver, context.text)
        : undefined;
  if (declared !== undefined) return related(view, declared, owner);
  const built = readConstructedClass(context, receiver);
  return built !== undefined && related(view, built, owner);
}

// `api = BaseAPI(token=t)` (Python) or `const api = new BaseAPI(t)` above `api.get_data(...)`: the
// class a local was built from, by its constructor call (a capitalised name, as classes are written).
function readConstructedClass(context: ScanContext, receiver: Node): string | undefined {
  if (receiver.type !== 'identifier') return undefined;
  const value = readNameValue(
    sliceNode(context.text, receiver),
    receiver,
    context.language,
    context.text,
    context.root,
  );
  if (value === undefined) return undefined;
  const inner = unwrapExpression(value);
  const callee =
    inner.type === 'new_expression'
      ? inner.childForFieldName('constructor')
      : context.language === 'python' && inner.type === 'call'
        ? inner.childForFieldName('function')
        : null;
  if (callee == null) return undefined;
  const name = lastName(sliceNode(context.text, callee));
  return /^[A-Z]/.test(name) ? name : undefined;
}

// Same class, or one extends the other (a call on `self` may land in a subclass's override).
function related(view: ProjectView, a: string, b: string): boolean {
  return relatedClasses(view.classes, a, b);
}

function isVisible(context: ScanContext, definition: WrapperDefinition): boolean {
  if (definition.site.file === context.file) return true;
  if (context.language === 'go') return dirname(definition.site.file) === dirname(context.file);
  return importsName(context, definition.name);
}

// Whether the file imports `name` (an `import ... from` or a `require`; Python's `from x import`).
function importsName(context: ScanContext, imported: string): boolean {
  const name = imported.replace(/\$/g, '\\$');
  const pattern =
    context.language === 'python'
      ? new RegExp(`^\\s*from\\s+\\S+\\s+import\\s+(?:\\([^)]*\\b${name}\\b|[^\\n(]*\\b${name}\\b)`, 'm')
      : new RegExp(`\\bimport\\b[^;]*\\b${name}\\b[^;]*\\bfrom\\b|\\b${name}\\b[^;\\n]*=\\s*require\\(`);
  return pattern.test(context.text);
}
