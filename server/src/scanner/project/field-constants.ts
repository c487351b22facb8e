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

// Per tree, per class: each field's constant, or null when the field is not one. A class's fields
// are read in one pass, whatever number of them its URLs name.
const cache = new WeakMap<object, Map<number, Map<string, string | null>>>();

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
