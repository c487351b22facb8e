/**
 * When a Python class's own name is known at a use of `self`: `self.__class__.__name__` in a method
 * of class `C` is `C` only when no class of the project extends `C` (else it is the subclass's name,
 * which the use cannot tell). A path built from the name (`return self.__class__.__name__.lower()`
 * in a base of another module) is read for a leaf class and stays a run-time part otherwise. The
 * same map of subclasses answers whether a class below one sets a member again (its value there is
 * not the one a use in the upper class reads for every object).
 */

import type { SharedValues } from './types';

// Per project view: the names some class of the project names as a base, and each one's subclasses.
const extendedNames = new WeakMap<SharedValues, Map<string, string[]>>();
// How many classes below one a question visits.
const MAX_BELOW = 64;

/** `cls` when it is a class of the project that no class extends, else undefined. */
export function readLeafClassName(cls: string | undefined, shared: SharedValues): string | undefined {
  const classes = shared.classes;
  if (cls === undefined || classes === undefined || !classes.has(cls)) return undefined;
  return subclassesOf(shared).has(cls) ? undefined : cls;
}

/** Whether some class below `cls` (at any depth) satisfies `sets`; also true past the visit bound. */
export function overriddenBelow(cls: string, sets: (name: string) => boolean, shared: SharedValues): boolean {
  const below = subclassesOf(shared);
  const seen = new Set<string>([cls]);
  const queue = [cls];
  while (queue.length > 0) {
    for (const sub of below.get(queue.shift() as string) ?? []) {
      if (seen.has(sub)) continue;
      if (seen.size >= MAX_BELOW || sets(sub)) return true;
      seen.add(sub);
      queue.push(sub);
    }
  }
  return false;
}

function subclassesOf(shared: SharedValues): Map<string, string[]> {
  let below = extendedNames.get(shared);
  if (below !== undefined) return below;
  below = new Map();
  for (const [name, bases] of shared.classes ?? []) {
    for (const base of bases) {
      const plain = base.replace(/\[.*$/s, '').split('.').at(-1)?.trim() ?? base;
      const known = below.get(plain);
      if (known === undefined) below.set(plain, [name]);
      else known.push(name);
    }
  }
  extendedNames.set(shared, below);
  return below;
}
