/**
 * Python class fields that hold a library session (`requests.Session()`, `httpx.Client(...)`,
 * `aiohttp.ClientSession(...)`) where the class that sends on the field is not the class that set
 * it: a base class of another module keeps `self._http = httpx.Client(base_url=...)` and its
 * subclasses call `self._http.get(...)`; a resource's base stores the client its constructor is
 * given (`self._client = client`) and the client class builds it with its own session
 * (`Tags(self._http)`), or a factory hands it a session it made (`ReportsApi(session, host)` after
 * `session = requests.Session()`), possibly through `super().__init__(session, ...)`; a mixin's
 * methods send on a field the classes that mix it in hold. Each file gives plain facts (the fields
 * it sets to a session, its `__init__`s' parameter -> field and parameter -> `super()` argument
 * assignments, the constructions it hands a session to); `joinHeldSessions` joins them by class
 * name across the project, and `recognizers/python-held-session-calls.ts` reports the calls.
 */

import type { Node } from 'web-tree-sitter';
import { nodesOfType } from '../nodes-of-type';
import { readPythonArguments } from '../python-syntax';
import { sliceNode } from '../syntax';
import type { HttpClient, UrlSegment } from '../types';
import { pythonImports } from './python-session-classes';
import type { DefinitionSite } from './types';
import { readUrlValue } from './values';

/** A class field that holds a library session. */
export interface HeldSessionFact {
  owner: string;
  field: string;
  client: HttpClient;
  /** The `base_url=` the session was made with, when the class made it. */
  base?: UrlSegment[];
  /** True when the class itself makes the session (its own module's recogniser reads its calls). */
  made?: boolean;
  site: DefinitionSite;
}

/** A Python `__init__`: its parameters, the ones it keeps in fields and the ones it hands `super()`. */
export interface PythonConstructorFact {
  owner: string;
  params: string[];
  fields: Array<[number, string]>;
  supers: Array<[number, number]>;
}

/** `Constructed(..., session, ...)`: a session handed to a constructor, made in reach or a holder's field. */
export interface SessionInjectionFact {
  constructed: string;
  index?: number;
  keyword?: string;
  client?: HttpClient;
  /** `[class, field]`: the session is the constructing class's `self.<field>`. */
  holder?: [string, string];
}

/** One module's facts about held sessions. */
export interface HeldSessionFacts {
  held: HeldSessionFact[];
  constructors: PythonConstructorFact[];
  injections: SessionInjectionFact[];
}

// Library session classes as a module writes their construction, imported whole or by name.
const LIBRARY_SESSIONS: ReadonlyArray<{ client: HttpClient; module: string; classes: readonly string[] }> = [
  { client: 'requests', module: 'requests', classes: ['Session', 'session'] },
  { client: 'httpx', module: 'httpx', classes: ['Client', 'AsyncClient'] },
  { client: 'aiohttp', module: 'aiohttp', classes: ['ClientSession'] },
];
// How many times injections are joined (a session handed on through several constructors).
const MAX_ROUNDS = 4;
// How many bases up a constructor (or an inherited `__init__`) is followed.
const MAX_BASES = 6;

/** The facts one Python module gives (empty for a module that names no session library). */
export function readHeldSessionFacts(root: Node, text: string, file: string): HeldSessionFacts {
  const out: HeldSessionFacts = { held: [], constructors: [], injections: [] };
  const constructs = readSessionNames(root, text);
  for (const cls of nodesOfType(root, 'class_definition')) {
    const nameNode = cls?.childForFieldName('name');
    const body = cls?.childForFieldName('body');
    if (cls == null || nameNode == null || body == null) continue;
    const owner = sliceNode(text, nameNode);
    for (const fn of ownFunctions(body)) {
      const name = sliceNode(text, fn.childForFieldName('name') ?? fn);
      const params = readParams(fn, text);
      const ctor: PythonConstructorFact = { owner, params, fields: [], supers: [] };
      const locals = new Map<string, HttpClient>();
      for (const assignment of nodesOfType(fn, 'assignment')) {
        const left = assignment?.childForFieldName('left');
        const right = assignment?.childForFieldName('right');
        if (assignment == null || left == null || right == null) continue;
        const made = readMadeSession(right, text, constructs);
        if (left.type === 'identifier') {
          if (made !== undefined) locals.set(sliceNode(text, left), made.client);
          continue;
        }
        const field = readSelfField(left, text);
        if (field === undefined) continue;
        if (made !== undefined) {
          out.held.push({
            owner,
            field,
            client: made.client,
            ...(made.base === undefined ? {} : { base: readUrlValue(made.base, 'python', text, root) }),
            made: true,
            site: { file, line: assignment.startPosition.row + 1 },
          });
        } else if (name === '__init__') {
          const index = params.indexOf(sliceNode(text, unwrapOr(right)));
          if (index >= 0) ctor.fields.push([index, field]);
        }
      }
      for (const call of nodesOfType(fn, 'call')) {
        if (call === null) continue;
        if (name === '__init__') readSuperArgs(call, text, params, ctor.supers);
        readInjection(call, text, owner, locals, constructs, out.injections);
      }
      if (name === '__init__' && (ctor.fields.length > 0 || ctor.supers.length > 0))
        out.constructors.push(ctor);
    }
  }
  // Module functions (`def connect(): s = requests.Session(); return Api(s)`) hand sessions too.
  for (const fn of nodesOfType(root, 'function_definition')) {
    if (fn === null || enclosingClass(fn) !== undefined) continue;
    const locals = new Map<string, HttpClient>();
    for (const assignment of nodesOfType(fn, 'assignment')) {
      const left = assignment?.childForFieldName('left');
      const right = assignment?.childForFieldName('right');
      const made = right == null ? undefined : readMadeSession(right, text, constructs);
      if (left?.type === 'identifier' && made !== undefined) locals.set(sliceNode(text, left), made.client);
    }
    for (const call of nodesOfType(fn, 'call'))
      if (call !== null) readInjection(call, text, undefined, locals, constructs, out.injections);
  }
  return out;
}

/**
 * Joins every module's facts: class -> field -> the session it holds, for fields a class makes and
 * fields a constructor keeps (or hands up to its base's) from a session a construction passes it.
 */
export function joinHeldSessions(
  facts: readonly HeldSessionFacts[],
  classes: ReadonlyMap<string, readonly string[]>,
): Map<string, Map<string, HeldSessionFact>> {
  const held = new Map<string, Map<string, HeldSessionFact>>();
  const add = (fact: HeldSessionFact) => {
    const fields = held.get(fact.owner) ?? new Map<string, HeldSessionFact>();
    if (!fields.has(fact.field)) fields.set(fact.field, fact);
    held.set(fact.owner, fields);
  };
  const constructors = new Map<string, PythonConstructorFact>();
  for (const fact of facts) {
    for (const h of fact.held) add(h);
    for (const c of fact.constructors) if (!constructors.has(c.owner)) constructors.set(c.owner, c);
  }
  const injections = facts.flatMap((fact) => fact.injections);
  if (injections.length === 0) return held;
  const place = (
    cls: string,
    index: number | undefined,
    keyword: string | undefined,
    from: HeldSessionFact,
    depth: number,
  ) => {
    if (depth > MAX_BASES) return;
    const ctor = constructors.get(cls);
    if (ctor === undefined) {
      // No `__init__` of its own: the base's runs with the same arguments.
      for (const base of classes.get(cls) ?? []) place(base, index, keyword, from, depth + 1);
      return;
    }
    const at = keyword === undefined ? index : ctor.params.indexOf(keyword);
    if (at === undefined || at < 0) return;
    for (const [i, field] of ctor.fields) if (i === at) add({ ...from, owner: cls, field, made: false });
    for (const [i, s] of ctor.supers)
      if (i === at) for (const base of classes.get(cls) ?? []) place(base, s, undefined, from, depth + 1);
  };
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const before = countHeld(held);
    for (const injection of injections) {
      const from =
        injection.holder === undefined
          ? injection.client === undefined
            ? undefined
            : ({
                owner: '',
                field: '',
                client: injection.client,
                site: { file: '', line: 0 },
              } as HeldSessionFact)
          : findHeld(held, classes, injection.holder[0], injection.holder[1]);
      if (from !== undefined) place(injection.constructed, injection.index, injection.keyword, from, 0);
    }
    if (countHeld(held) === before) break;
  }
  return held;
}

/** The session `self.<field>` holds in `cls`: set there or in one of its bases. */
export function findHeld(
  held: ReadonlyMap<string, ReadonlyMap<string, HeldSessionFact>>,
  classes: ReadonlyMap<string, readonly string[]>,
  cls: string,
  field: string,
): HeldSessionFact | undefined {
  const seen = new Set<string>();
  const queue = [cls];
  for (let next = queue.shift(); next !== undefined && seen.size <= MAX_BASES * 4; next = queue.shift()) {
    if (seen.has(next)) continue;
    seen.add(next);
    const found = held.get(next)?.get(field);
    if (found !== undefined) return found;
    queue.push(...(classes.get(next) ?? []));
  }
  return undefined;
}

function countHeld(held: ReadonlyMap<string, ReadonlyMap<string, HeldSessionFact>>): number {
  let count = 0;
  for (const fields of held.values()) count += fields.size;
  return count;
}

// Local name -> client for the library session classes a module can construct: `requests.Session`
// (the module imported whole) or `Session` (imported by name).
function readSessionNames(root: Node, text: string): Map<string, HttpClient> {
  const names = new Map<string, HttpClient>();
  if (!LIBRARY_SESSIONS.some((spec) => text.includes(spec.module))) return names;
  for (const { module, imported, local } of pythonImports(root, text))
    for (const spec of LIBRARY_SESSIONS) {
      if (module !== null) {
        if (module === spec.module && spec.classes.includes(imported)) names.set(local, spec.client);
      } else if (imported === spec.module) {
        for (const cls of spec.classes) names.set(`${local}.${cls}`, spec.client);
      }
    }
  return names;
}

// `httpx.Client(base_url=...)`, also `given or requests.Session()`: the client and its base.
function readMadeSession(
  value: Node,
  text: string,
  constructs: ReadonlyMap<string, HttpClient>,
): { client: HttpClient; base?: Node } | undefined {
  if (constructs.size === 0) return undefined;
  let call: Node | null = value;
  if (value.type === 'boolean_operator') call = value.childForFieldName('right');
  if (call?.type !== 'call') return undefined;
  const client = constructs.get(sliceNode(text, call.childForFieldName('function') ?? call));
  if (client === undefined) return undefined;
  const base = readPythonArguments(call).keywords.get('base_url');
  return base === undefined ? { client } : { client, base };
}

// `self.<field>` as an assignment's target.
function readSelfField(left: Node, text: string): string | undefined {
  const object = left.type === 'attribute' ? left.childForFieldName('object') : null;
  const attribute = left.childForFieldName('attribute');
  return object?.type === 'identifier' && sliceNode(text, object) === 'self' && attribute != null
    ? sliceNode(text, attribute)
    : undefined;
}

function unwrapOr(value: Node): Node {
  return value.type === 'boolean_operator' ? (value.childForFieldName('left') ?? value) : value;
}

// `super().__init__(a, b)`, `super(Cls, self).__init__(a)`, `Base.__init__(self, a)`: which of the
// constructor's parameters go to which of the base's.
function readSuperArgs(
  call: Node,
  text: string,
  params: readonly string[],
  supers: Array<[number, number]>,
): void {
  const callee = call.childForFieldName('function');
  if (
    callee?.type !== 'attribute' ||
    sliceNode(text, callee.childForFieldName('attribute') ?? callee) !== '__init__'
  )
    return;
  const object = callee.childForFieldName('object');
  if (object == null) return;
  const viaSuper =
    object.type === 'call' && sliceNode(text, object.childForFieldName('function') ?? object) === 'super';
  const viaBase = object.type === 'identifier' && /^[A-Z]/.test(sliceNode(text, object));
  if (!viaSuper && !viaBase) return;
  const { positional } = readPythonArguments(call);
  const args = viaBase ? positional.slice(1) : positional;
  args.forEach((arg, i) => {
    const index = arg.type === 'identifier' ? params.indexOf(sliceNode(text, arg)) : -1;
    if (index >= 0) supers.push([index, i]);
  });
}

// `Cls(self._http)`, `Cls(session, host)`, `Cls(client=requests.Session())`: a session handed to a
// project class's constructor (a capitalised name, not the library's own classes).
function readInjection(
  call: Node,
  text: string,
  owner: string | undefined,
  locals: ReadonlyMap<string, HttpClient>,
  constructs: ReadonlyMap<string, HttpClient>,
  out: SessionInjectionFact[],
): void {
  const callee = call.childForFieldName('function');
  if (callee?.type !== 'identifier') return;
  const constructed = sliceNode(text, callee);
  if (!/^[A-Z]\w*$/.test(constructed) || !/[a-z]/.test(constructed) || constructs.has(constructed)) return;
  const { positional, keywords } = readPythonArguments(call);
  const describe = (arg: Node): Pick<SessionInjectionFact, 'client' | 'holder'> | undefined => {
    if (arg.type === 'identifier') {
      const client = locals.get(sliceNode(text, arg));
      return client === undefined ? undefined : { client };
    }
    const field = owner === undefined ? undefined : readSelfField(arg, text);
    if (owner !== undefined && field !== undefined) return { holder: [owner, field] };
    const made = readMadeSession(arg, text, constructs);
    return made === undefined ? undefined : { client: made.client };
  };
  positional.forEach((arg, index) => {
    const found = describe(arg);
    if (found !== undefined) out.push({ constructed, index, ...found });
  });
  for (const [keyword, arg] of keywords) {
    const found = describe(arg);
    if (found !== undefined) out.push({ constructed, keyword, ...found });
  }
}

function readParams(fn: Node, text: string): string[] {
  const names: string[] = [];
  for (const param of fn.childForFieldName('parameters')?.namedChildren ?? []) {
    if (param === null) continue;
    const name =
      param.type === 'identifier'
        ? param
        : param.type === 'typed_parameter'
          ? param.firstNamedChild
          : param.childForFieldName('name');
    if (name?.type === 'identifier') names.push(sliceNode(text, name));
  }
  return names[0] === 'self' ? names.slice(1) : names;
}

// The methods written in a class body (decorated or not), not those of nested classes.
function ownFunctions(body: Node): Node[] {
  const out: Node[] = [];
  for (const statement of body.namedChildren) {
    const fn =
      statement?.type === 'decorated_definition' ? statement.childForFieldName('definition') : statement;
    if (fn?.type === 'function_definition') out.push(fn);
  }
  return out;
}

function enclosingClass(node: Node): Node | undefined {
  for (let current = node.parent; current !== null; current = current.parent)
    if (current.type === 'class_definition') return current;
  return undefined;
}

/** The held fields as names for the project pass's rounds: a module naming one is read again. */
export function heldNames(
  held: ReadonlyMap<string, ReadonlyMap<string, HeldSessionFact>> | undefined,
): Array<{ kind: string; name: string; site: DefinitionSite }> {
  const names: Array<{ kind: string; name: string; site: DefinitionSite }> = [];
  for (const [owner, fields] of held ?? [])
    for (const [field, fact] of fields)
      names.push({ kind: `held:${owner}:${fact.client}`, name: field, site: fact.site });
  return names;
}
