/**
 * The project's inheritance facts joined by name (see `inherited-senders.ts`): which library a
 * factory function's instance is, which transport a class's field holds (its own or a base's),
 * which request a method sends (the first class up the chain that declares it), and the value a
 * subclass gives a field's entry (`super({ get: '/things/{id}' })`).
 */

import type { UrlSegment } from '../types';
import {
  ANGULAR_CLIENT,
  type InheritClassFact,
  type InheritFacts,
  type SenderUrl,
} from './inherited-senders';

/** Classes and factories by name; `null` where two modules declare the name. */
export interface InheritView {
  classes: ReadonlyMap<string, InheritClassFact | null>;
  /** Interfaces of the project that declare a transport's verbs. */
  transportTypes: ReadonlySet<string>;
  factories: ReadonlyMap<string, { client?: string; returns?: string } | null>;
}

/** A method's request, read for one class. */
export interface ResolvedSender {
  verb: string;
  client: string;
  url: SenderUrl;
  /** The class that declares the method. */
  owner: InheritClassFact;
  line: number;
}

// Classes up a chain, and steps through factories and methods, at most.
const MAX_DEPTH = 8;

/** Joins every file's facts. */
export function joinInheritFacts(all: ReadonlyArray<InheritFacts | undefined>): InheritView | undefined {
  const classes = new Map<string, InheritClassFact | null>();
  const factories = new Map<string, { client?: string; returns?: string } | null>();
  const transportTypes = new Set<string>();
  for (const facts of all) {
    if (facts === undefined) continue;
    for (const name of facts.transportTypes ?? []) transportTypes.add(name);
    for (const fact of facts.classes) classes.set(fact.name, classes.has(fact.name) ? null : fact);
    for (const { name, ...made } of facts.factories)
      factories.set(
        name,
        factories.has(name) && JSON.stringify(factories.get(name)) !== JSON.stringify(made) ? null : made,
      );
  }
  return classes.size === 0 && factories.size === 0 ? undefined : { classes, factories, transportTypes };
}

/** The library a factory function's instance is (`makeAuthed()` → `makeClient()` → `axios.create()`). */
export function factoryClient(view: InheritView, name: string): string | undefined {
  let next: string | undefined = name;
  for (let depth = 0; next !== undefined && depth < MAX_DEPTH; depth++) {
    const made = view.factories.get(next);
    if (made == null) return undefined;
    if (made.client !== undefined) return made.client;
    next = made.returns;
  }
  return undefined;
}

/** The class and its bases, nearest first. */
export function classChain(view: InheritView, name: string): InheritClassFact[] {
  const chain: InheritClassFact[] = [];
  let next: string | undefined = name;
  while (next !== undefined && chain.length < MAX_DEPTH) {
    const fact = view.classes.get(next);
    if (fact == null || chain.includes(fact)) break;
    chain.push(fact);
    next = fact.base;
  }
  return chain;
}

/** The library held in `this.<field>` of an instance of the class. */
export function transportClient(view: InheritView, className: string, field: string): string | undefined {
  for (const fact of classChain(view, className)) {
    // Angular's HttpClient, typed so, whatever the constructor sets it with (`inject(HttpClient)`).
    if (fact.typedFields?.some(([name, type]) => name === field && type === ANGULAR_CLIENT)) return 'angular';
    const assigned = fact.transports.find(([name]) => name === field);
    if (assigned !== undefined) return factoryClient(view, assigned[1]);
    // A field declared with a transport interface of the project: called by its verbs' shape.
    const typed = fact.typedFields?.find(([name]) => name === field);
    if (typed !== undefined) return view.transportTypes.has(typed[1]) ? 'shape' : undefined;
  }
  return undefined;
}

/** The request `method` sends on an instance of the class, when exactly one is read. */
export function resolveSender(
  view: InheritView,
  className: string,
  method: string,
  depth = 0,
): ResolvedSender | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const owner = classChain(view, className).find((fact) => fact.methods.includes(method));
  if (owner === undefined) return undefined;
  const found: ResolvedSender[] = [];
  for (const sender of owner.senders) {
    if (sender.name !== method) continue;
    if (sender.transport !== undefined && sender.verb !== undefined) {
      const client = transportClient(view, className, sender.transport);
      if (client !== undefined)
        found.push({ verb: sender.verb, client, url: sender.url, owner, line: sender.line });
    } else if (sender.via !== undefined && sender.via !== method) {
      const inner = resolveSender(view, className, sender.via, depth + 1);
      if (inner !== undefined && inner.url.param === sender.viaIndex)
        found.push({ verb: inner.verb, client: inner.client, url: sender.url, owner, line: sender.line });
    }
  }
  const [first, ...rest] = found;
  if (
    first === undefined ||
    rest.some((other) => other.verb !== first.verb || !sameUrl(other.url, first.url))
  )
    return undefined;
  return first;
}

function sameUrl(a: SenderUrl, b: SenderUrl): boolean {
  return a.param === b.param && a.field?.join('.') === b.field?.join('.');
}

/** The value an instance of the class has for `this.<field>.<key>`, set by it or a base. */
export function resolvePath(
  view: InheritView,
  className: string,
  field: string,
  key: string,
): UrlSegment[] | undefined {
  const chain = classChain(view, className);
  for (const [at, fact] of chain.entries()) {
    const own = fact.ownPaths.find(([name]) => name === field)?.[1].find(([k]) => k === key);
    if (own !== undefined) return own[1];
    if (fact.superPaths === undefined) continue;
    // `super({ ... })` lands in the field the nearest base constructor copies that argument into.
    const receiver = chain.slice(at + 1).find((base) => base.pathParam !== undefined);
    const [index, entries] = fact.superPaths;
    if (receiver?.pathParam?.[0] !== index || receiver.pathParam[1] !== field) continue;
    const entry = entries.find(([k]) => k === key);
    if (entry !== undefined) return entry[1];
  }
  return undefined;
}

/**
 * The names a file must write to have a call these facts find (a class that resolves a sender or
 * a path, a factory of a library instance), as the project pass's rounds count new clients.
 */
export function inheritNames(
  view: InheritView | undefined,
): Array<{ kind: string; name: string; site: { file: string; line: number } }> {
  if (view === undefined) return [];
  const names: Array<{ kind: string; name: string; site: { file: string; line: number } }> = [];
  for (const [name, fact] of view.classes) {
    const typed =
      fact?.typedFields?.some(([, type]) => view.transportTypes.has(type) || type === ANGULAR_CLIENT) ===
      true;
    if (
      fact == null ||
      (!typed && !fact.senders.some((sender) => resolveSender(view, name, sender.name) !== undefined))
    )
      continue;
    names.push({ kind: 'inherit', name, site: { file: fact.file, line: fact.line } });
  }
  for (const [name, fact] of view.classes) {
    // A subclass of a sending class: its instances' calls are found through it.
    if (fact == null || fact.base === undefined || names.some((n) => n.name === name)) continue;
    if (classChain(view, name).some((base) => names.some((n) => n.name === base.name)))
      names.push({ kind: 'inherit', name, site: { file: fact.file, line: fact.line } });
  }
  for (const name of view.factories.keys()) {
    if (factoryClient(view, name) !== undefined)
      names.push({ kind: 'inherit', name, site: { file: '', line: 0 } });
  }
  return names;
}
