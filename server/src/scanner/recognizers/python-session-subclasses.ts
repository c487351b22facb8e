/**
 * Calls through an instance of a project class that extends a library's session class
 * (`class RetryingSession(requests.Session)` in one module, see `project/python-session-classes.ts`):
 * where a module imports that class (or declares it) and keeps an instance on `self`
 * (`self._http = RetryingSession(timeout=t)`, also `x or RetryingSession()`) or in a local
 * (`s = RetryingSession()`, `with RetryingSession() as s:`), the instance's `get`/`post`/`request`
 * calls in that class (or that function) are the library's calls. Reads the project view, so it
 * finds nothing on a file's first look.
 */

import type { Node } from 'web-tree-sitter';
import { isSessionLibraryModule } from '../project/python-session-classes';
import { readUrlValue } from '../project/values';
import { readPythonArguments } from '../python-syntax';
import { sliceNode } from '../syntax';
import type { HttpCall } from '../types';
import type { CallRecognizer, ScanContext } from './context';
import { readSessionCall } from './python-http';
import { findCleanWordNodes } from './recovery';

/** The recogniser for instances of the project's session subclasses. */
export const pythonSessionSubclassRecognizer: CallRecognizer = {
  client: 'requests',
  languages: ['python'],
  readsProject: true,
  recognize: findSubclassCalls,
};

/** Where an instance is kept: a field of a class, or a name in a function (or the module). */
interface Holder {
  scope: Node;
  /** `self.<field>` when true, else the bare name. */
  field: boolean;
  name: string;
}

function findSubclassCalls(context: ScanContext): HttpCall[] {
  const sessions = context.project.sessionClasses;
  if (sessions === undefined || sessions.size === 0) return [];
  const calls: HttpCall[] = [];
  for (const [name, fact] of sessions) {
    if (!context.text.includes(name)) continue;
    const hits = findCleanWordNodes(context, name);
    // The name must be the class: imported by name here, or declared here as the session class (a
    // module's own class of the same name is another class).
    if (!hits.some((hit) => isImportOrDeclaration(hit.node, fact.site.file === context.file))) continue;
    // Holders by scope: each scope's calls are walked once, whatever the number of instances in it.
    const scopes = new Map<number, { scope: Node; holders: Set<string> }>();
    for (const hit of hits) {
      const call = constructionAt(hit.node);
      // `httpx.Client(...)` beside a project `Client(httpx.Client)`: the library's own class, which
      // its recogniser reports (read as the subclass, each call was reported twice).
      if (call !== undefined && isLibraryConstruction(context, call)) continue;
      const holder = call === undefined ? undefined : readHolder(context, call);
      if (holder === undefined) continue;
      const entry = scopes.get(holder.scope.id) ?? { scope: holder.scope, holders: new Set<string>() };
      entry.holders.add(`${holder.field ? 'self.' : ''}${holder.name}`);
      scopes.set(holder.scope.id, entry);
    }
    const seen = new Set<number>();
    for (const { scope, holders } of scopes.values()) {
      for (const call of scope.descendantsOfType('call')) {
        const callee = call?.childForFieldName('function');
        if (call == null || callee?.type !== 'attribute' || seen.has(call.id)) continue;
        const object = callee.childForFieldName('object');
        const method = callee.childForFieldName('attribute');
        if (object == null || method == null || !holders.has(holderKey(context, object))) continue;
        const verb = sliceNode(context.text, method);
        const found = readSessionCall(context, fact.client, call, callee, verb);
        if (found === undefined) continue;
        readHeldUrl(context, found, call, verb);
        seen.add(call.id);
        calls.push(found);
      }
    }
  }
  return calls;
}

// A URL the call does not write itself (`url` assigned above, `self._url("items/" + id)`) reads as
// the value the project pass's readers give it, when that writes some text.
function readHeldUrl(context: ScanContext, found: HttpCall, call: Node, verb: string): void {
  if (found.url.segments.some((s) => s.kind === 'literal' && /[^/]/.test(s.text))) return;
  const { positional, keywords } = readPythonArguments(call);
  const node =
    verb === 'request' ? (positional[1] ?? keywords.get('url')) : (positional[0] ?? keywords.get('url'));
  if (node === undefined) return;
  const segments = readUrlValue(node, 'python', context.text, context.root, context.project.shared);
  if (!segments.some((s) => s.kind === 'literal' && /[^/]/.test(s.text))) return;
  const source = segments.map((s) => (s.kind === 'literal' ? s.text : `{${s.source}}`)).join('');
  found.url = { source, segments, known: true };
}

function isImportOrDeclaration(node: Node, declaredHere: boolean): boolean {
  for (let current = node.parent; current !== null; current = current.parent) {
    if (current.type === 'import_from_statement') return true;
    if (current.type === 'class_definition')
      return declaredHere && current.childForFieldName('name')?.id === node.id;
    if (current.type !== 'dotted_name' && current.type !== 'aliased_import') return false;
  }
  return false;
}

// `Name(...)` or `module.Name(...)`: the call that constructs an instance.
function constructionAt(node: Node): Node | undefined {
  let callee = node;
  const parent = node.parent;
  if (parent?.type === 'attribute' && parent.childForFieldName('attribute')?.id === node.id) callee = parent;
  const call = callee.parent;
  return call?.type === 'call' && call.childForFieldName('function')?.id === callee.id ? call : undefined;
}

// `httpx.Client(...)`: a construction on a library module that exports session classes.
function isLibraryConstruction(context: ScanContext, call: Node): boolean {
  const callee = call.childForFieldName('function');
  const module = callee?.type === 'attribute' ? callee.childForFieldName('object') : null;
  return module != null && isSessionLibraryModule(sliceNode(context.text, module));
}

// `self.F = Name(...)`, `s = Name(...)`, `self.F = given or Name(...)`, `with Name() as s:`.
function readHolder(context: ScanContext, call: Node): Holder | undefined {
  let value = call;
  const parent = call.parent;
  if (parent?.type === 'boolean_operator' || parent?.type === 'conditional_expression') value = parent;
  const holder = value.parent;
  if (holder?.type === 'as_pattern') {
    const alias = holder.childForFieldName('alias')?.firstNamedChild;
    const scope = enclosing(holder, ['function_definition', 'module']);
    return alias?.type === 'identifier' && scope !== undefined
      ? { scope, field: false, name: sliceNode(context.text, alias) }
      : undefined;
  }
  if (holder?.type !== 'assignment' || holder.childForFieldName('right')?.id !== value.id) return undefined;
  const left = holder.childForFieldName('left');
  if (left?.type === 'identifier') {
    const scope = enclosing(holder, ['function_definition', 'module']);
    return scope === undefined ? undefined : { scope, field: false, name: sliceNode(context.text, left) };
  }
  const object = left?.type === 'attribute' ? left.childForFieldName('object') : null;
  const attribute = left?.childForFieldName('attribute');
  if (object?.type !== 'identifier' || sliceNode(context.text, object) !== 'self' || attribute == null)
    return undefined;
  const scope = enclosing(holder, ['class_definition']);
  return scope === undefined ? undefined : { scope, field: true, name: sliceNode(context.text, attribute) };
}

function enclosing(node: Node, types: readonly string[]): Node | undefined {
  for (let current = node.parent; current !== null; current = current.parent)
    if (types.includes(current.type)) return current;
  return undefined;
}

// `self.F` or a bare name as `readHolder` keys them; anything else matches no holder.
function holderKey(context: ScanContext, object: Node): string {
  if (object.type === 'identifier') return sliceNode(context.text, object);
  const self = object.type === 'attribute' ? object.childForFieldName('object') : null;
  const attribute = object.childForFieldName('attribute');
  return self?.type === 'identifier' && sliceNode(context.text, self) === 'self' && attribute != null
    ? `self.${sliceNode(context.text, attribute)}`
    : '';
}
