/**
 * A path kept on the instance: `this.path = '/v1/keys'` in a constructor (or a field `path =
 * '/v1/keys'`, Python's `self.path = "/v1/keys"`), then `` `${this.path}/${id}` `` in a method. A
 * field of the class around the use that the class sets exactly once, to a string constant, reads
 * as that string; a field set twice, or to anything else, is not read.
 */

import type { Node } from 'web-tree-sitter';
import { readPythonString } from '../python-syntax';
import { readConstantString, sliceNode } from '../syntax';
import type { ScanLanguage } from '../types';
import { isJsLanguage } from './code-shape';

const JS_FIELD = /^this\.([A-Za-z_$][\w$]*)$/;
const PYTHON_FIELD = /^self\.([A-Za-z_]\w*)$/;
const JS_CLASSES = new Set(['class_declaration', 'class', 'abstract_class_declaration']);

// Per tree, per class and field: the constant, or null when the field is not one.
const cache = new WeakMap<object, Map<string, string | null>>();

/** The constant a `this.field`/`self.field` expression holds at `use`, when the class sets it once. */
export function readFieldConstant(
  source: string,
  use: Node,
  language: ScanLanguage,
  text: string,
): string | undefined {
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
  const key = `${cls.id}:${field}`;
  let value = byClass.get(key);
  if (value === undefined) {
    value = js ? readJsField(cls, field, text) : readPythonField(cls, field, text);
    byClass.set(key, value);
  }
  return value ?? undefined;
}

function readJsField(cls: Node, field: string, text: string): string | null {
  const values: Array<string | undefined> = [];
  for (const node of cls.descendantsOfType(['assignment_expression', 'public_field_definition'])) {
    if (node === null) continue;
    if (node.type === 'public_field_definition') {
      const name = node.childForFieldName('name');
      const value = node.childForFieldName('value');
      if (name !== null && sliceNode(text, name) === field && value !== null)
        values.push(readConstantString(value, text));
      continue;
    }
    const left = node.childForFieldName('left');
    if (left === null || sliceNode(text, left) !== `this.${field}`) continue;
    const right = node.childForFieldName('right');
    values.push(right === null ? undefined : readConstantString(right, text));
  }
  return values.length === 1 && values[0] !== undefined ? values[0] : null;
}

function readPythonField(cls: Node, field: string, text: string): string | null {
  const values: Array<string | undefined> = [];
  for (const node of cls.descendantsOfType(['assignment', 'augmented_assignment'])) {
    const left = node?.childForFieldName('left');
    if (node == null || left == null || sliceNode(text, left) !== `self.${field}`) continue;
    const right = node.childForFieldName('right');
    values.push(node.type === 'assignment' && right !== null ? readPythonString(right, text) : undefined);
  }
  return values.length === 1 && values[0] !== undefined ? values[0] : null;
}
