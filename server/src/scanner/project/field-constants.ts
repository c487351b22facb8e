/**
 * A path kept on the instance: `this.path = '/v1/keys'` in a constructor (or a field `path =
 * '/v1/keys'`, Python's `self.path = "/v1/keys"`), then `` `${this.path}/${id}` `` in a method. A
 * field of the class around the use that the class sets exactly once, to a string constant, reads
 * as that string; a field set twice, or to anything else, is not read.
 *
 * Go has no classes: a field of a method's receiver (`api.endpoint` in `func (api *Client) ...`)
 * reads as the constant the file's struct literals of that type give it (`&Client{endpoint:
 * APIURL}` in the constructor), when every such literal and assignment gives the same constant
 * and it is a URL or a path (`ID: "5c41..."` in a test's struct literal is data, not a default);
 * an assignment of a parameter of the function around it (`c.endpoint = u` in an option
 * function), or any assignment in a functional option's closure (`func(c *Client) { c.prefix =
 * "/v2" }`), is the caller's override of that default, not another value. A field of a struct the
 * receiver holds reads the same way (`c.Config.prefix`, set as `c.Config.prefix = ...` on a local
 * declared with the struct's literal), and so does a path the constructor builds with the
 * project's own join function from text alone (`c.Config.prefix = joinPath("manage", "tenants")`).
 */

import type { Node } from 'web-tree-sitter';
import { nodesOfType } from '../nodes-of-type';
import { readPythonString } from '../python-syntax';
import { readGoString } from '../recognizers/go-http';
import { readConstantString, sliceNode } from '../syntax';
import type { ScanLanguage } from '../types';
import { isJsLanguage } from './code-shape';
import { withoutBindings } from './path-functions';
import type { SharedValues } from './types';
import { readUrlValue } from './values';

const JS_FIELD = /^this\.([A-Za-z_$][\w$]*)$/;
const PYTHON_FIELD = /^self\.([A-Za-z_]\w*)$/;
const JS_CLASSES = new Set(['class_declaration', 'class', 'abstract_class_declaration']);
// `c.endpoint`, and a field of a struct the receiver holds (`c.Config.adminPrefix`).
const GO_FIELD = /^([A-Za-z_]\w*)((?:\.[A-Za-z_]\w*)+)$/;
const GO_FUNCTIONS = new Set(['function_declaration', 'method_declaration', 'func_literal']);

// Per tree, per class: each field's constant, or null when the field is not one. A class's fields
// are read in one pass, whatever number of them its URLs name.
const cache = new WeakMap<object, Map<number, Map<string, string | null>>>();

/** The constant a `this.field`/`self.field` expression holds at `use`, when the class sets it once. */
export function readFieldConstant(
  source: string,
  use: Node,
  language: ScanLanguage,
  text: string,
  shared?: SharedValues,
): string | undefined {
  if (language === 'go') return readGoFieldDefault(source, use, text, shared);
  const js = isJsLanguage(language);
  const field = (js ? JS_FIELD : language === 'python' ? PYTHON_FIELD : undefined)?.exec(source)?.[1];
  if (field === undefined) return undefined;
  let cls: Node | null = use.parent;
  while (cls !== null && !(js ? JS_CLASSES.has(cls.type) : cls.type === 'class_definition')) cls = cls.parent;
  if (cls === null) return undefined;
  let byClass = cache.get(use.tree);
  if (byClass === undefined) {
    byClass = new Map();
    cache.set(use.tree, byClass);
  }
  let fields = byClass.get(cls.id);
  if (fields === undefined) {
    fields = js ? readJsFields(cls, text) : readPythonFields(cls, text);
    byClass.set(cls.id, fields);
  }
  return fields.get(field) ?? undefined;
}

// A field set once to a string keeps it; set again, or to anything else, it becomes null.
function record(fields: Map<string, string | null>, name: string, value: string | undefined): void {
  fields.set(name, fields.has(name) || value === undefined ? null : value);
}

function readJsFields(cls: Node, text: string): Map<string, string | null> {
  const fields = new Map<string, string | null>();
  for (const node of cls.descendantsOfType(['assignment_expression', 'public_field_definition'])) {
    if (node === null) continue;
    if (node.type === 'public_field_definition') {
      const name = node.childForFieldName('name');
      const value = node.childForFieldName('value');
      // A declaration without a value (`path: string;`) sets nothing.
      if (name !== null && value !== null)
        record(fields, sliceNode(text, name), readConstantString(value, text));
      continue;
    }
    const name = JS_FIELD.exec(sliceNode(text, node.childForFieldName('left') ?? node))?.[1];
    const right = node.childForFieldName('right');
    if (name !== undefined)
      record(fields, name, right === null ? undefined : readConstantString(right, text));
  }
  return fields;
}

function readPythonFields(cls: Node, text: string): Map<string, string | null> {
  const fields = new Map<string, string | null>();
  for (const node of cls.descendantsOfType(['assignment', 'augmented_assignment'])) {
    const left = node?.childForFieldName('left');
    if (node == null || left == null) continue;
    const name = PYTHON_FIELD.exec(sliceNode(text, left))?.[1];
    const right = node.childForFieldName('right');
    if (name !== undefined)
      record(
        fields,
        name,
        node.type === 'assignment' && right !== null ? readPythonString(right, text) : undefined,
      );
  }
  return fields;
}

// Per tree: struct type -> field -> its default constant, or null when not one.
const goCache = new WeakMap<object, Map<string, Map<string, string | null>>>();

function readGoFieldDefault(
  source: string,
  use: Node,
  text: string,
  shared: SharedValues | undefined,
): string | undefined {
  const match = GO_FIELD.exec(source);
  if (match === null) return undefined;
  let method: Node | null = use;
  while (method !== null && !GO_FUNCTIONS.has(method.type)) method = method.parent;
  const receiver = method?.type === 'method_declaration' ? method.childForFieldName('receiver') : null;
  const declaration = receiver?.namedChildren.find((child) => child?.type === 'parameter_declaration');
  const name = declaration?.childForFieldName('name');
  const type = declaration?.childForFieldName('type');
  if (name == null || type == null || sliceNode(text, name) !== match[1]) return undefined;
  const typeName = sliceNode(text, type).replace(/^\*/, '');
  const field = (match[2] as string).slice(1);
  const local = readGoStructFieldsCached(use.tree.rootNode, text).get(typeName)?.get(field);
  if (local !== undefined) return local ?? undefined;
  const value = shared?.constants.get(`${typeName}.${field}`);
  return value?.length === 1 && value[0]?.kind === 'literal' ? value[0].text : undefined;
}

/** The constant defaults a Go file gives struct fields, as `Type.field` and the constant. */
export function readGoFieldDefaults(root: Node, text: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [typeName, fields] of readGoStructFieldsCached(root, text))
    for (const [field, value] of fields) if (value !== null) out.push([`${typeName}.${field}`, value]);
  return out;
}

function readGoStructFieldsCached(root: Node, text: string): Map<string, Map<string, string | null>> {
  let byType = goCache.get(root.tree);
  if (byType === undefined) {
    byType = readGoStructFields(root, text);
    goCache.set(root.tree, byType);
  }
  return byType;
}

function readGoStructFields(root: Node, text: string): Map<string, Map<string, string | null>> {
  const constants = new Map<string, string | undefined>();
  for (const spec of nodesOfType(root, 'const_spec')) {
    const name = spec?.childForFieldName('name');
    const value = spec?.childForFieldName('value')?.namedChildren[0];
    if (name != null && value != null) constants.set(sliceNode(text, name), readGoString(value, text));
  }
  // Only a URL or a path is a base to read (`ID: "5c41..."` in a test's literal is data).
  const readDefault = (node: Node | null | undefined): string | undefined => {
    const value =
      node == null
        ? undefined
        : node.type === 'identifier'
          ? constants.get(sliceNode(text, node))
          : readGoString(node, text);
    return value !== undefined && (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) || value.startsWith('/'))
      ? value
      : undefined;
  };
  const byType = new Map<string, Map<string, string | null>>();
  const note = (typeName: string, field: string, value: string | undefined): void => {
    const fields = byType.get(typeName) ?? new Map<string, string | null>();
    byType.set(typeName, fields);
    const current = fields.get(field);
    fields.set(field, value === undefined || (current !== undefined && current !== value) ? null : value);
  };
  for (const literal of nodesOfType(root, 'composite_literal')) {
    const type = literal?.childForFieldName('type');
    if (literal == null || type?.type !== 'type_identifier') continue;
    for (const element of literal.childForFieldName('body')?.namedChildren ?? []) {
      if (element?.type !== 'keyed_element') continue;
      const [key, value] = element.namedChildren.map((child) => child?.firstNamedChild ?? child);
      if (key?.type === 'identifier' || key?.type === 'field_identifier')
        note(sliceNode(text, type), sliceNode(text, key), readDefault(value));
    }
  }
  const untyped = new Set<string>();
  for (const assignment of nodesOfType(root, 'assignment_statement')) {
    const left = assignment?.childForFieldName('left')?.namedChildren[0];
    const right = assignment?.childForFieldName('right')?.namedChildren[0];
    if (assignment == null || left?.type !== 'selector_expression' || right == null) continue;
    // `c.Config.adminPrefix = ...`: the fields below the variable, as one dotted name.
    const fields: string[] = [];
    let operand: Node | null = left;
    while (operand?.type === 'selector_expression') {
      const field = operand.childForFieldName('field');
      if (field === null) break;
      fields.unshift(sliceNode(text, field));
      operand = operand.childForFieldName('operand');
    }
    if (operand == null || fields.length === 0) continue;
    const field = fields.join('.');
    if (right.type === 'identifier' && isGoParameter(right, text)) continue;
    // A functional option (`func(c *Client) { c.prefix = ... }`) runs only when a caller passes it:
    // the caller's override of the default, like an assigned parameter.
    if (operand.type === 'identifier' && isGoParameter(operand, text, 'func_literal')) continue;
    const typeName = readGoVariableType(operand, text);
    // A variable whose type is not read here (`c := NewThing()` then `c.path = "/b/"`) may be
    // any struct with that field: none of them keeps a default for it.
    if (typeName === undefined) untyped.add(field);
    else note(typeName, field, readDefault(right) ?? readBuiltPath(right, text, root));
  }
  for (const fields of byType.values())
    for (const field of untyped) if (fields.has(field)) fields.set(field, null);
  return byType;
}

/**
 * `c.Config.adminPrefix = joinPath("manage", "tenants")`: a call of the project's own function
 * (not a package's) on written text only, whose URL reads wholly as text, is a path the
 * constructor built (`manage/tenants`). Read outside any path function being read, so no caller's
 * parameter takes part in it.
 */
function readBuiltPath(right: Node, text: string, root: Node): string | undefined {
  const callee = right.type === 'call_expression' ? right.childForFieldName('function') : null;
  if (callee == null || (callee.type !== 'identifier' && !isReceiverCall(callee, text))) return undefined;
  const args = (right.childForFieldName('arguments')?.namedChildren ?? []).filter(
    (arg): arg is Node => arg !== null && arg.type !== 'comment',
  );
  if (args.some((arg) => readGoString(arg, text) === undefined)) return undefined;
  const segments = withoutBindings(() => readUrlValue(right, 'go', text, root));
  if (segments.length === 0 || segments.some((s) => s.kind !== 'literal')) return undefined;
  const value = segments.map((s) => (s.kind === 'literal' ? s.text : '')).join('');
  return value === '' ? undefined : value;
}

// `c.joinPath` where `c` names no import: a method of the project, not a package's function.
function isReceiverCall(callee: Node, text: string): boolean {
  const operand = callee.type === 'selector_expression' ? callee.childForFieldName('operand') : null;
  return operand?.type === 'identifier' && readGoVariableType(operand, text) !== undefined;
}

/**
 * The struct type of a receiver or parameter (`c` in `func(c *Client)`), or of a local declared
 * with a struct literal (`c := Client{...}`, `c := &Client{...}`), when the name is one.
 */
export function readGoVariableType(operand: Node, text: string): string | undefined {
  if (operand.type !== 'identifier') return undefined;
  const name = sliceNode(text, operand);
  for (let fn: Node | null = operand.parent; fn !== null; fn = fn.parent) {
    if (!GO_FUNCTIONS.has(fn.type)) continue;
    const local = readLiteralLocalType(fn, name, operand, text);
    if (local !== undefined) return local;
    const lists = [fn.childForFieldName('receiver'), fn.childForFieldName('parameters')];
    for (const declaration of lists.flatMap((list) => list?.namedChildren ?? [])) {
      if (declaration?.type !== 'parameter_declaration') continue;
      const names = declaration
        .childrenForFieldName('name')
        .map((n) => (n === null ? '' : sliceNode(text, n)));
      const type = declaration.childForFieldName('type');
      if (names.includes(name) && type !== null) return sliceNode(text, type).replace(/^\*/, '');
    }
  }
  return undefined;
}

// `c := Client{...}` or `c := &Client{...}` in the function, above the use: the struct's type.
function readLiteralLocalType(fn: Node, name: string, use: Node, text: string): string | undefined {
  for (const declaration of fn.childForFieldName('body')?.namedChildren ?? []) {
    if (declaration === null || declaration.startIndex > use.startIndex) break;
    if (declaration.type !== 'short_var_declaration') continue;
    const names = declaration.childForFieldName('left')?.namedChildren ?? [];
    const values = declaration.childForFieldName('right')?.namedChildren ?? [];
    const at = names.findIndex((n) => n !== null && sliceNode(text, n) === name);
    let value = at < 0 ? undefined : values[at];
    if (value?.type === 'unary_expression') value = value.childForFieldName('operand');
    const type = value?.type === 'composite_literal' ? value.childForFieldName('type') : null;
    if (type?.type === 'type_identifier') return sliceNode(text, type);
  }
  return undefined;
}

/**
 * Whether a name is a parameter of a function around it (`u` in `func OptionAPIURL(u string)`),
 * or of a function of one kind around it (a `func_literal`, an option closure).
 */
export function isGoParameter(name: Node, text: string, kind?: string): boolean {
  const wanted = sliceNode(text, name);
  for (let fn: Node | null = name.parent; fn !== null; fn = fn.parent) {
    if (!GO_FUNCTIONS.has(fn.type) || (kind !== undefined && fn.type !== kind)) continue;
    for (const declaration of fn.childForFieldName('parameters')?.namedChildren ?? []) {
      if (declaration?.type !== 'parameter_declaration') continue;
      if (declaration.childrenForFieldName('name').some((n) => n !== null && sliceNode(text, n) === wanted))
        return true;
    }
  }
  return false;
}
