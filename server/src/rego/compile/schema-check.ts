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
import { overrideType, typeOfSchema } from '../types/from-schema';
import { A, type Type } from '../types/types';
import { compileModules, type Policy } from './compile';
import type { CRule } from './ir';
import { collectAnnotations, type SchemaEntry, type SchemaSet } from './schema-annotations';
import { isSchema, resolve, type Schema } from './schema-json';
import { formatRef } from './term-facts';

export type { SchemaSet } from './schema-annotations';

/**
 * Type-checks every rule of `modules` as OPA's type checker does with schemas; returns OPA's type
 * errors. A rule's input type starts from `global` (`--schema FILE`'s input schema; `null` for
 * none, as with a `--schema` folder and in OPA's annotation tests), then each `schemas:` entry
 * that applies to the rule (see schema-annotations.ts) replaces it (`input`) or a path below it
 * (`input.a.b`, as OPA's `override`); `data.x` entries type refs into `data`. Every static `input`
 * ref is also walked through the rule's input schema (when no entry overrides a path below it).
 */
export function checkInputSchemas(
  modules: readonly ast.Module[],
  schemas: SchemaSet,
  global: unknown = null,
  compiled?: { policy: Policy; errors: readonly ClearanceError[] },
): ClearanceError[] {
  const errors: ClearanceError[] = [];
  const entriesFor = collectAnnotations(modules, schemas, errors);
  const byClause = new Map<string, SchemaEntry[]>();
  for (const m of modules) {
    for (const rule of m.rules) {
      const entries = entriesFor(rule);
      byClause.set(locationKey(rule.location), entries);
      const input = entries.filter((e) => e.path[0] === 'input');
      if (input.some((e) => e.path.length > 1)) continue;
      const schema = input.length > 0 ? input[input.length - 1]?.schema : global;
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
  const typeOf = (schema: Schema): Type => {
    let t = types.get(schema);
    if (!t) {
      t = typeOfSchema(schema, schema);
      types.set(schema, t);
    }
    return t;
  };
  const entriesOf = (clause: CRule) => byClause.get(locationKey(clause.origin.location)) ?? [];
  const inputFor = (clause: CRule): Type => {
    let t: Type | undefined = isSchema(global) ? typeOf(global) : undefined;
    for (const e of entriesOf(clause)) {
      if (e.path[0] !== 'input') continue;
      t = e.path.length === 1 ? typeOf(e.schema) : overrideType(e.path.slice(1), t, typeOf(e.schema));
    }
    return t ?? A;
  };
  const dataFor = (clause: CRule) =>
    entriesOf(clause)
      .filter((e) => e.path[0] === 'data' && e.path.length > 1)
      .map((e) => ({ path: e.path.slice(1), type: typeOf(e.schema) }))
      // The longest path first, so a ref reads the most specific annotation.
      .sort((x, y) => y.path.length - x.path.length);
  errors.push(...checkRuleTypes(policy.ruleSets, inputFor, { reported, dataFor }));
  return errors.sort(byPosition);
}

/** A location as `file:line:col`. */
function locationKey(l: Location): string {
  return `${l.file}:${l.start.line}:${l.start.column}`;
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
