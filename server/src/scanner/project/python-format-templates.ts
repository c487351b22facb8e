/**
 * Python URL helper methods that fill a template from a copy of the instance's options:
 *
 *     def _url(self, path, base=BASE_TEMPLATE):         # BASE_TEMPLATE = "{host}/api/{version}/{path}"
 *         options = self._settings.copy()
 *         options.update({"path": path})
 *         return base.format(**options)
 *
 * with `self._settings = copy.deepcopy(Client.DEFAULTS)` (a dictionary of the class, or of the
 * module) set in the class. A call `self._url("items/" + id)` reads as the template with each
 * placeholder filled: from the keys the helper sets (the caller's argument for a parameter), else
 * from the defaults' text. A default that is an absolute URL (the server the user configures) stays
 * an unknown part, as does a placeholder nobody fills. The template is the caller's argument for
 * the template parameter, else its default, read as a class attribute (`self.AGILE_TEMPLATE`, a
 * bare name in a default, evaluated in the class body) whose value may be another module's class
 * attribute (`Resource.TEMPLATE`, shared by the project as `Class.attr`).
 */

import type { Node } from 'web-tree-sitter';
import {
  readPythonArguments,
  readPythonParamName,
  readPythonString,
  readReturningBody,
} from '../python-syntax';
import { sliceNode } from '../syntax';
import type { UrlSegment } from '../types';
import type { SharedValues } from './types';

// A helper of more statements than this is not a template filler.
const MAX_STATEMENTS = 6;
// How many names a template or a default is followed through (class attribute to class attribute).
const MAX_HOPS = 4;
const COPIES = /^(?:copy\.(?:deep)?copy|dict)$/;
const ABSOLUTE = /^[a-z][a-z0-9+.-]*:\/\//i;

/** Reads a URL node in the caller's file, one level deeper. */
type ResolveUrl = (node: Node) => UrlSegment[];

/**
 * The URL `call` (a call of `helper`, a method of the same class) builds, or undefined when the
 * helper is not a template filler of that shape.
 */
export function readFormatTemplate(
  helper: Node,
  call: Node,
  text: string,
  resolve: ResolveUrl,
  shared: SharedValues | undefined,
): UrlSegment[] | undefined {
  const body = helper.childForFieldName('body');
  const statements = body === null ? undefined : readReturningBody(body, MAX_STATEMENTS);
  const last = statements?.at(-1);
  if (statements === undefined || last === undefined) return undefined;
  const formatted = readFormatCall(last.firstNamedChild, text);
  if (formatted === undefined) return undefined;
  const { template: templateName, mapping } = formatted;
  let field: string | undefined;
  const overrides = new Map<string, Node>();
  for (const statement of statements.slice(0, -1)) {
    const inner = statement.type === 'expression_statement' ? statement.firstNamedChild : null;
    if (inner?.type === 'assignment' && isName(inner.childForFieldName('left'), mapping, text)) {
      field = readCopiedField(inner.childForFieldName('right'), text);
      if (field === undefined) return undefined;
    } else if (inner?.type === 'call' && readUpdate(inner, mapping, text, overrides)) {
      // `options.update({...})`: its keys are set.
    } else return undefined;
  }
  if (field === undefined) return undefined;
  const cls = enclosingClass(helper);
  if (cls === undefined) return undefined;
  const params = readParams(helper, text);
  const { positional, keywords } = readPythonArguments(call);
  const argumentOf = (name: string): Node | undefined => {
    const index = params.findIndex((p) => p.name === name);
    return index < 0 ? undefined : (positional[index] ?? keywords.get(name));
  };
  const templateParam = params.find((p) => p.name === templateName);
  const templateNode =
    templateParam === undefined ? undefined : (argumentOf(templateName) ?? templateParam.fallback);
  const template =
    templateNode === undefined ? undefined : readClassString(templateNode, cls, text, shared, MAX_HOPS);
  if (template === undefined || !template.includes('{')) return undefined;
  const defaults = readFieldDefaults(cls, field, text, shared);
  return fillTemplate(template, (key) => {
    const override = overrides.get(key);
    if (override === undefined) return readDefault(defaults, field, key);
    const param = override.type === 'identifier' ? sliceNode(text, override) : undefined;
    const given = param === undefined ? undefined : argumentOf(param);
    if (given !== undefined) return resolve(given);
    const value = readPythonString(override, text);
    return [value === undefined ? { kind: 'expr', source: key } : { kind: 'literal', text: value }];
  });
}

/**
 * `"{server}{login_path}".format(**self._options)` in a method of a class whose options field has
 * dictionary defaults: the template filled from them, the configured server left unknown.
 */
export function readFieldFormat(
  node: Node,
  text: string,
  shared: SharedValues | undefined,
): UrlSegment[] | undefined {
  const callee = node.type === 'call' ? node.childForFieldName('function') : null;
  const object = callee?.type === 'attribute' ? callee.childForFieldName('object') : null;
  if (
    object?.type !== 'string' ||
    sliceNode(text, callee?.childForFieldName('attribute') ?? object) !== 'format'
  )
    return undefined;
  const args = (node.childForFieldName('arguments')?.namedChildren ?? []).filter(
    (a) => a?.type !== 'comment',
  );
  const splat = args.length === 1 ? args[0] : undefined;
  const mapping = splat?.type === 'dictionary_splat' ? splat.firstNamedChild : undefined;
  const field = mapping == null ? undefined : readSelfField(mapping, text);
  const template = readPythonString(object, text);
  const cls = enclosingClass(node);
  if (field === undefined || template === undefined || cls === undefined) return undefined;
  const defaults = readFieldDefaults(cls, field, text, shared);
  if (defaults.size === 0) return undefined;
  return fillTemplate(template, (key) => readDefault(defaults, field, key));
}

// A default of the options field as text; the configured server (an absolute URL) and a key
// without a text default stay unknown.
function readDefault(defaults: ReadonlyMap<string, string>, field: string, key: string): UrlSegment[] {
  const value = defaults.get(key);
  return [
    value === undefined || ABSOLUTE.test(value)
      ? { kind: 'expr', source: `self.${field}["${key}"]` }
      : { kind: 'literal', text: value },
  ];
}

// `{name}` placeholders replaced by what `fill` gives for each name.
function fillTemplate(template: string, fill: (key: string) => UrlSegment[]): UrlSegment[] {
  const out: UrlSegment[] = [];
  let at = 0;
  for (const match of template.matchAll(/\{(\w+)\}/g)) {
    if (match.index > at) out.push({ kind: 'literal', text: template.slice(at, match.index) });
    at = match.index + match[0].length;
    out.push(...fill(match[1] ?? ''));
  }
  if (at < template.length) out.push({ kind: 'literal', text: template.slice(at) });
  return out;
}

// `base.format(**options)`: the template's name and the mapping's.
function readFormatCall(node: Node | null, text: string): { template: string; mapping: string } | undefined {
  const callee = node?.type === 'call' ? node.childForFieldName('function') : undefined;
  const object = callee?.type === 'attribute' ? callee.childForFieldName('object') : undefined;
  if (
    object?.type !== 'identifier' ||
    sliceNode(text, callee?.childForFieldName('attribute') ?? object) !== 'format'
  )
    return undefined;
  const args = (node?.childForFieldName('arguments')?.namedChildren ?? []).filter(
    (a) => a?.type !== 'comment',
  );
  const splat = args.length === 1 ? args[0] : undefined;
  const mapping = splat?.type === 'dictionary_splat' ? splat.firstNamedChild : undefined;
  if (mapping?.type !== 'identifier') return undefined;
  return { template: sliceNode(text, object), mapping: sliceNode(text, mapping) };
}

function isName(node: Node | null, name: string, text: string): boolean {
  return node?.type === 'identifier' && sliceNode(text, node) === name;
}

// `self._options.copy()`, `dict(self._options)`, `copy.copy(self._options)`, `{**self._options}`.
function readCopiedField(node: Node | null, text: string): string | undefined {
  let source: Node | null | undefined;
  if (node?.type === 'call') {
    const callee = node.childForFieldName('function');
    const args = node.childForFieldName('arguments')?.namedChildren ?? [];
    if (
      callee?.type === 'attribute' &&
      sliceNode(text, callee.childForFieldName('attribute') ?? callee) === 'copy'
    )
      source = args.length === 0 ? callee.childForFieldName('object') : undefined;
    else if (callee != null && COPIES.test(sliceNode(text, callee)) && args.length === 1) source = args[0];
  } else if (node?.type === 'dictionary' && node.namedChildCount === 1) {
    const splat = node.firstNamedChild;
    source = splat?.type === 'dictionary_splat' ? splat.firstNamedChild : undefined;
  }
  return source == null ? undefined : readSelfField(source, text);
}

function readSelfField(node: Node, text: string): string | undefined {
  const object = node.type === 'attribute' ? node.childForFieldName('object') : null;
  const attribute = node.childForFieldName('attribute');
  return object?.type === 'identifier' && sliceNode(text, object) === 'self' && attribute != null
    ? sliceNode(text, attribute)
    : undefined;
}

// `options.update({"path": path, "version": "latest"})`: the keys it sets, by their value node.
function readUpdate(call: Node, mapping: string, text: string, overrides: Map<string, Node>): boolean {
  const callee = call.childForFieldName('function');
  if (callee?.type !== 'attribute' || !isName(callee.childForFieldName('object'), mapping, text))
    return false;
  if (sliceNode(text, callee.childForFieldName('attribute') ?? callee) !== 'update') return false;
  const args = call.childForFieldName('arguments')?.namedChildren ?? [];
  const dict = args.length === 1 ? args[0] : undefined;
  if (dict?.type !== 'dictionary') return false;
  for (const pair of dict.namedChildren) {
    const key =
      pair?.type === 'pair' ? readPythonString(pair.childForFieldName('key') ?? undefined, text) : undefined;
    const value = pair?.childForFieldName('value');
    if (key === undefined || value == null) return false;
    overrides.set(key, value);
  }
  return true;
}

function enclosingClass(node: Node): Node | undefined {
  for (let current = node.parent; current !== null; current = current.parent)
    if (current.type === 'class_definition') return current;
  return undefined;
}

// The helper's parameters after `self`, with their default expressions.
function readParams(fn: Node, text: string): Array<{ name: string; fallback?: Node }> {
  const out: Array<{ name: string; fallback?: Node }> = [];
  for (const param of fn.childForFieldName('parameters')?.namedChildren ?? []) {
    if (param === null) continue;
    const nameNode = readPythonParamName(param);
    if (nameNode?.type !== 'identifier') return out;
    const fallback = param.childForFieldName('value') ?? undefined;
    out.push({ name: sliceNode(text, nameNode), ...(fallback === undefined ? {} : { fallback }) });
  }
  return out[0]?.name === 'self' ? out.slice(1) : out;
}

// A string written, a class attribute (`self.T`, `T` in a default, `Owner.T` of this class), a
// parameter's default of the function around it, or another module's class attribute.
function readClassString(
  node: Node,
  cls: Node,
  text: string,
  shared: SharedValues | undefined,
  hops: number,
): string | undefined {
  if (hops <= 0) return undefined;
  if (node.type === 'string' || node.type === 'concatenated_string') return readPythonString(node, text);
  const className = sliceNode(text, cls.childForFieldName('name') ?? cls);
  let name: string | undefined;
  if (node.type === 'identifier') {
    name = sliceNode(text, node);
    const fallback = readParameterDefault(node, name, text);
    if (fallback !== undefined) return readClassString(fallback, cls, text, shared, hops - 1);
  } else if (node.type === 'attribute') {
    const object = node.childForFieldName('object');
    const attribute = node.childForFieldName('attribute');
    if (object?.type !== 'identifier' || attribute == null) return undefined;
    const owner = sliceNode(text, object);
    name = sliceNode(text, attribute);
    if (owner !== 'self' && owner !== 'cls' && owner !== className) {
      const value = shared?.constants.get(`${owner}.${name}`);
      return value?.length === 1 && value[0]?.kind === 'literal' ? value[0].text : undefined;
    }
  }
  const value = name === undefined ? undefined : readClassAttribute(cls, name, text);
  return value === undefined ? undefined : readClassString(value, cls, text, shared, hops - 1);
}

// `base` inside `def f(self, path, base=TEMPLATE)`: the default, when the caller hands its own on.
function readParameterDefault(node: Node, name: string, text: string): Node | undefined {
  let fn: Node | null = node.parent;
  while (fn !== null && fn.type !== 'function_definition' && fn.type !== 'class_definition') fn = fn.parent;
  if (fn?.type !== 'function_definition') return undefined;
  const params = fn.childForFieldName('parameters');
  if (params !== null && node.startIndex >= params.startIndex && node.endIndex <= params.endIndex)
    return undefined;
  return readParams(fn, text).find((p) => p.name === name)?.fallback;
}

// `NAME = value` in the class body.
function readClassAttribute(cls: Node, name: string, text: string): Node | undefined {
  for (const statement of cls.childForFieldName('body')?.namedChildren ?? []) {
    const assignment = statement?.type === 'expression_statement' ? statement.firstNamedChild : null;
    const left = assignment?.type === 'assignment' ? assignment.childForFieldName('left') : null;
    if (left?.type === 'identifier' && sliceNode(text, left) === name)
      return assignment?.childForFieldName('right') ?? undefined;
  }
  return undefined;
}

// The text defaults of the options field: `self.F = copy.deepcopy(Owner.DEFAULTS)` (or a copy of a
// class attribute, or a dictionary written there), set once in the class.
function readFieldDefaults(
  cls: Node,
  field: string,
  text: string,
  shared: SharedValues | undefined,
): Map<string, string> {
  // Once per class and field of a tree and view: every call of a helper asks for the same defaults.
  let cached = fieldDefaults.get(cls.tree);
  if (cached === undefined || cached.shared !== shared) {
    cached = { shared, byField: new Map() };
    fieldDefaults.set(cls.tree, cached);
  }
  const key = `${cls.id}:${field}`;
  let out = cached.byField.get(key);
  if (out === undefined) {
    out = readFieldDefaultsOnce(cls, field, text, shared);
    cached.byField.set(key, out);
  }
  return out;
}

const fieldDefaults = new WeakMap<
  object,
  { shared: SharedValues | undefined; byField: Map<string, Map<string, string>> }
>();

function readFieldDefaultsOnce(
  cls: Node,
  field: string,
  text: string,
  shared: SharedValues | undefined,
): Map<string, string> {
  const out = new Map<string, string>();
  const values: Node[] = [];
  for (const assignment of cls.descendantsOfType('assignment')) {
    const left = assignment?.childForFieldName('left');
    const right = assignment?.childForFieldName('right');
    if (left == null || right == null || readSelfField(left, text) !== field) continue;
    values.push(right);
  }
  if (values.length !== 1) return out;
  let value: Node | null | undefined = values[0];
  if (value?.type === 'call') {
    const args = value.childForFieldName('arguments')?.namedChildren ?? [];
    const callee = value.childForFieldName('function');
    value = callee != null && COPIES.test(sliceNode(text, callee)) && args.length === 1 ? args[0] : undefined;
  }
  if (value?.type === 'identifier') value = readClassAttribute(cls, sliceNode(text, value), text);
  else if (value?.type === 'attribute')
    value = readClassAttribute(cls, sliceNode(text, value.childForFieldName('attribute') ?? value), text);
  if (value?.type !== 'dictionary') return out;
  for (const pair of value.namedChildren) {
    if (pair?.type !== 'pair') continue;
    const key = readPythonString(pair.childForFieldName('key') ?? undefined, text);
    const item = pair.childForFieldName('value');
    if (key === undefined || item == null) continue;
    const read = readClassString(item, cls, text, shared, MAX_HOPS);
    if (read !== undefined) out.set(key, read);
  }
  return out;
}

/**
 * The string attributes of a module's top-level classes (`TEMPLATE = "{host}/api/{path}"` in class
 * `Resource`), as `Resource.TEMPLATE`: other modules' templates and defaults name them so.
 */
export function readClassConstants(root: Node, text: string): Array<[string, UrlSegment[]]> {
  const out: Array<[string, UrlSegment[]]> = [];
  for (const statement of root.namedChildren) {
    const cls = statement?.type === 'decorated_definition' ? statement.lastNamedChild : statement;
    const name = cls?.type === 'class_definition' ? cls.childForFieldName('name') : null;
    if (cls == null || name == null) continue;
    for (const item of cls.childForFieldName('body')?.namedChildren ?? []) {
      const assignment = item?.type === 'expression_statement' ? item.firstNamedChild : null;
      const left = assignment?.type === 'assignment' ? assignment.childForFieldName('left') : null;
      const right = assignment?.childForFieldName('right');
      if (left?.type !== 'identifier' || right?.type !== 'string') continue;
      const value = readPythonString(right, text);
      if (value !== undefined && value !== '')
        out.push([`${sliceNode(text, name)}.${sliceNode(text, left)}`, [{ kind: 'literal', text: value }]]);
    }
  }
  return out;
}
