/**
 * Route descriptors (JavaScript/TypeScript): a module-level object that states one endpoint, its
 * `method` a verb written as text and its path a string or a function returning one (`export const
 * getShelf = { method: 'get', path: (p) => \`shelves/${p.id}\` }`; also `url`, `endpoint`, `uri`),
 * or a table of such objects (`export const routes = { getShelf: { ... } }`). Each is shared with
 * the project by name, as constants other modules read (through `export *` barrels too, as shared
 * values are by name): `getShelf.method` is the verb, `getShelf.path` the string and
 * `getShelf.path()` what the function returns. A sender handed `{ path: getShelf.path(args),
 * method: getShelf.method }` reads its URL and method from them; a descriptor never handed to a
 * sender is only a constant and reports nothing.
 */

import type { Node } from 'web-tree-sitter';
import { readConstantString, sliceNode, unwrapExpression } from '../syntax';
import type { ScanLanguage, UrlSegment } from '../types';
import { isJsLanguage } from './code-shape';
import type { SharedValues } from './types';

const VERB = /^(?:get|post|put|patch|delete|head|options)$/i;
const PATH_KEYS = ['path', 'url', 'endpoint', 'uri'];
// A table with more entries than this is data, not an API's operations.
const MAX_ENTRIES = 500;
// The suffix a descriptor's path function is shared under, told apart from a path string.
const CALLED = '()';
const THIS_FIELD = /^this\.(#?[A-Za-z_$][\w$]*)$/;

/** The descriptors among a module's top-level constants, as shared constants (`getShelf.method`, ...). */
export function collectRouteDescriptors(
  assignments: ReadonlyArray<readonly [string, Node]>,
  read: (node: Node) => UrlSegment[],
  text: string,
): Array<[string, UrlSegment[]]> {
  const out: Array<[string, UrlSegment[]]> = [];
  for (const [name, value] of assignments) {
    const object = unwrapValue(value);
    if (object.type !== 'object') continue;
    const own = readDescriptor(object, read, text);
    if (own !== undefined) {
      for (const [key, segments] of own) out.push([`${name}.${key}`, segments]);
      continue;
    }
    // A table of descriptors, each under its own key.
    let entries = 0;
    for (const property of object.namedChildren) {
      if (property?.type !== 'pair' || ++entries > MAX_ENTRIES) continue;
      const key = readKey(property, text);
      const inner = property.childForFieldName('value');
      const entry = inner === null ? undefined : unwrapValue(inner);
      const found =
        key === undefined || entry?.type !== 'object' ? undefined : readDescriptor(entry, read, text);
      for (const [part, segments] of found ?? []) out.push([`${name}.${key}.${part}`, segments]);
    }
  }
  return out;
}

/**
 * `getShelf.path(args)`, `getShelf.path`, `routes.getShelf.url(args)`, `getShelf.method`: the
 * shared descriptor's value, or undefined when the expression names none.
 */
export function readRouteDescriptorUse(
  node: Node,
  language: ScanLanguage,
  text: string,
  shared: SharedValues | undefined,
): UrlSegment[] | undefined {
  if (shared === undefined || !isJsLanguage(language)) return undefined;
  if (node.type === 'call_expression') {
    const callee = node.childForFieldName('function');
    if (callee?.type !== 'member_expression') return undefined;
    const name = memberName(callee, text);
    const found = name === undefined ? undefined : shared.constants.get(`${name}${CALLED}`);
    return found == null ? undefined : [...found];
  }
  if (node.type !== 'member_expression') return undefined;
  const name = memberName(node, text);
  if (name === undefined || !name.includes('.')) return undefined;
  const last = name.slice(name.lastIndexOf('.') + 1);
  if (last !== 'method' && !PATH_KEYS.includes(last)) return undefined;
  const found = shared.constants.get(name);
  return found == null ? undefined : [...found];
}

// `{ method: 'get', path: ... }`: the verb and the path (a string, or a function's returned text).
function readDescriptor(
  object: Node,
  read: (node: Node) => UrlSegment[],
  text: string,
): Array<[string, UrlSegment[]]> | undefined {
  let method: string | undefined;
  const paths: Array<[string, UrlSegment[]]> = [];
  for (const property of object.namedChildren) {
    const key = property?.type === 'pair' ? readKey(property, text) : undefined;
    const value = property?.childForFieldName('value');
    if (key === undefined || value == null) {
      // A method written as a method (`path(p) { return ... }`).
      if (property?.type === 'method_definition') {
        const name = sliceNode(text, property.childForFieldName('name') ?? property);
        const returned = PATH_KEYS.includes(name) ? readReturned(property) : undefined;
        const segments = returned === undefined ? undefined : read(returned);
        if (segments !== undefined && isPath(segments)) paths.push([`${name}${CALLED}`, segments]);
      }
      continue;
    }
    if (key === 'method') {
      const verb = readConstantString(unwrapExpression(value), text);
      if (verb === undefined || !VERB.test(verb)) return undefined;
      method = verb;
      continue;
    }
    if (!PATH_KEYS.includes(key)) continue;
    const inner = unwrapExpression(value);
    const fn =
      inner.type === 'arrow_function' || inner.type === 'function_expression' || inner.type === 'function';
    const returned = fn ? readReturned(inner) : inner;
    const segments = returned === undefined ? undefined : read(returned);
    if (segments !== undefined && isPath(segments)) paths.push([fn ? `${key}${CALLED}` : key, segments]);
  }
  if (method === undefined || paths.length === 0) return undefined;
  return [['method', [{ kind: 'literal', text: method }]], ...paths];
}

// A URL path: some text, and no file-system look (`./`, `../`, a file name's extension at the end).
function isPath(segments: readonly UrlSegment[]): boolean {
  const written = segments.map((s) => (s.kind === 'literal' ? s.text : '{}')).join('');
  if (!segments.some((s) => s.kind === 'literal' && /[A-Za-z]/.test(s.text))) return false;
  return !/^\.{1,2}\//.test(written) && !/\.(?:tsx?|jsx?|vue|svelte|html?|css|md|json)$/.test(written);
}

// The expression an arrow function or method returns: its body, or its one `return` statement.
function readReturned(fn: Node): Node | undefined {
  const body = fn.childForFieldName('body');
  if (body === null) return undefined;
  if (body.type !== 'statement_block') return body;
  const statements = body.namedChildren.filter((c) => c !== null && c.type !== 'comment');
  const [only] = statements;
  if (statements.length !== 1 || only?.type !== 'return_statement') return undefined;
  return only.namedChildren.find((c) => c !== null && c.type !== 'comment') ?? undefined;
}

// `as const`, `satisfies Endpoint`, parentheses.
function unwrapValue(value: Node): Node {
  let inner = unwrapExpression(value);
  while (inner.type === 'as_expression' || inner.type === 'satisfies_expression') {
    const first = inner.firstNamedChild;
    if (first === null) break;
    inner = unwrapExpression(first);
  }
  return inner;
}

function readKey(pair: Node, text: string): string | undefined {
  const key = pair.childForFieldName('key');
  if (key === null) return undefined;
  if (key.type === 'property_identifier') return sliceNode(text, key);
  return key.type === 'string' ? readConstantString(key, text) : undefined;
}

// `a.b.c` written with names only (optional chaining allowed), as the dotted name.
function memberName(node: Node, text: string): string | undefined {
  const written = sliceNode(text, node).replace(/\?\./g, '.').replace(/\s+/g, '');
  return /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/.test(written) ? written : undefined;
}

// Per tree, per class: each field's one template value, or null when set otherwise or more than once.
const keptBases = new WeakMap<object, Map<number, Map<string, Node | null>>>();

/**
 * `this.#prefixUrl` where the class sets the field once, in its constructor or declaration, to a
 * template that writes a path after a configured base (`${options?.baseUrl ?? DEFAULT}/v1/`): that
 * template, so a sender's URL keeps the path its client puts before every request's.
 */
export function readKeptBaseTemplate(
  source: string,
  use: Node,
  language: ScanLanguage,
  text: string,
): Node | undefined {
  const field = isJsLanguage(language) ? THIS_FIELD.exec(source)?.[1] : undefined;
  if (field === undefined) return undefined;
  let cls: Node | null = use.parent;
  while (cls !== null && cls.type !== 'class_body') cls = cls.parent;
  if (cls === null) return undefined;
  let byClass = keptBases.get(use.tree);
  if (byClass === undefined) {
    byClass = new Map();
    keptBases.set(use.tree, byClass);
  }
  let fields = byClass.get(cls.id);
  if (fields === undefined) {
    fields = readTemplateFields(cls, text);
    byClass.set(cls.id, fields);
  }
  return fields.get(field) ?? undefined;
}

function readTemplateFields(cls: Node, text: string): Map<string, Node | null> {
  const fields = new Map<string, Node | null>();
  const record = (name: string, value: Node | null): void => {
    const inner = value === null ? undefined : unwrapExpression(value);
    const kept =
      (inner?.type === 'template_string' &&
        inner.firstNamedChild?.type === 'template_substitution' &&
        inner.namedChildren.some((c) => c?.type === 'string_fragment' && sliceNode(text, c).includes('/'))) ||
      // `baseRoute = routes.eventNotifier`: a path from the module's route table.
      (inner?.type === 'member_expression' && inner.childForFieldName('object')?.type === 'identifier')
        ? (inner ?? null)
        : null;
    fields.set(name, fields.has(name) ? null : kept);
  };
  for (const node of cls.descendantsOfType([
    'assignment_expression',
    'augmented_assignment_expression',
    'public_field_definition',
  ])) {
    if (node == null) continue;
    if (node.type === 'public_field_definition') {
      const name = node.childForFieldName('name');
      const value = node.childForFieldName('value');
      // A declaration without a value (`prefix: string`) sets nothing.
      if (name !== null && value !== null && node.parent?.id === cls.id) record(sliceNode(text, name), value);
      continue;
    }
    const left = node.childForFieldName('left');
    if (left?.type !== 'member_expression' || left.childForFieldName('object')?.type !== 'this') continue;
    const name = left.childForFieldName('property');
    if (name !== null)
      record(
        sliceNode(text, name),
        node.type === 'assignment_expression' ? node.childForFieldName('right') : null,
      );
  }
  return fields;
}
