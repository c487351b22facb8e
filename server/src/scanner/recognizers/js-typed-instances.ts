/**
 * Names declared with an HTTP library's instance type (`http: AxiosInstance`, `private api:
 * axios.AxiosInstance`, the type imported from the library's module): an SDK's transport takes the
 * instance from its caller, so a parameter so typed is followed as the library is, and a class
 * field so typed (also a constructor's parameter property) through `this.<field>` inside its
 * class. Which base URL the instance carries is the caller's, so none is joined.
 */

import type { Node } from 'web-tree-sitter';
import type { Binding } from '../scopes';
import { isSameNode, readConstantString, sliceNode } from '../syntax';
import type { ScanContext } from './context';
import type { JsClientSpec } from './js-clients';
import { readAnnotatedParam } from './js-objects';
import { findCleanWordNodes } from './recovery';

/** What holds the library by its declared type. */
export interface TypedInstances {
  /** Parameters typed with an instance type, to follow as the library's name. */
  params: Array<{ name: string; binding: Binding }>;
  /** `this.<field>` member expressions of typed fields, each with the ancestors above it. */
  fieldUses: Array<{ holder: Node; above: Node[] }>;
}

/** Finds the parameters and class fields declared with one of the library's instance types. */
export function findTypedInstances(context: ScanContext, spec: JsClientSpec): TypedInstances {
  const { text } = context;
  const found: TypedInstances = { params: [], fieldUses: [] };
  for (const annotation of findAnnotations(context, spec)) {
    const param = readAnnotatedParam(annotation);
    if (param !== undefined) {
      const name = sliceNode(text, param);
      const binding = context.findBindings(name).find((b) => b.node.startIndex === param.startIndex);
      if (binding !== undefined) found.params.push({ name, binding });
    }
    const field = readTypedField(annotation);
    if (field !== undefined) found.fieldUses.push(...findFieldUses(context, field));
  }
  return found;
}

// The type annotations naming an instance type imported from the library's module, by name or
// through the library's namespace (`axios.AxiosInstance`).
function findAnnotations(context: ScanContext, spec: JsClientSpec): Node[] {
  const { text } = context;
  const typeNames = new Set<string>();
  const namespaces = new Set<string>();
  for (const statement of context.root.namedChildren) {
    if (statement?.type !== 'import_statement') continue;
    const source = statement.childForFieldName('source');
    if (source === null || !spec.modules.includes(readConstantString(source, text) ?? '')) continue;
    const clause = statement.namedChildren.find((child) => child?.type === 'import_clause');
    for (const part of clause?.namedChildren ?? []) {
      if (part?.type === 'namespace_import' || part?.type === 'identifier') {
        const name =
          part.type === 'identifier' ? part : part.namedChildren.find((c) => c?.type === 'identifier');
        if (name != null) namespaces.add(sliceNode(text, name));
      } else if (part?.type === 'named_imports') {
        for (const specifier of part.namedChildren) {
          const imported = specifier?.childForFieldName('name');
          if (imported == null || !spec.instanceTypes?.includes(sliceNode(text, imported))) continue;
          typeNames.add(sliceNode(text, specifier?.childForFieldName('alias') ?? imported));
        }
      }
    }
  }
  const annotations: Node[] = [];
  for (const name of typeNames) {
    for (const hit of context.findWordNodes(name)) {
      if (hit.node.type === 'type_identifier' && hit.node.parent?.type === 'type_annotation')
        annotations.push(hit.node.parent);
    }
  }
  if (namespaces.size === 0) return annotations;
  for (const name of spec.instanceTypes ?? []) {
    for (const hit of context.findWordNodes(name)) {
      const nested = hit.node.parent;
      const module = nested?.childForFieldName('module');
      if (
        nested?.type === 'nested_type_identifier' &&
        nested.parent?.type === 'type_annotation' &&
        module != null &&
        namespaces.has(sliceNode(text, module))
      )
        annotations.push(nested.parent);
    }
  }
  return annotations;
}

/** A class field declared with a type (`private http: T`, `constructor(private http: T)`) and its class. */
function readTypedField(annotation: Node): { name: Node; body: Node } | undefined {
  const holder = annotation.parent;
  let name: Node | null | undefined;
  if (holder?.type === 'public_field_definition') name = holder.childForFieldName('name');
  else if (
    (holder?.type === 'required_parameter' || holder?.type === 'optional_parameter') &&
    holder.namedChildren.some((child) => child?.type === 'accessibility_modifier')
  )
    name = holder.childForFieldName('pattern');
  let body = holder?.parent;
  while (body != null && body.type !== 'class_body') body = body.parent;
  if (name == null || body == null || (name.type !== 'property_identifier' && name.type !== 'identifier'))
    return undefined;
  return { name, body };
}

// `this.<field>` inside the class that declares the field, with the ancestors above each.
function findFieldUses(context: ScanContext, field: { name: Node; body: Node }): TypedInstances['fieldUses'] {
  const { body } = field;
  const uses: TypedInstances['fieldUses'] = [];
  for (const hit of findCleanWordNodes(context, sliceNode(context.text, field.name))) {
    const [holder, ...above] = hit.ancestors;
    if (
      hit.node.type !== 'property_identifier' ||
      hit.node.startIndex < body.startIndex ||
      hit.node.endIndex > body.endIndex ||
      holder?.type !== 'member_expression' ||
      holder.childForFieldName('object')?.type !== 'this' ||
      !isSameNode(holder.childForFieldName('property'), hit.node)
    )
      continue;
    uses.push({ holder, above });
  }
  return uses;
}
