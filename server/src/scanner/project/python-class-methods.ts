/**
 * Python's method held in a class attribute of a class chosen elsewhere:
 * `engine.request(self.resource_class.http_method_create, url)`, where the resource classes of the
 * project say `http_method_create = "post"` in their base and some subclasses override it. The call
 * cannot tell which class it gets; the value the attribute's root classes (those that set it while
 * no class they extend does) agree on is the method every class gets unless it says otherwise, and
 * is reported. Read only for an attribute named for a method (`http_method_create`, `verb`), whose
 * values are HTTP verbs; roots that disagree, or none, leave the method unread.
 */

import type { SharedValues } from './types';

const METHOD_ATTRIBUTE = /(?:^|_)(?:method|verb)(?:_|$)|^(?:httpMethod|method\w*|verb\w*)$/i;
const VERBS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

// Per project view: attribute name -> the method its root classes agree on, or null.
const cache = new WeakMap<SharedValues, Map<string, string | null>>();

/** The method a class attribute `name` holds in the classes that first set it, when they agree. */
export function readClassAttributeMethod(shared: SharedValues | undefined, name: string): string | undefined {
  if (shared?.classes === undefined || !METHOD_ATTRIBUTE.test(name)) return undefined;
  let byName = cache.get(shared);
  if (byName === undefined) {
    byName = new Map();
    cache.set(shared, byName);
  }
  const known = byName.get(name);
  if (known !== undefined) return known ?? undefined;
  const found = readRoots(shared, name);
  byName.set(name, found ?? null);
  return found;
}

function readRoots(shared: SharedValues, name: string): string | undefined {
  const suffix = `.${name}`;
  const setters = new Map<string, string | null>();
  for (const [key, value] of shared.constants) {
    if (!key.endsWith(suffix)) continue;
    const owner = key.slice(0, -suffix.length);
    if (owner.includes('.') || owner === '') continue;
    const [only, ...rest] = value ?? [];
    const verb = rest.length === 0 && only?.kind === 'literal' ? only.text.toUpperCase() : undefined;
    setters.set(owner, verb !== undefined && VERBS.has(verb) ? verb : null);
  }
  let agreed: string | undefined;
  for (const [owner, verb] of setters) {
    if (setsInAncestor(shared, owner, setters, new Set())) continue;
    if (verb === null || (agreed !== undefined && agreed !== verb)) return undefined;
    agreed = verb;
  }
  return agreed;
}

// Whether a class `owner` extends (at any depth) sets the attribute too.
function setsInAncestor(
  shared: SharedValues,
  owner: string,
  setters: ReadonlyMap<string, string | null>,
  seen: Set<string>,
): boolean {
  for (const base of shared.classes?.get(owner) ?? []) {
    const name = base.slice(base.lastIndexOf('.') + 1);
    if (seen.has(name)) continue;
    seen.add(name);
    if (setters.has(name) || setsInAncestor(shared, name, setters, seen)) return true;
  }
  return false;
}
