/**
 * Python classes whose construction sends a request: calling a class runs its `__init__` with the
 * arguments, so a constructor that is a wrapper (`__init__(self, api, url)` calling
 * `self._load(url)`, itself one) is called by the class's name too (`Cursor(api, "/search")`).
 *
 * A class that only keeps the URL for later (a lazy page list, sending when iterated) is not read
 * so: its labellers disagree on whether building one is the request (see docs/recall.md).
 */

import type { WrapperDefinition } from './types';

/** `Cursor(...)` for each sending `__init__` of the file's wrappers: the same wrapper under the class's name. */
export function constructorAliases(definitions: readonly WrapperDefinition[]): WrapperDefinition[] {
  return definitions
    .filter((d) => d.language === 'python' && d.name === '__init__' && d.owner !== undefined)
    .map(({ owner, ...rest }) => ({ ...rest, name: owner ?? '' }));
}
