/**
 * A JavaScript/TypeScript class member that holds a URL built from something other than one
 * constant: a field set once to a template over a setting (`private readonly url =
 * `${environment.apiUrl}/recipes``, `this.base = `${config.host}/v2`` in the constructor), or a
 * getter whose body is one `return` of such an expression (`get endpoint() { return `${api}/x`;
 * }`). Services keep their base URL this way and every method then writes `${this.url}/${id}`.
 * The member's expression is handed back for the caller's reader to read, with its own locals and
 * constants; a member set twice, or a getter with more than a return, is not read.
 * (field-constants.ts reads a member set to one string constant; this reads the rest.)
 */

import type { Node } from 'web-tree-sitter';
import type { ScanContext } from '../recognizers/context';
import { sliceNode } from '../syntax';
import type { HttpCall, UrlSegment } from '../types';
import { isJsLanguage } from './code-shape';
import { readJsInheritedMember } from './js-inherited-members';
import { mergeSegments, readUrlValue } from './values';

const JS_MEMBER = /^this\.([A-Za-z_$][\w$]*)$/;
// `/v2`, `/api`, `/api/v1`, `/rest/v3.1`: a prefix every call of an API shares.
const API_PREFIX = /^(?:\/(?:api|rest|v\d+(?:\.\d+)?))+\/?$/i;
const JS_CLASSES = new Set(['class_declaration', 'class', 'abstract_class_declaration']);

// Per tree, per class: each member's expression, or null when it is set more than once or is
// not read (a method, a setter, a getter of several statements).
const cache = new WeakMap<object, Map<number, Map<string, Node | null>>>();

/** The expression `this.member` holds at `use` when its class sets it once or returns it from a getter. */
export function readJsClassMember(source: string, use: Node, text: string): Node | undefined {
  const name = JS_MEMBER.exec(source)?.[1];
  if (name === undefined) return undefined;
  let cls: Node | null = use.parent;
  while (cls !== null && !JS_CLASSES.has(cls.type)) cls = cls.parent;
  if (cls === null) return undefined;
  let byClass = cache.get(use.tree);
  if (byClass === undefined) {
    byClass = new Map();
    cache.set(use.tree, byClass);
  }
  let members = byClass.get(cls.id);
  if (members === undefined) {
    members = readMembers(cls, text);
    byClass.set(cls.id, members);
  }
  const value = members.get(name) ?? undefined;
  // The member's own expression is not read inside itself (`this.url = `${this.url}/x``).
  return value !== undefined && value.startIndex <= use.startIndex && value.endIndex >= use.endIndex
    ? undefined
    : value;
}

function record(members: Map<string, Node | null>, name: string, value: Node | null): void {
  members.set(name, members.has(name) ? null : value);
}

function readMembers(cls: Node, text: string): Map<string, Node | null> {
  const members = new Map<string, Node | null>();
  const body = cls.childForFieldName('body');
  for (const member of body?.namedChildren ?? []) {
    if (member?.type !== 'method_definition') continue;
    const name = member.childForFieldName('name');
    if (name === null) continue;
    const key = sliceNode(text, name);
    const isGetter = member.children.some((child) => child?.type === 'get');
    if (!isGetter) continue;
    const statements = (member.childForFieldName('body')?.namedChildren ?? []).filter(
      (child) => child !== null && child.type !== 'comment',
    );
    const only = statements.length === 1 ? statements[0] : undefined;
    record(members, key, only?.type === 'return_statement' ? (only.namedChildren[0] ?? null) : null);
  }
  for (const node of cls.descendantsOfType(['assignment_expression', 'public_field_definition'])) {
    if (node === null) continue;
    if (node.type === 'public_field_definition') {
      const name = node.childForFieldName('name');
      const value = node.childForFieldName('value');
      // A declaration without a value (`url: string;`) sets nothing.
      if (name !== null && value !== null) record(members, sliceNode(text, name), value);
      continue;
    }
    const name = JS_MEMBER.exec(sliceNode(text, node.childForFieldName('left') ?? node))?.[1];
    if (name !== undefined) record(members, name, node.childForFieldName('right'));
  }
  return members;
}

// A member's value read now: a member is not read inside another's value (getters that name each
// other, `get head() { return `${this.tail}/x` }`, would otherwise build without end).
let reading = false;

/**
 * The path `this.member` holds at `use` (see the file's comment), read by `read`; undefined when the
 * member is not set once, or does not read as a path under a base: text from a `/` on, maybe after
 * one base expression (`${environment.apiUrl}/recipes`). A whole URL is left to field-constants.ts
 * (a constant) or to the call's own reading, and a member that only adds an API prefix to a base
 * (`${options.baseUrl}/v2`, `${host}/api`) is the base itself, which the labels and policies drop.
 */
export function readJsMemberPath(
  source: string,
  use: Node,
  text: string,
  read: (node: Node) => UrlSegment[],
): UrlSegment[] | undefined {
  if (reading) return undefined;
  const value = readJsClassMember(source, use, text);
  if (value === undefined) return undefined;
  reading = true;
  let segments: UrlSegment[];
  try {
    segments = read(value);
  } finally {
    reading = false;
  }
  const [first, second] = segments;
  const lead = first?.kind === 'expr' ? second : first;
  if (lead?.kind !== 'literal' || !lead.text.startsWith('/') || !/[A-Za-z]/.test(lead.text)) return undefined;
  if (first?.kind === 'expr' && segments.length === 2 && API_PREFIX.test(lead.text)) return undefined;
  // A value naming another member is not read on: members that name each other never settle.
  if (segments.some((s) => s.kind === 'expr' && JS_MEMBER.test(s.source))) return undefined;
  return segments;
}

/**
 * Reads each `this.member` part of a recognised JS call's URL that its class sets once (or returns
 * from a getter) as a path under a base: `this.http.get(`${this.url}/${id}`)` reads
 * `{environment.apiUrl}/recipes/{id}`. Run before the file's wrappers are read, so a method whose
 * URL then writes a path is a call site, not a wrapper forwarding its parameter.
 */
export function readClassMemberUrls(context: ScanContext, calls: readonly HttpCall[]): void {
  if (!isJsLanguage(context.language)) return;
  for (const call of calls) {
    if (call.origin !== undefined && call.origin !== 'recognised') continue;
    if (!call.url.segments.some((s) => s.kind === 'expr' && JS_MEMBER.test(s.source))) continue;
    const use = context.root.descendantForIndex(call.location.start.offset, call.location.end.offset);
    if (use === null) continue;
    let changed = false;
    const segments: UrlSegment[] = [];
    for (const segment of call.url.segments) {
      // The class's own member first, then one a base takes from `super(...)` (js-inherited-members.ts).
      const read =
        segment.kind === 'expr'
          ? (readJsMemberPath(segment.source, use, context.text, (value) =>
              readUrlValue(value, context.language, context.text, context.root, context.project.shared),
            ) ?? readJsInheritedMember(segment.source, use, context.text, context.project.shared))
          : undefined;
      if (read !== undefined) {
        segments.push(...read);
        changed = true;
      } else segments.push(segment);
    }
    if (!changed) continue;
    const merged = mergeSegments(segments);
    const source = merged.map((s) => (s.kind === 'literal' ? s.text : `{${s.source}}`)).join('');
    call.url = { source, segments: merged, known: true };
  }
}
