/**
 * Schema-based checking of `input` refs, as `opa check --schema` does it: every static ref into
 * `input` (`input.user.name`, `input.items[_].id`) is walked through the JSON Schema of the
 * input, and a key the schema does not allow is a `rego_type_error` worded as OPA's type checker
 * words it (`undefined ref: ...`, with the `have:` key and the `want (one of):` keys). The schema
 * comes from `--schema` (a file, or a folder whose `input.json` is the input's), or from a rule's
 * or package's `# METADATA` `schemas:` annotation (`- input: schema.input`, or an inline schema).
 *
 * As OPA reads JSON Schema, an object with `properties` and no `additionalProperties` is closed;
 * `additionalProperties: true` (or a schema) opens it; a schema without properties allows any key.
 * Only what a schema pins down is checked: refs with variable keys and values of unknown shape
 * are accepted, so the check never rejects what OPA would accept.
 */
import type { ClearanceError } from '../../errors';
import type * as ast from '../syntax/ast';
import { formatRef } from './term-facts';

/** JSON Schema as parsed JSON. */
type Schema = Record<string, unknown>;

/** Schemas by their name under `schema.` (`input` for `--schema input.json`). */
export type SchemaSet = ReadonlyMap<string, unknown>;

/** Checks the `input` refs of every rule of `modules` against the schemas; returns OPA's type errors. */
export function checkInputSchemas(modules: readonly ast.Module[], schemas: SchemaSet): ClearanceError[] {
  const errors: ClearanceError[] = [];
  for (const m of modules) {
    const pkg = annotationSchema(m.package.annotations, schemas, errors) ?? schemas.get('input');
    for (const rule of m.rules) {
      const schema = annotationSchema(rule.annotations, schemas, errors) ?? pkg;
      if (!isSchema(schema)) continue;
      visitInputRefs(rule, (ref) => checkRef(ref, schema, errors));
    }
  }
  return errors;
}

/** The input schema a `schemas:` annotation names, if any; an unknown `schema.x` is an error. */
function annotationSchema(
  a: ast.Annotations | undefined,
  schemas: SchemaSet,
  errors: ClearanceError[],
): unknown {
  const list = a?.raw.schemas;
  if (!Array.isArray(list)) return undefined;
  for (const entry of list) {
    if (!entry || typeof entry !== 'object') continue;
    const value = (entry as Record<string, unknown>).input;
    if (value === undefined) continue;
    if (typeof value !== 'string') return value;
    const m = /^schema(?:\.([A-Za-z_][\w-]*)|\["([^"]+)"\])$/.exec(value.trim());
    const name = m?.[1] ?? m?.[2];
    const found = name === undefined ? undefined : schemas.get(name);
    if (found === undefined && a) {
      errors.push({
        code: 'rego_type_error',
        message: `undefined schema: ${value.trim()}`,
        location: a.location,
      });
    }
    return found;
  }
  return undefined;
}

/** Calls `visit` on every ref whose head is `input`, outside `with` targets. */
function visitInputRefs(node: unknown, visit: (ref: ast.Ref) => void): void {
  if (Array.isArray(node)) {
    for (const x of node) visitInputRefs(x, visit);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const n = node as Record<string, unknown>;
  if (n.type === 'ref') {
    const terms = n.terms as ast.Term[];
    const head = terms[0];
    if (head?.type === 'var' && head.name === 'input' && terms.length > 1) visit(n as unknown as ast.Ref);
  }
  for (const [k, v] of Object.entries(n)) {
    if (k === 'location' || k === 'annotations' || k === 'target') continue;
    visitInputRefs(v, visit);
  }
}

/** Walks `ref` through `root`; reports the first key the schema does not allow. */
function checkRef(ref: ast.Ref, root: Schema, errors: ClearanceError[]): void {
  let node: Schema | undefined = resolve(root, root);
  for (let i = 1; i < ref.terms.length && node; i++) {
    const t = ref.terms[i] as ast.Term;
    const shape = shapeOf(node, root);
    if (shape.kind === 'array') {
      node = t.type === 'string' ? undefined : shape.items;
      continue;
    }
    if (shape.kind !== 'object') return;
    if (t.type !== 'string') return;
    const key = String(t.value);
    const prop = shape.properties.get(key);
    if (prop) {
      node = prop;
      continue;
    }
    if (shape.open) {
      node = shape.additional;
      continue;
    }
    errors.push(undefinedRef(ref, i, key, [...shape.properties.keys()].sort()));
    return;
  }
}

/** OPA's `undefined ref` error, with the caret under the offending key. */
function undefinedRef(ref: ast.Ref, i: number, key: string, want: string[]): ClearanceError {
  const text = formatRef(ref);
  const prefix = formatRef({ ...ref, terms: ref.terms.slice(0, i) });
  const pad = ' '.repeat(prefix.length + 1);
  const quoted = (s: string) => JSON.stringify(s);
  return {
    code: 'rego_type_error',
    message: `undefined ref: ${text}\n\t${text}\n\t${pad}^\n\t${pad}have: ${quoted(key)}\n\t${pad}want (one of): [${want.map(quoted).join(' ')}]`,
    location: ref.location,
  };
}

/** What a schema node says about the value's shape. */
type Shape =
  | { kind: 'object'; properties: Map<string, Schema>; open: boolean; additional: Schema | undefined }
  | { kind: 'array'; items: Schema | undefined }
  | { kind: 'unknown' };

/** The shape of `node`, merging `allOf` / `anyOf` / `oneOf` branches (any open branch opens it). */
function shapeOf(node: Schema, root: Schema, depth = 0): Shape {
  if (depth > 32) return { kind: 'unknown' };
  const branches = ['allOf', 'anyOf', 'oneOf'].flatMap((k) =>
    Array.isArray(node[k]) ? (node[k] as unknown[]) : [],
  );
  if (branches.length > 0) {
    const properties = new Map<string, Schema>();
    for (const b of branches) {
      const r = resolve(b, root);
      if (!r) return { kind: 'unknown' };
      const s = shapeOf(r, root, depth + 1);
      if (s.kind !== 'object' || s.open) return { kind: 'unknown' };
      for (const [k, v] of s.properties) properties.set(k, v);
    }
    const own = shapeOf({ ...node, allOf: undefined, anyOf: undefined, oneOf: undefined }, root, depth + 1);
    if (own.kind === 'object') for (const [k, v] of own.properties) properties.set(k, v);
    return { kind: 'object', properties, open: false, additional: undefined };
  }
  const type = node.type;
  if (type === 'array' || (type === undefined && node.items !== undefined)) {
    const items = Array.isArray(node.items) ? undefined : resolve(node.items, root);
    return { kind: 'array', items };
  }
  const props = node.properties;
  if ((type === 'object' || type === undefined) && isSchema(props)) {
    const properties = new Map<string, Schema>();
    for (const [k, v] of Object.entries(props)) {
      const r = resolve(v, root);
      properties.set(k, r ?? {});
    }
    const extra = node.additionalProperties;
    const open = extra === true || isSchema(extra) || isSchema(node.patternProperties);
    return {
      kind: 'object',
      properties,
      open,
      additional: isSchema(extra) ? resolve(extra, root) : undefined,
    };
  }
  return { kind: 'unknown' };
}

/** Follows local `$ref`s (`#/definitions/x`, `#/$defs/x`) to the schema they name. */
function resolve(node: unknown, root: Schema): Schema | undefined {
  let current = node;
  for (let hops = 0; hops < 32; hops++) {
    if (!isSchema(current)) return undefined;
    const ref = current.$ref;
    if (typeof ref !== 'string') return current;
    if (!ref.startsWith('#')) return undefined;
    let target: unknown = root;
    for (const part of ref.slice(1).split('/').filter(Boolean)) {
      const key = decodeURIComponent(part).replace(/~1/g, '/').replace(/~0/g, '~');
      target = isSchema(target) ? target[key] : undefined;
    }
    current = target;
  }
  return undefined;
}

/** True for a JSON object. */
function isSchema(v: unknown): v is Schema {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
