/**
 * Python classes that extend a library's session class (`class RetryingSession(requests.Session)`,
 * `class Api(httpx.Client)`): an instance has the library's `get`/`post`/`request` methods whatever
 * it overrides, so the project shares each such class by name and a module that imports it and
 * keeps an instance (`self._http = RetryingSession(...)`) sends through it. The base must resolve to
 * the library through the module's own imports (`from requests import Session`, `import requests`),
 * so another library's `Session` (an ORM's) is not taken for one.
 */

import type { Node } from 'web-tree-sitter';
import { nodesOfType } from '../nodes-of-type';
import { sliceNode } from '../syntax';
import type { HttpClient } from '../types';
import type { SessionClassFact } from './types';

// The libraries' session classes, by the module that exports them.
const SESSION_CLASSES: ReadonlyArray<{
  client: HttpClient;
  modules: readonly string[];
  classes: readonly string[];
}> = [
  { client: 'requests', modules: ['requests', 'requests.sessions'], classes: ['Session'] },
  { client: 'httpx', modules: ['httpx'], classes: ['Client', 'AsyncClient'] },
  { client: 'aiohttp', modules: ['aiohttp', 'aiohttp.client'], classes: ['ClientSession'] },
];
/** Whether `module` is a library module exporting a session class (`httpx`, `requests`). */
export function isSessionLibraryModule(module: string): boolean {
  return SESSION_CLASSES.some((spec) => spec.modules.includes(module));
}

// How many classes up a chain of project subclasses a session class is followed.
const MAX_LEVELS = 4;

/** The classes of one Python module that extend a library's session class. */
export function readSessionClasses(root: Node, text: string, file: string): SessionClassFact[] {
  if (!SESSION_CLASSES.some((spec) => spec.modules.some((module) => text.includes(module)))) return [];
  // Local name -> client, for the names written as a base: `Session` (imported by name) or
  // `requests.Session` (the module imported whole, under its own name or an alias).
  const bases = new Map<string, HttpClient>();
  for (const { module, imported, local } of pythonImports(root, text))
    for (const spec of SESSION_CLASSES) {
      if (module !== null) {
        if (spec.modules.includes(module) && spec.classes.includes(imported)) bases.set(local, spec.client);
      } else if (spec.modules.includes(imported)) {
        for (const cls of spec.classes) bases.set(`${local}.${cls}`, spec.client);
      }
    }
  if (bases.size === 0) return [];
  const found: SessionClassFact[] = [];
  for (const cls of nodesOfType(root, 'class_definition')) {
    const name = cls?.childForFieldName('name');
    if (cls == null || name == null) continue;
    for (const base of cls.childForFieldName('superclasses')?.namedChildren ?? []) {
      const client = base === null ? undefined : bases.get(sliceNode(text, base));
      if (client === undefined) continue;
      found.push({
        name: sliceNode(text, name),
        client,
        site: { file, line: cls.startPosition.row + 1 },
      });
      break;
    }
  }
  return found;
}

/**
 * The project's session classes by name, with the project classes that extend one of them in turn
 * (a few levels); a name two modules give different clients is left out.
 */
export function joinSessionClasses(
  facts: readonly SessionClassFact[],
  classes: ReadonlyMap<string, readonly string[]>,
): Map<string, SessionClassFact> {
  const joined = new Map<string, SessionClassFact | null>();
  for (const fact of facts) {
    const current = joined.get(fact.name);
    if (current === undefined) joined.set(fact.name, fact);
    else if (current !== null && current.client !== fact.client) joined.set(fact.name, null);
  }
  for (let level = 0; level < MAX_LEVELS; level++) {
    let added = false;
    for (const [name, bases] of classes) {
      if (joined.has(name)) continue;
      const base = bases.map((b) => joined.get(b)).find((fact) => fact != null);
      if (base == null) continue;
      joined.set(name, { ...base, name });
      added = true;
    }
    if (!added) break;
  }
  const out = new Map<string, SessionClassFact>();
  for (const [name, fact] of joined) if (fact !== null) out.set(name, fact);
  return out;
}

/** Every name a Python module imports: `from M import X as Y` gives M, X, Y; `import M as N` null, M, N. */
export function pythonImports(
  root: Node,
  text: string,
): Array<{ module: string | null; imported: string; local: string }> {
  const out: Array<{ module: string | null; imported: string; local: string }> = [];
  for (const statement of nodesOfType(root, ['import_statement', 'import_from_statement'])) {
    if (statement === null) continue;
    const from =
      statement.type === 'import_from_statement' ? statement.childForFieldName('module_name') : null;
    for (const name of statement.childrenForFieldName('name')) {
      if (name === null) continue;
      const original = name.type === 'aliased_import' ? name.childForFieldName('name') : name;
      const alias = name.type === 'aliased_import' ? name.childForFieldName('alias') : name;
      if (original == null || alias == null) continue;
      out.push({
        module: from == null ? null : sliceNode(text, from),
        imported: sliceNode(text, original),
        local: sliceNode(text, alias),
      });
    }
  }
  return out;
}
