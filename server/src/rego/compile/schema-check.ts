/**
 * Schema-based checking of `input` refs, as `opa check --schema` does it: every static ref into
 * `input` (`input.user.name`, `input.items[_].id`) is walked through the JSON Schema of the
 * input, and a key the schema does not allow is a `rego_type_error` worded as OPA's type checker
 * words it (`undefined ref: ...`, with the `have:` key and the `want (one of):` keys). The schema
 * comes from `--schema` (a file, or a folder whose `input.json` is the input's), or from a rule's
 * or package's `# METADATA` `schemas:` annotation (`- input: schema.input`, or an inline schema).
 *
 * As OPA reads JSON Schema, an object with `properties` is closed unless `additionalProperties` is
 * a schema (`true` leaves it closed); a schema without properties allows any key.
 * Only what a schema pins down is checked: refs with variable keys and values of unknown shape
 * are accepted, so the check never rejects what OPA would accept.
 */
import type { ClearanceError, Location } from '../../errors';
import type * as ast from '../syntax/ast';
import { checkRuleTypes } from '../types/check-rules';
import { typeOfSchema } from '../types/from-schema';
import { A, type Type } from '../types/types';
import { compileModules, type Policy } from './compile';
import type { CRule } from './ir';
import { isSchema, resolve, type Schema } from './schema-json';
import { formatRef } from './term-facts';

/** Schemas by their name under `schema.` (`input` for `--schema input.json`). */
export type SchemaSet = ReadonlyMap<string, unknown>;

/**
 * Checks the `input` refs of every rule of `modules` against the schemas; returns OPA's type errors.
 * A rule's input schema is, as OPA picks it: its own `scope: rule` annotation, else a `scope:
 * document` one on any clause of the same rule, else its package's (from any module of the
 * package), else the nearest enclosing package's `scope: subpackages` one, else `global`
 * (`--schema`'s input schema; `null` for none, as OPA's annotation tests run).
 */
export function checkInputSchemas(
  modules: readonly ast.Module[],
  schemas: SchemaSet,
  global: unknown = schemas.get('input'),
  compiled?: { policy: Policy; errors: readonly ClearanceError[] },
): ClearanceError[] {
  const errors: ClearanceError[] = [];
  const own = new Map<ast.Rule, unknown>();
  const documents = new Map<string, unknown>();
  const packages = new Map<string, unknown>();
  const subpackages = new Map<string, unknown>();
  const byClauseData = new Map<string, Array<{ path: string[]; schema: Schema }>>();
  for (const m of modules) {
    const a = m.package.annotations;
    const found = annotationSchema(a, schemas, errors);
    const pkg = m.package.path.join('.');
    if (found !== undefined) (a?.raw.scope === 'subpackages' ? subpackages : packages).set(pkg, found);
    for (const rule of m.rules) {
      const data = dataSchemas(rule.annotations, schemas, errors);
      if (data.length > 0) byClauseData.set(locationKey(rule.location), data);
      const schema = annotationSchema(rule.annotations, schemas, errors);
      if (schema === undefined) continue;
      if (rule.annotations?.raw.scope === 'document') documents.set(documentKey(rule), schema);
      else own.set(rule, schema);
    }
  }
  const byClause = new Map<string, unknown>();
  for (const m of modules) {
    const path = m.package.path;
    const pkg = packages.get(path.join('.')) ?? enclosing(subpackages, path) ?? global;
    for (const rule of m.rules) {
      const schema = own.get(rule) ?? documents.get(documentKey(rule)) ?? pkg;
      byClause.set(locationKey(rule.location), schema);
      if (!isSchema(schema)) continue;
      visitInputRefs(rule, (ref) => checkRef(ref, schema, errors));
    }
  }
  const { policy, errors: stageErrors } = compiled ?? compileModules([...modules], new Map());
  const reported = new Set(
    stageErrors.filter((e) => e.location).map((e) => locationKey(e.location as Location)),
  );
  for (const e of errors) reported.add(locationKey(e.location as Location));
  const types = new Map<unknown, Type>();
  const inputFor = (clause: CRule): Type | 'skip' => {
    const schema = byClause.get(locationKey(clause.origin.location));
    if (schema === unchecked) return 'skip';
    if (!isSchema(schema)) return A;
    let t = types.get(schema);
    if (!t) {
      t = typeOfSchema(schema, schema);
      types.set(schema, t);
    }
    return t;
  };
  const dataFor = (clause: CRule) => {
    const found = byClauseData.get(locationKey(clause.origin.location)) ?? [];
    return found.map((d) => ({ path: d.path, type: typeOfSchema(d.schema, d.schema) }));
  };
  errors.push(...checkRuleTypes(policy.ruleSets, inputFor, { reported, dataFor }));
  return errors.sort(byPosition);
}

/** A location as `file:line:col`. */
function locationKey(l: Location): string {
  return `${l.file}:${l.start.line}:${l.start.column}`;
}

/** The rule a clause belongs to, for `scope: document` annotations. */
function documentKey(rule: ast.Rule): string {
  return `${rule.packagePath.join('.')}\u0000${formatRef(rule.head.ref)}`;
}

/** The schema of the nearest package at or above `path` with a `scope: subpackages` annotation. */
function enclosing(subpackages: Map<string, unknown>, path: readonly string[]): unknown {
  for (let n = path.length; n > 0; n--) {
    const found = subpackages.get(path.slice(0, n).join('.'));
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Marks an annotation that overrides a path below `input` (`input.x: schema.y`): not modelled. */
const unchecked = Symbol('unchecked');

/**
 * The input schema a `schemas:` annotation names, if any (the last `input:` entry wins, as in OPA);
 * an unknown `schema.x` is an error. An entry for a path below `input` merges a schema into the
 * input's type, which this check does not model, so such a rule is not checked at all.
 */
function annotationSchema(
  a: ast.Annotations | undefined,
  schemas: SchemaSet,
  errors: ClearanceError[],
): unknown {
  const list = a?.raw.schemas;
  if (!Array.isArray(list)) return undefined;
  let result: unknown;
  let overrides = false;
  for (const entry of list) {
    if (!entry || typeof entry !== 'object') continue;
    for (const [key, value] of Object.entries(entry as Record<string, unknown>)) {
      if (/^input[.[]/.test(key)) overrides = true;
      if (key !== 'input') continue;
      result = typeof value === 'string' ? namedSchema(value, a, schemas, errors) : value;
    }
  }
  return overrides ? unchecked : result;
}

/**
 * The `data` paths a rule's own `schemas:` annotation types (`- data.acl: schema["acl-schema"]`),
 * in order; an entry below another rule's or package's annotation is not modelled.
 */
function dataSchemas(
  a: ast.Annotations | undefined,
  schemas: SchemaSet,
  errors: ClearanceError[],
): Array<{ path: string[]; schema: Schema }> {
  const list = a?.raw.schemas;
  if (!Array.isArray(list)) return [];
  const found: Array<{ path: string[]; schema: Schema }> = [];
  for (const entry of list) {
    if (!entry || typeof entry !== 'object') continue;
    for (const [key, value] of Object.entries(entry as Record<string, unknown>)) {
      const m = /^data((?:\.[A-Za-z_][A-Za-z0-9_]*)+)$/.exec(key.trim());
      if (!m) continue;
      const schema = typeof value === 'string' ? namedSchema(value, a, schemas, errors) : value;
      if (isSchema(schema)) found.push({ path: (m[1] as string).slice(1).split('.'), schema });
    }
  }
  // The longest path first, so a ref reads the most specific annotation.
  return found.sort((x, y) => y.path.length - x.path.length);
}

/** The schema `schema.name` / `schema["name"]` names; an unknown one is OPA's `undefined schema`. */
function namedSchema(
  value: string,
  a: ast.Annotations | undefined,
  schemas: SchemaSet,
  errors: ClearanceError[],
): unknown {
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
    // `additionalProperties: true` leaves the object closed, as OPA's schema reading does.
    const open = isSchema(extra) || isSchema(node.patternProperties);
    return {
      kind: 'object',
      properties,
      open,
      additional: isSchema(extra) ? resolve(extra, root) : undefined,
    };
  }
  return { kind: 'unknown' };
}

/** Orders errors by where they start, as OPA lists a rule's type errors. */
function byPosition(a: ClearanceError, b: ClearanceError): number {
  const x = a.location?.start;
  const y = b.location?.start;
  return (
    (a.location?.file ?? '').localeCompare(b.location?.file ?? '') ||
    (x?.line ?? 0) - (y?.line ?? 0) ||
    (x?.column ?? 0) - (y?.column ?? 0)
  );
}
