/**
 * Python's method held in a class attribute of the caller's own class, or of the class a field is
 * declared to hold: `self.perform(self.REST_CREATE, path)` where a base class of another module says
 * `REST_CREATE: str = "POST"`, `self._owner.perform(self._owner.REST_READ, url)` where the class
 * declares `_owner: "ResourceBase"`. `self` is the concrete object, so the attribute is looked up in
 * the class around the use first, then in its bases (as `python-class-members.ts` reads a path); a
 * field's attribute in the declared class and its bases. Only a value that is one HTTP verb is a
 * method: anything else (an attribute set twice, to a name, to another word) leaves it unread.
 */

import type { Node } from 'web-tree-sitter';
import { sliceNode } from '../syntax';
import { annotationName, findMember, lookupOrder } from './python-class-members';
import type { SharedValues } from './types';

const VERBS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

/** `self.ATTR` or `self.field.ATTR` at `node`: the verb the class (or the field's class) holds. */
export function readOwnAttributeMethod(
  node: Node,
  text: string,
  shared: SharedValues | undefined,
  fieldTypes: ReadonlyMap<string, ReadonlySet<string>> | undefined,
): string | undefined {
  const classes = shared?.classes;
  const object = node.childForFieldName('object');
  const attribute = node.childForFieldName('attribute');
  if (shared === undefined || classes === undefined || object == null || attribute == null) return undefined;
  const cls = enclosingClass(node, text);
  if (cls === undefined) return undefined;
  let order: string[];
  if (object.type === 'identifier' && isSelf(sliceNode(text, object))) order = lookupOrder(cls, classes);
  else if (object.type === 'attribute') {
    const holder = object.childForFieldName('object');
    const field = object.childForFieldName('attribute');
    if (holder?.type !== 'identifier' || !isSelf(sliceNode(text, holder)) || field == null) return undefined;
    const type = fieldClass(cls, sliceNode(text, field), classes, shared, fieldTypes);
    if (type === undefined) return undefined;
    order = lookupOrder(type, classes);
  } else return undefined;
  const [only, ...rest] = findMember(sliceNode(text, attribute), order, shared) ?? [];
  if (rest.length > 0 || only?.kind !== 'literal') return undefined;
  const verb = only.text.toUpperCase();
  return VERBS.has(verb) ? verb : undefined;
}

function isSelf(name: string): boolean {
  return name === 'self' || name === 'cls';
}

function enclosingClass(node: Node, text: string): string | undefined {
  for (let current = node.parent; current !== null; current = current.parent) {
    if (current.type !== 'class_definition') continue;
    const name = current.childForFieldName('name');
    return name === null ? undefined : sliceNode(text, name);
  }
  return undefined;
}

// The class a field of `cls` holds: its class-level annotation in `cls` or a base (`_owner:
// "ResourceBase"`), else the one type the project declares for a field of that name.
function fieldClass(
  cls: string,
  field: string,
  classes: ReadonlyMap<string, readonly string[]>,
  shared: SharedValues,
  fieldTypes: ReadonlyMap<string, ReadonlySet<string>> | undefined,
): string | undefined {
  for (const name of lookupOrder(cls, classes)) {
    const type = shared.constants.get(annotationName(name, field));
    if (type === null) return undefined;
    if (type?.[0]?.kind === 'literal') return type[0].text;
  }
  const declared = fieldTypes?.get(field);
  if (declared?.size !== 1) return undefined;
  const [only] = declared;
  return only !== undefined && classes.has(only) ? only : undefined;
}
