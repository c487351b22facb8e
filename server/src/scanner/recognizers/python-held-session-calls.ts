/**
 * Calls on a library session a class holds in a field it did not make itself: set by a base class
 * (of any module), kept from the constructor's argument, or held by the classes that mix this
 * class in (see `project/python-held-sessions.ts`). `self._http.get(self._path("teams"))` in a
 * subclass is the library's call, with the URL the project pass's readers give it, under the base
 * URL the session was made with. A call whose URL writes no text is left out (it could only be
 * reported with a wrong URL). Reads the project view, so it finds nothing on a file's first look.
 */

import type { Node } from 'web-tree-sitter';
import { findHeld, type HeldSessionFact } from '../project/python-held-sessions';
import { readUrlValue } from '../project/values';
import { readPythonArguments } from '../python-syntax';
import { sliceNode } from '../syntax';
import type { HttpCall, UrlSegment } from '../types';
import type { CallRecognizer, ScanContext } from './context';
import { joinBaseUrl } from './js-objects';
import { readSessionCall } from './python-http';

/** The recogniser for sessions held in fields a class did not set itself. */
export const pythonHeldSessionRecognizer: CallRecognizer = {
  client: 'requests',
  languages: ['python'],
  readsProject: true,
  recognize: findHeldSessionCalls,
};

// How many levels of subclasses a mixin's holders are looked for in.
const MAX_DESCENT = 4;

function findHeldSessionCalls(context: ScanContext): HttpCall[] {
  const held = context.project.heldSessions;
  if (held === undefined || held.size === 0 || !context.text.includes('self.')) return [];
  const classes = context.project.classes;
  const fields = new Set<string>();
  for (const owned of held.values()) for (const field of owned.keys()) fields.add(field);
  const calls: HttpCall[] = [];
  for (const cls of context.root.descendantsOfType('class_definition')) {
    const nameNode = cls?.childForFieldName('name');
    if (cls == null || nameNode == null) continue;
    const owner = sliceNode(context.text, nameNode);
    const holders = [owner, ...subclasses(classes, owner)];
    for (const call of cls.descendantsOfType('call')) {
      if (call == null || enclosingClass(call)?.id !== cls.id) continue;
      const callee = call.childForFieldName('function');
      const object = callee?.type === 'attribute' ? callee.childForFieldName('object') : null;
      const method = callee?.childForFieldName('attribute');
      if (callee == null || object?.type !== 'attribute' || method == null) continue;
      const self = object.childForFieldName('object');
      const field = object.childForFieldName('attribute');
      if (self?.type !== 'identifier' || sliceNode(context.text, self) !== 'self' || field == null) continue;
      const name = sliceNode(context.text, field);
      if (!fields.has(name)) continue;
      const fact = pickHeld(held, classes, holders, name);
      // A session the class makes in this very module is its own recogniser's to read.
      if (
        fact === undefined ||
        (fact.made === true && fact.owner === owner && fact.site.file === context.file)
      )
        continue;
      const verb = sliceNode(context.text, method);
      const found = readSessionCall(context, fact.client, call, callee, verb);
      if (found === undefined) continue;
      readHeldUrl(context, found, call, verb, fact.base);
      // A URL with no text read (`self._path(...)` of another module) would only be a wrong report.
      if (literalLength(found.url.segments) === 0) continue;
      calls.push(found);
    }
  }
  return calls;
}

// The session the field holds for this class or, for a mixin, for every class that mixes it in
// and holds one (one client only: holders that disagree leave the field unknown).
function pickHeld(
  held: ReadonlyMap<string, ReadonlyMap<string, HeldSessionFact>>,
  classes: ReadonlyMap<string, readonly string[]>,
  holders: readonly string[],
  field: string,
): HeldSessionFact | undefined {
  const own = findHeld(held, classes, holders[0] ?? '', field);
  if (own !== undefined) return own;
  const found = holders
    .slice(1)
    .map((cls) => findHeld(held, classes, cls, field))
    .filter((fact): fact is HeldSessionFact => fact !== undefined);
  const first = found[0];
  return first !== undefined && found.every((fact) => fact.client === first.client) ? first : undefined;
}

function subclasses(classes: ReadonlyMap<string, readonly string[]>, cls: string): string[] {
  const out: string[] = [];
  let level = [cls];
  for (let depth = 0; depth < MAX_DESCENT && level.length > 0; depth++) {
    const next: string[] = [];
    for (const [name, bases] of classes)
      if (!out.includes(name) && name !== cls && bases.some((b) => level.includes(b))) next.push(name);
    out.push(...next);
    level = next;
  }
  return out;
}

// The URL as the project pass's readers give it (a local, a path method, a join), under the
// session's base URL when the class made it with one that writes a path.
function readHeldUrl(
  context: ScanContext,
  found: HttpCall,
  call: Node,
  verb: string,
  base: readonly UrlSegment[] | undefined,
): void {
  const { positional, keywords } = readPythonArguments(call);
  const node =
    verb === 'request' || verb === 'stream'
      ? (positional[1] ?? keywords.get('url'))
      : (positional[0] ?? keywords.get('url'));
  if (node !== undefined) {
    // Read further when that writes more of the path (`f"{self.prefix}/x"`: the prefix's text).
    const segments = readUrlValue(node, 'python', context.text, context.root, context.project.shared);
    if (literalLength(segments) > literalLength(found.url.segments))
      found.url = { source: sourceOf(segments), segments, known: true };
  }
  if (base === undefined || !base.some((s) => s.kind === 'literal' && /[^/:]/.test(s.text))) return;
  const first = found.url.segments[0];
  if (first?.kind !== 'literal') return;
  found.url = joinBaseUrl({ source: sourceOf(base), segments: [...base], known: true }, found.url);
}

function literalLength(segments: readonly UrlSegment[]): number {
  return segments.reduce((n, s) => n + (s.kind === 'literal' ? s.text.replace(/\//g, '').length : 0), 0);
}

function sourceOf(segments: readonly UrlSegment[]): string {
  return segments.map((s) => (s.kind === 'literal' ? s.text : `{${s.source}}`)).join('');
}

function enclosingClass(node: Node): Node | undefined {
  for (let current = node.parent; current !== null; current = current.parent)
    if (current.type === 'class_definition') return current;
  return undefined;
}
