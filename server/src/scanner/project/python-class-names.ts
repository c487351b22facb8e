/**
 * When a Python class's own name is known at a use of `self`: `self.__class__.__name__` in a method
 * of class `C` is `C` only when no class of the project extends `C` (else it is the subclass's name,
 * which the use cannot tell). A path built from the name (`return self.__class__.__name__.lower()`
 * in a base of another module) is read for a leaf class and stays a run-time part otherwise.
 */

import type { SharedValues } from './types';

// Per project view: the names some class of the project names as a base.
const extendedNames = new WeakMap<SharedValues, Set<string>>();

/** `cls` when it is a class of the project that no class extends, else undefined. */
export function readLeafClassName(cls: string | undefined, shared: SharedValues): string | undefined {
  const classes = shared.classes;
  if (cls === undefined || classes === undefined || !classes.has(cls)) return undefined;
  let extended = extendedNames.get(shared);
  if (extended === undefined) {
    extended = new Set();
    for (const bases of classes.values())
      for (const base of bases) extended.add(base.replace(/\[.*$/s, '').split('.').at(-1)?.trim() ?? base);
    extendedNames.set(shared, extended);
  }
  return extended.has(cls) ? undefined : cls;
}
