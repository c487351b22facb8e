/**
 * Facts for requests that reach their URL through class inheritance (JavaScript/TypeScript): a
 * base class keeps an HTTP instance in a field (`this.http = makeClient()`, the factory a project
 * function returning `axios.create(...)`, possibly through another such function) and has generic
 * methods that send to a URL another field holds (`this.http.put(this.paths.create)`), which each
 * subclass sets (`super({ create: '/things' })` into the base's `Object.assign(this.paths, paths)`,
 * or `this.paths = { reset: '/x' }` in its own constructor). One file's facts are plain data; the
 * view joins them by class name (see `inherited-view.ts`), and `recognizers/inherited-calls.ts`
 * reports the call sites.
 */

import type { Node } from 'web-tree-sitter';
import { nodesOfType } from '../nodes-of-type';
import type { ScanContext } from '../recognizers/context';
import { readConstantString, sliceNode } from '../syntax';
import type { UrlSegment } from '../types';
import { isJsLanguage } from './code-shape';
import { readClassValues, type UrlBuilderFact } from './js-url-builders';
import { readUrlValue } from './values';

/** Verbs a transport instance's helpers send. */
export const TRANSPORT_VERBS: ReadonlyMap<string, string> = new Map([
  ['get', 'GET'],
  ['post', 'POST'],
  ['put', 'PUT'],
  ['patch', 'PATCH'],
  ['delete', 'DELETE'],
  ['head', 'HEAD'],
]);

// The libraries whose factory makes an instance with those helpers, by module and factory method.
const LIBRARY_FACTORIES: ReadonlyMap<string, string> = new Map([
  ['axios', 'create'],
  ['ky', 'create'],
  ['got', 'extend'],
]);

/** A module function returning an HTTP instance: a library's (`client`) or another function's. */
export interface FactoryFact {
  name: string;
  /** The library (`axios`) when it returns the library's instance, else the function it returns a call of. */
  client?: string;
  returns?: string;
}

/** Where a sending method's URL comes from. */
export interface SenderUrl {
  /** The method's parameter at this index. */
  param?: number;
  /** A field of the object and its key (`this.paths.get`): each subclass's value. */
  field?: [string, string];
}

/** A method that sends one request, on a transport field or through another method of its class. */
export interface SenderFact {
  name: string;
  line: number;
  url: SenderUrl;
  /** `this.<transport>.<verb>(url)`. */
  transport?: string;
  verb?: string;
  /** `this.<via>(..., url, ...)`, the URL at argument `viaIndex`. */
  via?: string;
  viaIndex?: number;
}

/** One class: its base, its transport fields, where its paths come from, its sending methods. */
export interface InheritClassFact {
  name: string;
  base?: string;
  file: string;
  line: number;
  /** `[field, factory function]` for `this.field = factory()` in the constructor. */
  transports: Array<[string, string]>;
  /** The constructor's parameter that the class copies into a field (`Object.assign(this.paths, paths)`). */
  pathParam?: [number, string];
  /** The entries of an object literal handed to `super(...)` at this index. */
  superPaths?: [number, Array<[string, UrlSegment[]]>];
  /** `this.field = { key: url }` in the constructor. */
  ownPaths: Array<[string, Array<[string, UrlSegment[]]>]>;
  senders: SenderFact[];
  /** Every method the class declares (an override hides its base's sender). */
  methods: string[];
  /** `[field, type]` for fields declared with a type (`requests: Transport`). */
  typedFields?: Array<[string, string]>;
  /** Fields the class sets once, and its URL-building methods (`js-url-builders.ts`). */
  fields?: Array<[string, UrlSegment[]]>;
  builders?: UrlBuilderFact[];
}

/** One file's inheritance facts. */
export interface InheritFacts {
  factories: FactoryFact[];
  classes: InheritClassFact[];
  /** Interfaces declaring at least three verb methods that take a URL first (`get(url: string)`). */
  transportTypes?: string[];
}

/** Reads one JS/TS file's factories and classes; undefined when it has neither. */
export function readInheritFacts(context: ScanContext): InheritFacts | undefined {
  if (!isJsLanguage(context.language)) return undefined;
  const { text } = context;
  if (
    !text.includes('class ') &&
    !text.includes('interface ') &&
    !LIBRARY_RE.test(text) &&
    !text.includes('return')
  )
    return undefined;
  const factories = readFactories(context);
  const classes: InheritClassFact[] = [];
  if (text.includes('class ')) {
    for (const type of ['class_declaration', 'abstract_class_declaration', 'class']) {
      // From the tree's one walk (`nodesOfType`): each `descendantsOfType` walked the whole tree.
      for (const node of nodesOfType(context.root, type)) {
        if (node == null) continue;
        const fact = readClass(context, node);
        if (fact !== undefined) classes.push(fact);
      }
    }
  }
  const transportTypes = mayDeclareTransportType(text) ? readTransportTypes(context) : [];
  if (factories.length === 0 && classes.length === 0 && transportTypes.length === 0) return undefined;
  return { factories, classes, ...(transportTypes.length === 0 ? {} : { transportTypes }) };
}

// A URL parameter's name, as transports name it.
const URL_PARAM = /^(?:url|uri|path|endpoint|route)$/i;

// A transport type's text holds `interface `, a verb that changes something as a word and a URL
// parameter's name as a word; a file without all three has none, and its tree is not walked.
function mayDeclareTransportType(text: string): boolean {
  return (
    text.includes('interface ') && /\b(?:post|put|patch|delete)\b/.test(text) && URL_PARAM_WORD.test(text)
  );
}

const URL_PARAM_WORD = /\b(?:url|uri|path|endpoint|route)\b/i;

// `interface Transport { get<T>(url: string): ...; post(url: string, body): ...; ... }`: at least
// three verbs taking a URL first, one of them a verb that changes something.
function readTransportTypes(context: ScanContext): string[] {
  const names: string[] = [];
  for (const node of nodesOfType(context.root, 'interface_declaration')) {
    const name = node?.childForFieldName('name');
    const body = node?.childForFieldName('body');
    if (name == null || body == null) continue;
    const verbs = new Set<string>();
    for (const member of body.namedChildren) {
      if (member?.type !== 'method_signature') continue;
      const verb = sliceNode(context.text, member.childForFieldName('name') ?? member);
      const first = member.childForFieldName('parameters')?.namedChildren[0];
      const pattern = first?.childForFieldName('pattern');
      if (TRANSPORT_VERBS.has(verb) && pattern != null && URL_PARAM.test(sliceNode(context.text, pattern)))
        verbs.add(verb);
    }
    if (verbs.size >= 3 && ['post', 'put', 'patch', 'delete'].some((verb) => verbs.has(verb)))
      names.push(sliceNode(context.text, name));
  }
  return names;
}

const ANGULAR_HTTP = '@angular/common/http';
/** The type a field holding Angular's `HttpClient` is recorded with (no project type is named so). */
export const ANGULAR_CLIENT = 'angular:HttpClient';

const LIBRARY_RE = /\b(?:axios|ky|got)\b/;

// Module functions whose every `return` is a library instance or a call of one other function.
function readFactories(context: ScanContext): FactoryFact[] {
  const { text } = context;
  const libraries = importedLibraries(context);
  const facts: FactoryFact[] = [];
  for (const statement of context.root.namedChildren) {
    const declaration = statement?.type === 'export_statement' ? statement.namedChildren[0] : statement;
    if (declaration == null) continue;
    let name: Node | null = null;
    let body: Node | null = null;
    if (declaration.type === 'function_declaration') {
      name = declaration.childForFieldName('name');
      body = declaration.childForFieldName('body');
    } else if (declaration.type === 'lexical_declaration') {
      const declarator = declaration.namedChildren.find((c) => c?.type === 'variable_declarator');
      const value = declarator?.childForFieldName('value');
      if (value?.type === 'arrow_function' || value?.type === 'function_expression') {
        name = declarator?.childForFieldName('name') ?? null;
        body = value.childForFieldName('body');
      }
    }
    if (name == null || body == null) continue;
    const returned = readReturned(context, body, libraries);
    if (returned !== undefined) facts.push({ name: sliceNode(text, name), ...returned });
  }
  return facts;
}

// The library names this module imports (`import axios from 'axios'`), by local name.
function importedLibraries(context: ScanContext): Map<string, string> {
  const names = new Map<string, string>();
  for (const statement of context.root.namedChildren) {
    if (statement?.type !== 'import_statement') continue;
    const sourceNode = statement.childForFieldName('source');
    const source = sourceNode === null ? undefined : readConstantString(sourceNode, context.text);
    if (source === undefined || !LIBRARY_FACTORIES.has(source)) continue;
    const clause = statement.namedChildren.find((c) => c?.type === 'import_clause');
    const local = clause?.namedChildren.find((c) => c?.type === 'identifier');
    if (local != null) names.set(sliceNode(context.text, local), source);
  }
  return names;
}

// What a factory's body returns: one value for every `return` (a library instance, or a call of a
// plain function), through one local (`const instance = make(); ...; return instance`).
function readReturned(
  context: ScanContext,
  body: Node,
  libraries: Map<string, string>,
): { client?: string; returns?: string } | undefined {
  if (body.type !== 'statement_block') return readMade(context, body, libraries);
  // A block without the word holds no `return` (a 100,000-call function's statements were each read).
  if (!sliceNode(context.text, body).includes('return')) return undefined;
  let found: { client?: string; returns?: string } | undefined;
  for (const statement of body.namedChildren) {
    if (statement?.type !== 'return_statement') continue;
    let value = statement.namedChildren[0] ?? undefined;
    if (value?.type === 'identifier') value = readLocalValue(context, body, sliceNode(context.text, value));
    const made = value === undefined ? undefined : readMade(context, value, libraries);
    if (made === undefined || found !== undefined) return undefined;
    found = made;
  }
  return found;
}

function readMade(
  context: ScanContext,
  value: Node,
  libraries: Map<string, string>,
): { client?: string; returns?: string } | undefined {
  if (value.type !== 'call_expression') return undefined;
  const callee = value.childForFieldName('function');
  if (callee?.type === 'identifier') return { returns: sliceNode(context.text, callee) };
  if (callee?.type !== 'member_expression') return undefined;
  const object = callee.childForFieldName('object');
  const property = callee.childForFieldName('property');
  const library = object?.type === 'identifier' ? libraries.get(sliceNode(context.text, object)) : undefined;
  if (library === undefined || property == null) return undefined;
  return LIBRARY_FACTORIES.get(library) === sliceNode(context.text, property)
    ? { client: library }
    : undefined;
}

// `const name = <value>` declared once directly in `body`.
function readLocalValue(context: ScanContext, body: Node, name: string): Node | undefined {
  let found: Node | undefined;
  for (const statement of body.namedChildren) {
    if (statement?.type !== 'lexical_declaration') continue;
    for (const declarator of statement.namedChildren) {
      if (declarator?.type !== 'variable_declarator') continue;
      const id = declarator.childForFieldName('name');
      if (id?.type !== 'identifier' || sliceNode(context.text, id) !== name) continue;
      if (found !== undefined) return undefined;
      found = declarator.childForFieldName('value') ?? undefined;
    }
  }
  return found;
}

function readClass(context: ScanContext, node: Node): InheritClassFact | undefined {
  const { text } = context;
  const nameNode = node.childForFieldName('name');
  const body = node.childForFieldName('body');
  if (nameNode == null || body == null) return undefined;
  const heritage = node.namedChildren.find((c) => c?.type === 'class_heritage');
  const extendsClause = heritage?.namedChildren.find((c) => c?.type === 'extends_clause') ?? heritage;
  const baseNode = extendsClause?.namedChildren.find((c) => c?.type === 'identifier');
  const fact: InheritClassFact = {
    name: sliceNode(text, nameNode),
    ...(baseNode == null ? {} : { base: sliceNode(text, baseNode) }),
    file: context.file,
    line: node.startPosition.row + 1,
    transports: [],
    ownPaths: [],
    senders: [],
    methods: [],
  };
  for (const member of body.namedChildren) {
    if (member?.type === 'public_field_definition') {
      const field = member.childForFieldName('name');
      const type = member.childForFieldName('type')?.namedChildren[0];
      if (field != null && type?.type === 'type_identifier') {
        fact.typedFields ??= [];
        fact.typedFields.push([sliceNode(text, field), sliceNode(text, type)]);
      }
      // Angular's `http: HttpClient` or `http = inject(HttpClient)`: the library's own client.
      const value = member.childForFieldName('value');
      const angular =
        text.includes(ANGULAR_HTTP) &&
        ((type != null && sliceNode(text, type) === 'HttpClient') ||
          (value != null && sliceNode(text, value) === 'inject(HttpClient)'));
      if (field != null && angular) {
        fact.typedFields ??= [];
        fact.typedFields.push([sliceNode(text, field), ANGULAR_CLIENT]);
      }
    }
    if (member?.type !== 'method_definition') continue;
    const methodName = member.childForFieldName('name');
    const params = member.childForFieldName('parameters');
    const block = member.childForFieldName('body');
    if (methodName == null || block == null) continue;
    const name = sliceNode(text, methodName);
    fact.methods.push(name);
    const paramNames = readParamNames(context, params);
    if (name === 'constructor') readConstructor(context, block, paramNames, fact);
    else {
      fact.senders.push(...readSenders(context, name, block, paramNames));
    }
  }
  const values = readClassValues(context, body);
  if (values.builders.length > 0) fact.builders = values.builders;
  // A subclass's fields (`this.resource = 'plants'`) are what its base's builders read.
  if (values.fields.length > 0 && (fact.base !== undefined || fact.builders !== undefined))
    fact.fields = values.fields;
  // A class between a subclass and its base keeps the chain whole, whatever it declares.
  const useful =
    fact.base !== undefined ||
    fact.fields !== undefined ||
    fact.builders !== undefined ||
    fact.typedFields !== undefined ||
    fact.transports.length > 0 ||
    fact.senders.length > 0 ||
    fact.pathParam !== undefined ||
    fact.superPaths !== undefined ||
    fact.ownPaths.length > 0;
  return useful ? fact : undefined;
}

function readParamNames(context: ScanContext, params: Node | null): string[] {
  const names: string[] = [];
  for (const param of params?.namedChildren ?? []) {
    if (param == null) continue;
    const pattern = param.childForFieldName('pattern') ?? param.namedChildren[0] ?? param;
    names.push(pattern.type === 'identifier' ? sliceNode(context.text, pattern) : '');
  }
  return names;
}

// The constructor's transports (`this.http = factory()`), the parameter it copies into a field,
// the paths it hands to `super(...)`, and the paths it sets itself.
function readConstructor(context: ScanContext, block: Node, params: string[], fact: InheritClassFact): void {
  const { text } = context;
  for (const statement of block.namedChildren) {
    const expression = statement?.type === 'expression_statement' ? statement.namedChildren[0] : undefined;
    if (expression == null) continue;
    if (expression.type === 'assignment_expression') {
      const field = readThisField(context, expression.childForFieldName('left'));
      const right = expression.childForFieldName('right');
      if (field === undefined || right == null) continue;
      const callee = right.type === 'call_expression' ? right.childForFieldName('function') : undefined;
      if (callee?.type === 'identifier') fact.transports.push([field, sliceNode(text, callee)]);
      else if (right.type === 'identifier' && params.includes(sliceNode(text, right)))
        fact.pathParam = [params.indexOf(sliceNode(text, right)), field];
      else if (right.type === 'object') {
        const entries = readPathEntries(context, right);
        if (entries.length > 0) fact.ownPaths.push([field, entries]);
      }
      continue;
    }
    if (expression.type !== 'call_expression') continue;
    const callee = expression.childForFieldName('function');
    const args = expression.childForFieldName('arguments')?.namedChildren ?? [];
    if (callee?.type === 'super') {
      for (const [index, arg] of args.entries()) {
        if (arg?.type !== 'object') continue;
        const entries = readPathEntries(context, arg);
        if (entries.length > 0) fact.superPaths = [index, entries];
      }
    } else if (callee != null && sliceNode(text, callee) === 'Object.assign') {
      // `Object.assign(this.paths, paths)`: the subclass's entries go into the field.
      const field = readThisField(context, args[0] ?? null);
      const source = args[1];
      if (field !== undefined && source?.type === 'identifier' && params.includes(sliceNode(text, source)))
        fact.pathParam = [params.indexOf(sliceNode(text, source)), field];
    }
  }
}

// `{ create: '/things', get: '/things/{id}' }`: the entries whose value reads as a path.
function readPathEntries(context: ScanContext, object: Node): Array<[string, UrlSegment[]]> {
  const entries: Array<[string, UrlSegment[]]> = [];
  for (const pair of object.namedChildren) {
    if (pair?.type !== 'pair') continue;
    const key = pair.childForFieldName('key');
    const value = pair.childForFieldName('value');
    if (key == null || value == null) continue;
    const keyText =
      key.type === 'property_identifier'
        ? sliceNode(context.text, key)
        : readConstantString(key, context.text);
    if (keyText === undefined) continue;
    const segments = readUrlValue(value, context.language, context.text, context.root);
    const [first] = segments;
    if (first?.kind === 'literal' && first.text.startsWith('/')) entries.push([keyText, segments]);
  }
  return entries;
}

/** `this.<field>` → the field's name. */
export function readThisField(context: ScanContext, node: Node | null | undefined): string | undefined {
  if (node?.type !== 'member_expression' || node.childForFieldName('object')?.type !== 'this')
    return undefined;
  const property = node.childForFieldName('property');
  return property == null ? undefined : sliceNode(context.text, property);
}

/** `this.<field>.<key>` → `[field, key]`. */
export function readFieldEntry(
  context: ScanContext,
  node: Node | null | undefined,
): [string, string] | undefined {
  if (node?.type !== 'member_expression') return undefined;
  const field = readThisField(context, node.childForFieldName('object'));
  const key = node.childForFieldName('property');
  return field === undefined || key == null ? undefined : [field, sliceNode(context.text, key)];
}

// A method's candidate requests: `this.<transport>.<verb>(url)` or `this.<via>(url)`, the URL a
// parameter or a field entry, directly, through a local, or through a helper of `this` handed it
// first (`this.fill(url, model)`, which fills placeholders). Which of them send is known only in the
// view (a `via` that is no sender is a helper), so every candidate is kept.
function readSenders(context: ScanContext, name: string, block: Node, params: string[]): SenderFact[] {
  const { text } = context;
  const found: SenderFact[] = [];
  for (const call of block.descendantsOfType('call_expression')) {
    if (call == null) continue;
    const callee = call.childForFieldName('function');
    if (callee?.type !== 'member_expression') continue;
    const object = callee.childForFieldName('object');
    const property = sliceNode(text, callee.childForFieldName('property') ?? callee);
    const args = call.childForFieldName('arguments')?.namedChildren ?? [];
    const transport = readThisField(context, object);
    let sender: SenderFact | undefined;
    if (transport !== undefined && TRANSPORT_VERBS.has(property)) {
      const url = readSenderUrl(context, block, args[0] ?? undefined, params, 0);
      if (url !== undefined)
        sender = {
          name,
          line: call.startPosition.row + 1,
          url,
          transport,
          verb: TRANSPORT_VERBS.get(property),
        };
    } else if (object?.type === 'this') {
      for (const [index, arg] of args.entries()) {
        const url = readSenderUrl(context, block, arg ?? undefined, params, 0);
        if (url === undefined) continue;
        sender = { name, line: call.startPosition.row + 1, url, via: property, viaIndex: index };
        break;
      }
    }
    if (sender !== undefined) found.push(sender);
  }
  return found;
}

function readSenderUrl(
  context: ScanContext,
  block: Node,
  arg: Node | undefined,
  params: string[],
  depth: number,
): SenderUrl | undefined {
  if (arg === undefined || depth > 3) return undefined;
  const { text } = context;
  if (arg.type === 'identifier') {
    const name = sliceNode(text, arg);
    const index = params.indexOf(name);
    if (index >= 0) return { param: index };
    return readSenderUrl(context, block, readLocalValue(context, block, name), params, depth + 1);
  }
  const entry = readFieldEntry(context, arg);
  if (entry !== undefined) return { field: entry };
  // `this.fill(url, model)`: a helper of the object handed the URL first.
  if (arg.type === 'call_expression') {
    const callee = arg.childForFieldName('function');
    const first = arg.childForFieldName('arguments')?.namedChildren[0] ?? undefined;
    // Two arguments at least: a filler takes the template and its values (`itemRoute(id)` is a route).
    const count = arg.childForFieldName('arguments')?.namedChildren.length ?? 0;
    if (
      callee?.type === 'member_expression' &&
      callee.childForFieldName('object')?.type === 'this' &&
      count >= 2
    )
      return readSenderUrl(context, block, first, params, depth + 1);
    // `this.paths.item.replace('{id}', id)`: the entry with a placeholder filled.
    const object = callee?.type === 'member_expression' ? callee.childForFieldName('object') : null;
    if (object != null && sliceNode(text, callee?.childForFieldName('property') ?? object) === 'replace')
      return readSenderUrl(context, block, object, params, depth + 1);
  }
  return undefined;
}
