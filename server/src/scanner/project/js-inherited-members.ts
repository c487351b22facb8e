/**
 * JavaScript/TypeScript instance members that hold a path, read through inheritance. A base class
 * of another module often takes the resource's path from its subclasses' constructors
 * (`super('/vessels', opts)`, `super(client, 'widgets')`, two levels down `super(options,
 * `/projects/${id}/deployments`)`) into a field (`this.basePath = basePath`, or a TypeScript
 * parameter property `protected readonly resource: string`), or a subclass sets the field itself
 * (`readonly collection = '/notes'`); its methods, or the subclasses', then write
 * `${this.basePath}/${id}`. `this` is the concrete object, so `this.basePath` in a class reads the
 * field in that class first, then in its bases, and a field a base sets from its constructor's
 * parameter reads as what the class below hands to `super(...)` at that position (a class with no
 * constructor hands on its own arguments).
 *
 * Each module shares its classes' facts as constants under names no identifier takes: a field's
 * value `Class#field` (text, or `#arg2` for the constructor's third parameter), what the
 * constructor hands to `super` `Class#super0`, ..., and that the class writes a constructor,
 * `Class#ctor`. A field set twice, or to anything else, is not shared and ends the search.
 */

import type { Node } from 'web-tree-sitter';
import { nodesOfType } from '../nodes-of-type';
import { sliceNode } from '../syntax';
import type { UrlSegment } from '../types';
import type { SharedValues } from './types';

const THIS_MEMBER = /^this\.([A-Za-z_$][\w$]*)$/;
const CLASS_TYPES = new Set(['class_declaration', 'abstract_class_declaration']);
const FUNCTION_TYPES = new Set([
  'function_declaration',
  'function_expression',
  'function',
  'method_definition',
]);
const ARG = /^#arg(\d+)$/;
// Bounds: the classes of one chain, the members one module shares.
const MAX_CLASSES = 12;
const MAX_MEMBERS = 4_000;

type Read = (node: Node) => UrlSegment[];

const fieldName = (cls: string, field: string) => `${cls}#${field}`;
const superName = (cls: string, index: number) => `${cls}#super${index}`;
const ctorName = (cls: string) => `${cls}#ctor`;

/** Collects the facts of every named class of a JS/TS module (see the file's comment). */
export function collectJsInheritedMembers(
  root: Node,
  text: string,
  read: Read,
): Array<[string, UrlSegment[]]> {
  const out: Array<[string, UrlSegment[]]> = [];
  for (const cls of nodesOfType(root, [...CLASS_TYPES])) {
    if (cls === null || out.length >= MAX_MEMBERS) continue;
    const nameNode = cls.childForFieldName('name');
    const body = cls.childForFieldName('body');
    if (nameNode === null || body === null) continue;
    const name = sliceNode(text, nameNode);
    const fields = new Map<string, UrlSegment[] | null>();
    const add = (field: string, value: UrlSegment[] | undefined) =>
      fields.set(field, fields.has(field) || value === undefined ? null : value);
    const ctor = body.namedChildren.find(
      (c) =>
        c?.type === 'method_definition' &&
        sliceNode(text, c.childForFieldName('name') ?? c) === 'constructor',
    );
    const params = ctor == null ? [] : readParameters(ctor, text);
    for (const [i, param] of params.entries())
      if (param.property) add(param.name, [{ kind: 'expr', source: `#arg${i}` }]);
    for (const item of body.namedChildren) {
      if (item?.type !== 'public_field_definition' || item.children.some((c) => c?.type === 'static'))
        continue;
      const field = item.childForFieldName('name');
      const value = item.childForFieldName('value');
      if (field !== null && value !== null) add(sliceNode(text, field), textValue(read(value)));
    }
    for (const node of nodesOfType(body, ['assignment_expression', 'augmented_assignment_expression'])) {
      const left = node?.childForFieldName('left');
      const field = left == null ? undefined : THIS_MEMBER.exec(sliceNode(text, left))?.[1];
      if (node == null || field === undefined) continue;
      const right = node.childForFieldName('right');
      // `this.basePath = basePath` in the constructor: whatever the constructor is handed there.
      const param =
        ctor != null && right?.type === 'identifier' && ownedBy(node, ctor)
          ? params.findIndex((p) => p.name === sliceNode(text, right))
          : -1;
      if (param >= 0) add(field, [{ kind: 'expr', source: `#arg${param}` }]);
      else
        add(
          field,
          node.type === 'assignment_expression' && right !== null ? textValue(read(right)) : undefined,
        );
    }
    for (const [field, value] of fields) if (value !== null) out.push([fieldName(name, field), value]);
    if (ctor == null) continue;
    out.push([ctorName(name), [{ kind: 'literal', text: String(params.length) }]]);
    const call = nodesOfType(ctor, ['call_expression']).find(
      (c) => c !== null && c.childForFieldName('function')?.type === 'super' && ownedBy(c, ctor),
    );
    for (const [i, arg] of (call?.childForFieldName('arguments')?.namedChildren ?? []).entries()) {
      if (arg === null || arg.type === 'spread_element') break;
      const forwarded =
        arg.type === 'identifier' ? params.findIndex((p) => p.name === sliceNode(text, arg)) : -1;
      const value: UrlSegment[] | undefined =
        forwarded >= 0 ? [{ kind: 'expr', source: `#arg${forwarded}` }] : pathValue(read(arg));
      if (value !== undefined) out.push([superName(name, i), value]);
    }
  }
  return out;
}

/**
 * What `this.member` holds at `use`, read in the class around the use and then its bases, with a
 * field a base sets from its constructor read as what the classes below hand to `super`; undefined
 * when no class of the chain shares it, or it comes out without text or as a full URL (a
 * configured host is not the class's path).
 */
export function readJsInheritedMember(
  source: string,
  use: Node,
  text: string,
  shared: SharedValues | undefined,
): UrlSegment[] | undefined {
  const field = THIS_MEMBER.exec(source)?.[1];
  if (field === undefined || shared?.classes === undefined) return undefined;
  let cls: Node | null = use.parent;
  while (cls !== null && !CLASS_TYPES.has(cls.type)) {
    // `this` inside a plain function is not the class's instance.
    if (FUNCTION_TYPES.has(cls.type) && cls.type !== 'method_definition') return undefined;
    cls = cls.parent;
  }
  const name = cls?.childForFieldName('name');
  if (name == null) return undefined;
  const chain = classChain(sliceNode(text, name), shared.classes);
  for (const [level, owner] of chain.entries()) {
    const value = shared.constants.get(fieldName(owner, field));
    if (value === null) return undefined;
    if (value === undefined) continue;
    const arg = value.length === 1 && value[0]?.kind === 'expr' ? ARG.exec(value[0].source) : null;
    const read = arg === null ? value : argumentOf(chain, level, Number(arg[1]), shared);
    if (read === undefined) return undefined;
    const literal = read.filter((s): s is UrlSegment & { kind: 'literal' } => s.kind === 'literal');
    if (!literal.some((s) => s.text !== '') || literal.some((s) => s.text.includes('://'))) return undefined;
    return [...read];
  }
  return undefined;
}

// What the class at `level` of the chain is handed at constructor position `index`: what the class
// below hands to `super` there (a class without a constructor hands on its own arguments).
function argumentOf(
  chain: readonly string[],
  level: number,
  index: number,
  shared: SharedValues,
): readonly UrlSegment[] | undefined {
  for (let below = level - 1; below >= 0; below--) {
    const cls = chain[below] as string;
    if (shared.constants.get(ctorName(cls)) == null) continue;
    const value = shared.constants.get(superName(cls, index));
    if (value == null) return undefined;
    const arg = value.length === 1 && value[0]?.kind === 'expr' ? ARG.exec(value[0].source) : null;
    if (arg === null) return value;
    index = Number(arg[1]);
  }
  // The outermost class's own caller (`new Vessels(...)`) decides: not read here.
  return undefined;
}

// The class and its bases up the chain (JS classes extend one class), by name.
function classChain(cls: string, classes: ReadonlyMap<string, readonly string[]>): string[] {
  const chain = [cls];
  for (let current = cls; chain.length < MAX_CLASSES; ) {
    const bases = classes.get(current) ?? [];
    const base = bases.length === 1 ? bases[0]?.replace(/<.*$/s, '').trim() : undefined;
    if (base === undefined || !/^[A-Za-z_$][\w$]*$/.test(base) || chain.includes(base)) break;
    chain.push(base);
    current = base;
  }
  return chain;
}

// The constructor's parameters in order, each with its name and whether it declares a field.
function readParameters(ctor: Node, text: string): Array<{ name: string; property: boolean }> {
  const list = ctor.childForFieldName('parameters')?.namedChildren ?? [];
  return list
    .filter((p): p is Node => p !== null && p.type !== 'comment')
    .map((p) => {
      const pattern =
        p.childForFieldName('pattern') ?? (p.type === 'assignment_pattern' ? p.childForFieldName('left') : p);
      const property = p.children.some((c) => c?.type === 'accessibility_modifier' || c?.type === 'readonly');
      return { name: pattern?.type === 'identifier' ? sliceNode(text, pattern) : '', property };
    });
}

// A field's value when it is text.
function textValue(segments: UrlSegment[]): UrlSegment[] | undefined {
  return segments.length > 0 &&
    segments.every((s) => s.kind === 'literal') &&
    segments.some((s) => s.text !== '')
    ? segments
    : undefined;
}

// A value handed to `super` when it writes some text (`` `/projects/${id}/deployments` ``).
function pathValue(segments: UrlSegment[]): UrlSegment[] | undefined {
  return segments.some((s) => s.kind === 'literal' && s.text !== '') ? segments : undefined;
}

// Whether `node` belongs to `fn` itself, not to a function nested in it.
function ownedBy(node: Node, fn: Node): boolean {
  for (let current = node.parent; current !== null; current = current.parent) {
    if (current.id === fn.id) return true;
    if (FUNCTION_TYPES.has(current.type) || current.type === 'arrow_function') return false;
  }
  return false;
}

// Per view: the fields some class shares a value for, by name.
const sharedFields = new WeakMap<object, Set<string>>();

/**
 * Whether a URL names `this.field` for a field some class of the project shares: the file's calls
 * are then read again with the view (a first look knows no other module's classes).
 */
export function namesInheritedMember(
  segments: readonly UrlSegment[],
  constants: ReadonlyMap<string, readonly UrlSegment[] | null>,
): boolean {
  let fields = sharedFields.get(constants);
  if (fields === undefined) {
    fields = new Set();
    for (const [key, value] of constants) {
      const at = key.indexOf('#');
      if (at > 0 && value !== null && !/^#(?:super\d+|ctor)$/.test(key.slice(at)))
        fields.add(key.slice(at + 1));
    }
    sharedFields.set(constants, fields);
  }
  if (fields.size === 0) return false;
  for (const segment of segments) {
    const field = segment.kind === 'expr' ? THIS_MEMBER.exec(segment.source)?.[1] : undefined;
    if (field !== undefined && fields.has(field)) return true;
  }
  return false;
}
