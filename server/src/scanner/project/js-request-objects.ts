/**
 * Request objects (JavaScript/TypeScript): a class whose constructor keeps the endpoint it is given
 * (`constructor(endpoint) { this.target = \`${base}api/${endpoint}\` }`) and whose method sends to
 * that field (`fetch(this.target, { method: verb })`), the verb named by a subclass's method
 * (`send() { return this.dispatch('POST') }`), by a literal in the request, or by a field the
 * constructor keeps (`this.verb = verb`, or a subclass's `super('DELETE', path)`). Building one and
 * sending it (`await new PostRequest('notes/' + id).withBody(b).send()`) is the request: the
 * construction states its URL, the chain its verb. Classes, their bases and their methods are read
 * per file as plain facts; the view joins them across files by class name (each class name once:
 * a name two modules declare gives nothing), and `recognizers/constructed-requests.ts` reports the
 * constructions. The request inside the class stays reported as it was (its URL is the field).
 */

import type { Node } from 'web-tree-sitter';
import { nodesOfType } from '../nodes-of-type';
import type { ScanContext } from '../recognizers/context';
import { sliceNode, unwrapExpression } from '../syntax';
import type { HttpCall, HttpClient, UrlSegment } from '../types';
import { isJsLanguage, readJsParams } from './code-shape';
import type { WrapperDefinition } from './types';
import { readUrlValue } from './values';

/** A method that sends to a field of the object (`fetch(this.target, { method: verb })`). */
export interface DispatcherFact {
  name: string;
  line: number;
  /** The field the URL is (`this.target`). */
  field: string;
  /** The verb: written in the request, one of the method's parameters, or a field of the object. */
  method?: string;
  methodParam?: number;
  methodField?: string;
  client: HttpClient;
}

/** A method that only calls another method of the object with string literals (`this.dispatch('GET')`). */
export interface RelayFact {
  name: string;
  line: number;
  target: string;
  /** Each argument's text when it is a string literal, else null. */
  args: Array<string | null>;
}

/** What one class of a file says about request objects. */
export interface RequestObjectFact {
  name: string;
  file: string;
  line: number;
  /**
   * Its constructor: parameter names, the fields it sets (values as URL segments, parameters by
   * name), and the arguments it hands to `super(...)` (segments, in terms of its parameters).
   */
  ctor?: { params: string[]; fields: Array<[string, UrlSegment[]]>; supers?: UrlSegment[][] };
  dispatchers?: DispatcherFact[];
  relays?: RelayFact[];
}

const JS_CLASSES = ['class_declaration', 'class', 'abstract_class_declaration'];
const HTTP_VERB = /^(get|post|put|patch|delete|head|options)$/i;
// How many classes up a chain a constructor, a relay or a dispatcher is looked for.
const MAX_CHAIN = 6;
// A class with more members than this is not read (generated code).
const MAX_MEMBERS = 300;

/** The request-object facts of a JS/TS file's classes; undefined when none says anything. */
export function readRequestObjectFacts(
  context: ScanContext,
  calls: readonly HttpCall[],
): RequestObjectFact[] | undefined {
  if (!isJsLanguage(context.language) || !/\bclass\b/.test(context.text)) return undefined;
  const { text } = context;
  const byClass = new Map<number, RequestObjectFact>();
  const factOf = (cls: Node): RequestObjectFact | undefined => {
    let fact = byClass.get(cls.id);
    if (fact === undefined) {
      const name = cls.childForFieldName('name');
      if (name === null) return undefined;
      fact = { name: sliceNode(text, name), file: context.file, line: cls.startPosition.row + 1 };
      byClass.set(cls.id, fact);
    }
    return fact;
  };
  for (const call of calls) {
    const node = findCall(
      context.root.descendantForIndex(call.location.start.offset, call.location.end.offset),
    );
    const method = enclosingMethod(node);
    const cls = method === undefined ? undefined : enclosingClass(method);
    const fact = cls === undefined ? undefined : factOf(cls);
    if (method === undefined || fact === undefined || node === undefined) continue;
    const dispatcher = readDispatcher(context, call, node, method);
    if (dispatcher !== undefined) fact.dispatchers = [...(fact.dispatchers ?? []), dispatcher];
  }
  for (const cls of nodesOfType(context.root, JS_CLASSES)) {
    const body = cls?.childForFieldName('body');
    if (cls == null || body == null || body.namedChildCount > MAX_MEMBERS) continue;
    for (const member of body.namedChildren) {
      if (member?.type !== 'method_definition') continue;
      const name = sliceNode(context.text, member.childForFieldName('name') ?? member);
      if (name === 'constructor') {
        const ctor = readConstructor(context, member);
        const fact = ctor === undefined ? undefined : factOf(cls);
        if (fact !== undefined) fact.ctor = ctor;
        continue;
      }
      const relay = readRelay(text, member, name);
      const fact = relay === undefined ? undefined : factOf(cls);
      if (fact !== undefined && relay !== undefined) fact.relays = [...(fact.relays ?? []), relay];
    }
  }
  const facts = [...byClass.values()].filter((f) => f.ctor !== undefined || f.dispatchers || f.relays);
  return facts.length === 0 ? undefined : facts;
}

function enclosingMethod(node: Node | undefined): Node | undefined {
  for (let current: Node | null | undefined = node; current != null; current = current.parent) {
    if (current.type === 'method_definition') return current;
    if (/^(function|arrow_function|function_expression|function_declaration|class_body)$/.test(current.type))
      return undefined;
  }
  return undefined;
}

function enclosingClass(method: Node): Node | undefined {
  const cls = method.parent?.parent;
  return cls != null && JS_CLASSES.includes(cls.type) ? cls : undefined;
}

function findCall(node: Node | null): Node | undefined {
  for (let current = node; current !== null; current = current.parent)
    if (current.type === 'call_expression') return current;
  return undefined;
}

// Options keys a request's URL goes under (`axios.request({ url: this.url, method: this.verb })`).
const URL_KEYS = new Set(['url', 'uri', 'path', 'endpoint']);

// A request to a field of the object: its first argument `this.field` (or an options argument's
// `url: this.field`), its verb the call's own (`method: 'PUT'`), else an options `method` key naming
// one of the method's parameters or a field of the object.
function readDispatcher(
  context: ScanContext,
  call: HttpCall,
  node: Node,
  method: Node,
): DispatcherFact | undefined {
  const { text } = context;
  const args = (node.childForFieldName('arguments')?.namedChildren ?? []).filter(
    (a): a is Node => a !== null && a.type !== 'comment',
  );
  const objects = args.map(unwrapExpression).filter((a) => a.type === 'object');
  const [first] = args;
  const written = first === undefined ? undefined : ownField(sliceNode(text, first));
  const field = written ?? objects.flatMap((o) => keyValues(text, o, URL_KEYS).map(ownField))[0];
  if (field === undefined) return undefined;
  const name = sliceNode(text, method.childForFieldName('name') ?? method);
  const base = { name, line: method.startPosition.row + 1, field, client: call.client };
  if (call.method !== undefined) return { ...base, method: call.method };
  const [verb, ...more] = objects.flatMap((o) => keyValues(text, o, new Set(['method'])));
  if (verb === undefined || more.length > 0) return undefined;
  const own = ownField(verb);
  if (own !== undefined) return { ...base, methodField: own };
  const param = readJsParams(method, text).params.indexOf(verb);
  return param >= 0 ? { ...base, methodParam: param } : undefined;
}

function ownField(written: string): string | undefined {
  return /^this\.(#?[\w$]+)$/.exec(written)?.[1];
}

// The written values of an object literal's keys among `keys` (shorthand `{ method }` too).
function keyValues(text: string, object: Node, keys: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const pair of object.namedChildren) {
    if (pair?.type === 'shorthand_property_identifier') {
      const name = sliceNode(text, pair);
      if (keys.has(name)) out.push(name);
      continue;
    }
    const key = pair?.type === 'pair' ? pair.childForFieldName('key') : null;
    const value = pair?.childForFieldName('value');
    if (key != null && value != null && keys.has(sliceNode(text, key).replace(/^['"]|['"]$/g, '')))
      out.push(sliceNode(text, value));
  }
  return out;
}

// A constructor's parameters, the fields it sets from them (`this.target = \`${root}api/${path}\``,
// a TS parameter property `private readonly path: string`), and its `super(...)` arguments.
function readConstructor(context: ScanContext, ctor: Node): RequestObjectFact['ctor'] {
  const { text, language, root } = context;
  const { params } = readJsParams(ctor, text);
  if (params.some((p) => p === '')) return undefined;
  const fields: Array<[string, UrlSegment[]]> = [];
  for (const param of ctor.childForFieldName('parameters')?.namedChildren ?? []) {
    if (!param?.namedChildren.some((c) => c?.type === 'accessibility_modifier' || c?.type === 'readonly'))
      continue;
    const pattern = param.childForFieldName('pattern');
    if (pattern?.type === 'identifier') {
      const name = sliceNode(text, pattern);
      fields.push([name, [{ kind: 'expr', source: name }]]);
    }
  }
  let supers: UrlSegment[][] | undefined;
  for (const statement of ctor.childForFieldName('body')?.namedChildren ?? []) {
    const expression = statement?.type === 'expression_statement' ? statement.namedChildren[0] : undefined;
    if (
      expression?.type === 'call_expression' &&
      expression.childForFieldName('function')?.type === 'super'
    ) {
      supers = (expression.childForFieldName('arguments')?.namedChildren ?? []).flatMap((arg) =>
        arg === null || arg.type === 'comment' ? [] : [readUrlValue(arg, language, text, root)],
      );
      continue;
    }
    if (expression?.type !== 'assignment_expression') continue;
    const left = expression.childForFieldName('left');
    const right = expression.childForFieldName('right');
    const field = left == null ? undefined : /^this\.(#?[\w$]+)$/.exec(sliceNode(text, left))?.[1];
    if (field === undefined || right == null) continue;
    const value = readUrlValue(right, language, text, root);
    if (value.some((s) => s.kind === 'expr' && params.includes(s.source))) fields.push([field, value]);
  }
  return { params, fields, ...(supers ? { supers } : {}) };
}

// `send() { return this.dispatch('GET') }`: one statement calling a method of `this` with literals.
function readRelay(text: string, method: Node, name: string): RelayFact | undefined {
  const statements = (method.childForFieldName('body')?.namedChildren ?? []).filter(
    (s) => s !== null && s.type !== 'comment',
  );
  if (statements.length !== 1) return undefined;
  const [statement] = statements;
  let expression = statement?.namedChildren[0];
  if (expression?.type === 'await_expression') expression = expression.namedChildren[0];
  if (
    (statement?.type !== 'return_statement' && statement?.type !== 'expression_statement') ||
    expression?.type !== 'call_expression'
  )
    return undefined;
  const callee = expression.childForFieldName('function');
  const target = callee == null ? undefined : /^this\.(#?[\w$]+)$/.exec(sliceNode(text, callee))?.[1];
  if (target === undefined) return undefined;
  const args = (expression.childForFieldName('arguments')?.namedChildren ?? [])
    .filter((a): a is Node => a !== null && a.type !== 'comment')
    .map((a) => (a.type === 'string' ? sliceNode(text, a).slice(1, -1) : null));
  return { name, line: method.startPosition.row + 1, target, args };
}

/**
 * The constructions the project's request objects stand for, as wrappers named by the class and
 * marked `constructs` with the method that sends them: one per class and sending method.
 */
export function joinRequestObjects(
  all: ReadonlyArray<readonly RequestObjectFact[] | undefined>,
  classes: ReadonlyMap<string, readonly string[]>,
): WrapperDefinition[] {
  const byName = new Map<string, RequestObjectFact | null>();
  let dispatching = false;
  for (const facts of all)
    for (const fact of facts ?? []) {
      byName.set(fact.name, byName.has(fact.name) ? null : fact);
      if (fact.dispatchers !== undefined) dispatching = true;
    }
  if (!dispatching) return [];
  const definitions: WrapperDefinition[] = [];
  for (const [name, bases] of classes) {
    if (bases.length > 1) continue;
    const chain = classChain(name, classes, byName);
    if (chain === undefined || !chain.some((f) => f?.dispatchers !== undefined)) continue;
    definitions.push(...readConstructions(name, chain));
  }
  return definitions;
}

// The class and its bases (first base only), with each one's facts (undefined: nothing said); undefined
// when a name in it is ambiguous or a base is declared twice with different bases.
function classChain(
  name: string,
  classes: ReadonlyMap<string, readonly string[]>,
  byName: ReadonlyMap<string, RequestObjectFact | null>,
): Array<RequestObjectFact | undefined> | undefined {
  const chain: Array<RequestObjectFact | undefined> = [];
  const seen = new Set<string>();
  for (let current: string | undefined = name; current !== undefined; ) {
    if (seen.has(current) || chain.length >= MAX_CHAIN) return undefined;
    seen.add(current);
    const fact = byName.get(current);
    if (fact === null) return undefined;
    chain.push(fact ?? (chain.length === 0 ? { name: current, file: '', line: 0 } : undefined));
    const bases: readonly string[] = classes.get(current) ?? [];
    if (bases.length > 1) return undefined;
    current = bases[0];
  }
  return chain;
}

function readConstructions(
  name: string,
  chain: ReadonlyArray<RequestObjectFact | undefined>,
): WrapperDefinition[] {
  const ctor = effectiveConstructor(chain);
  if (ctor === undefined) return [];
  const findMethod = <T extends { name: string }>(
    pick: (f: RequestObjectFact) => readonly T[] | undefined,
    method: string,
  ) => {
    for (const fact of chain) {
      const found = fact === undefined ? undefined : pick(fact)?.find((m) => m.name === method);
      if (found !== undefined && fact !== undefined) return { found, fact };
    }
    return undefined;
  };
  // The sending methods a construction may call: relays to a dispatcher, and dispatchers whose verb
  // needs no argument.
  const sends = new Map<
    string,
    { dispatcher: DispatcherFact; args: ReadonlyArray<string | null>; file: string; line: number }
  >();
  for (const fact of chain)
    for (const relay of fact?.relays ?? []) {
      if (sends.has(relay.name)) continue;
      const target = findMethod((f) => f.dispatchers, relay.target);
      if (target !== undefined)
        sends.set(relay.name, {
          dispatcher: target.found,
          args: relay.args,
          file: fact?.file ?? '',
          line: relay.line,
        });
    }
  for (const fact of chain)
    for (const dispatcher of fact?.dispatchers ?? [])
      if (!sends.has(dispatcher.name) && dispatcher.methodParam === undefined)
        sends.set(dispatcher.name, { dispatcher, args: [], file: fact?.file ?? '', line: dispatcher.line });
  const definitions: WrapperDefinition[] = [];
  for (const [send, { dispatcher, args, file, line }] of sends) {
    // A relay overridden lower in the chain by a method that is no relay sends something else.
    const url = ctor.fields.get(dispatcher.field);
    if (url === undefined || file === '') continue;
    let method: string | undefined;
    let methodParam: number | undefined;
    if (dispatcher.method !== undefined) method = dispatcher.method;
    else if (dispatcher.methodParam !== undefined) method = args[dispatcher.methodParam] ?? undefined;
    else if (dispatcher.methodField !== undefined) {
      const [only, ...rest] = ctor.fields.get(dispatcher.methodField) ?? [];
      if (only?.kind === 'literal' && rest.length === 0) method = only.text;
      else if (only?.kind === 'expr' && rest.length === 0 && ctor.params.includes(only.source))
        methodParam = ctor.params.indexOf(only.source);
    }
    if (method !== undefined && !HTTP_VERB.test(method)) continue;
    if (method === undefined && methodParam === undefined) continue;
    const named = url.flatMap((s) => (s.kind === 'expr' && ctor.params.includes(s.source) ? [s.source] : []));
    const urlParam = named.length === 0 ? undefined : ctor.params.indexOf(named[named.length - 1] as string);
    definitions.push({
      kind: 'wrapper',
      language: 'typescript',
      name,
      params: ctor.params,
      ...(method !== undefined ? { method: method.toUpperCase() } : { methodParam }),
      ...(urlParam === undefined ? {} : { urlParam }),
      url,
      client: dispatcher.client,
      site: { file, line },
      forwards: true,
      constructs: send,
    });
  }
  return definitions;
}

// The constructor a construction of the chain's first class runs, with every field the chain's
// constructors set, in terms of its parameters (a base's parameters replaced by what `super(...)`
// hands it; a class without a constructor hands its arguments on as they are).
function effectiveConstructor(
  chain: ReadonlyArray<RequestObjectFact | undefined>,
): { params: string[]; fields: Map<string, UrlSegment[]> } | undefined {
  let params: string[] | undefined;
  let handed: { supers: UrlSegment[][]; map: SegmentMap } | undefined;
  const fields = new Map<string, UrlSegment[]>();
  for (const fact of chain) {
    const ctor = fact?.ctor;
    if (ctor === undefined) continue;
    let map: SegmentMap = (segments) => [...segments];
    if (params === undefined) params = ctor.params;
    else if (handed === undefined) break;
    else map = substitute(ctor.params, handed.supers, handed.map);
    for (const [field, value] of ctor.fields) {
      const mapped = map(value);
      if (mapped !== undefined && !fields.has(field)) fields.set(field, mapped);
    }
    if (ctor.supers === undefined) break;
    handed = { supers: ctor.supers, map };
  }
  return params === undefined ? undefined : { params, fields };
}

type SegmentMap = (segments: readonly UrlSegment[]) => UrlSegment[] | undefined;

// Segments in a base constructor's parameters, read in the outer constructor's: each parameter is
// what the subclass's `super(...)` hands it (undefined when it hands nothing there).
function substitute(
  params: readonly string[],
  supers: readonly UrlSegment[][],
  outer: SegmentMap,
): SegmentMap {
  return (segments) => {
    const out: UrlSegment[] = [];
    for (const segment of segments) {
      const index = segment.kind === 'expr' ? params.indexOf(segment.source) : -1;
      if (index < 0) {
        out.push(segment);
        continue;
      }
      const given = supers[index];
      const mapped = given === undefined ? undefined : outer(given);
      if (mapped === undefined) return undefined;
      out.push(...mapped);
    }
    return out;
  };
}
