/**
 * Go: a struct field its constructor sets to a path built on constants and the constructor's own
 * parameters, in the struct's literal (`&Orders{prefix: apiHost + "/admin/" + apiVersion +
 * "/shops/" + shop}`, `&Client{base: base + "/rest/api/3"}`), then read in a method
 * (`fmt.Sprintf("%s/orders/%d", o.prefix, id)`, `c.base + path`). The field reads as that
 * template: its text, and each parameter of the constructor as a run-time part (written in
 * parentheses, so no wrapper parameter of the same name takes it). `field-constants.ts` reads a
 * field set to one constant; this reads the fields it leaves, when every literal of the type in
 * the file gives the field the same template and no assignment elsewhere sets it (a bare
 * parameter assigned in an option function is the caller's override, as there). The variable is
 * a method's receiver or a parameter typed with the struct (`func do[T any](c *Client, ...)`).
 */

import type { Node } from 'web-tree-sitter';
import { nodesOfType } from '../nodes-of-type';
import { readGoString } from '../recognizers/go-http';
import { flattenConcatenation, sliceNode } from '../syntax';
import type { UrlSegment } from '../types';
import { isGoParameter, readGoVariableType } from './field-constants';
import type { SharedValues } from './types';

const GO_FIELD = /^([A-Za-z_]\w*)\.([A-Za-z_]\w*)$/;
const GO_FUNCTIONS = new Set(['function_declaration', 'method_declaration', 'func_literal']);

// Per tree: struct type -> field -> its template, or null when the field is not one.
const cache = new WeakMap<object, Map<string, Map<string, UrlSegment[] | null>>>();

/** The template a Go struct field holds at `use` (`o.prefix`), when its constructor builds one. */
export function readGoFieldTemplate(
  source: string,
  use: Node,
  text: string,
  shared: SharedValues | undefined,
): UrlSegment[] | undefined {
  const match = GO_FIELD.exec(source);
  if (match === null) return undefined;
  // The variable as it stands at the use, for its type (receiver, typed parameter, literal local).
  const selector =
    use.type === 'selector_expression' && sliceNode(text, use) === source
      ? use
      : use.descendantsOfType('selector_expression').find((n) => n !== null && sliceNode(text, n) === source);
  const variable = selector?.childForFieldName('operand');
  if (variable == null) return undefined;
  const typeName = readGoVariableType(variable, text);
  if (typeName === undefined) return undefined;
  let byType = cache.get(use.tree);
  if (byType === undefined) {
    byType = readFieldTemplates(use.tree.rootNode, text, shared);
    cache.set(use.tree, byType);
  }
  return byType.get(typeName)?.get(match[2] as string) ?? undefined;
}

function readFieldTemplates(
  root: Node,
  text: string,
  shared: SharedValues | undefined,
): Map<string, Map<string, UrlSegment[] | null>> {
  const constants = new Map<string, string>();
  for (const spec of nodesOfType(root, 'const_spec')) {
    const name = spec?.childForFieldName('name');
    const value = spec?.childForFieldName('value')?.namedChildren[0];
    const string = value == null ? undefined : readGoString(value, text);
    if (name != null && string !== undefined) constants.set(sliceNode(text, name), string);
  }
  const byType = new Map<string, Map<string, UrlSegment[] | null>>();
  for (const literal of nodesOfType(root, 'composite_literal')) {
    const type = literal?.childForFieldName('type');
    if (literal == null || type?.type !== 'type_identifier') continue;
    const typeName = sliceNode(text, type);
    for (const element of literal.childForFieldName('body')?.namedChildren ?? []) {
      if (element?.type !== 'keyed_element') continue;
      const [key, value] = element.namedChildren.map((child) => child?.firstNamedChild ?? child);
      if (value == null || (key?.type !== 'identifier' && key?.type !== 'field_identifier')) continue;
      const fields = byType.get(typeName) ?? new Map<string, UrlSegment[] | null>();
      byType.set(typeName, fields);
      const field = sliceNode(text, key);
      const template = readTemplate(value, text, constants, shared);
      const current = fields.get(field);
      const same = current === undefined || JSON.stringify(current) === JSON.stringify(template ?? null);
      fields.set(field, template !== undefined && same ? template : null);
    }
  }
  // A field also assigned elsewhere (`c.prefix = "/v2"`) holds more than its literal's value.
  for (const assignment of nodesOfType(root, 'assignment_statement')) {
    const left = assignment?.childForFieldName('left')?.namedChildren[0];
    const right = assignment?.childForFieldName('right')?.namedChildren[0];
    if (left?.type !== 'selector_expression' || right == null) continue;
    if (right.type === 'identifier' && isGoParameter(right, text)) continue;
    const field = left.childForFieldName('field');
    if (field === null) continue;
    for (const fields of byType.values())
      if (fields.has(sliceNode(text, field))) fields.set(sliceNode(text, field), null);
  }
  return byType;
}

// `apiHost + "/admin/" + apiVersion + "/shops/" + shop`: text, constants (this file's or another
// module's) and parameters of the function around; a path when some text holds a `/`.
function readTemplate(
  value: Node,
  text: string,
  constants: ReadonlyMap<string, string>,
  shared: SharedValues | undefined,
): UrlSegment[] | undefined {
  const operands = flattenConcatenation(value, text);
  if (operands.length < 2) return undefined;
  let fn: Node | null = value.parent;
  while (fn !== null && !GO_FUNCTIONS.has(fn.type)) fn = fn.parent;
  if (fn === null) return undefined;
  const out: UrlSegment[] = [];
  for (const operand of operands) {
    const string = readGoString(operand, text);
    const name = operand.type === 'identifier' ? sliceNode(text, operand) : undefined;
    const parameter = name !== undefined && isGoParameter(operand, text);
    const constant =
      string ??
      (name === undefined || parameter ? undefined : (constants.get(name) ?? sharedText(name, shared)));
    if (constant !== undefined) {
      const last = out.at(-1);
      if (last?.kind === 'literal') last.text += constant;
      else out.push({ kind: 'literal', text: constant });
    } else if (parameter) out.push({ kind: 'expr', source: `(${name})` });
    else return undefined;
  }
  return out.some((s) => s.kind === 'literal' && s.text.includes('/')) ? out : undefined;
}

function sharedText(name: string, shared: SharedValues | undefined): string | undefined {
  const value = shared?.constants.get(name);
  return value?.length === 1 && value[0]?.kind === 'literal' ? value[0].text : undefined;
}
