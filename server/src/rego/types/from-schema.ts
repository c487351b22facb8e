/**
 * A JSON Schema read as a type, as OPA's schema parser reads one for the type checker: a
 * `properties` object is an object with those static properties (closed unless
 * `additionalProperties` is a schema), `items` an array (a list of schemas a tuple), `anyOf` the
 * union of its branches, `$ref` the schema it points to. Where OPA's reading is not certain to be
 * ours (`allOf` merges, `oneOf`, a list of `type`s, `not`, `if`, remote refs, cycles) the type is
 * `any`, which never makes the checker report an error OPA would not.
 */
import { isSchema, resolve, type Schema } from '../compile/schema-json';
import { A, arrayOf, B, type Key, N, NL, objectOf, or, S, type Type } from './types';

/** The type of `node` (a schema inside `root`). */
export function typeOfSchema(node: unknown, root: Schema, depth = 0): Type {
  if (depth > 32) return A;
  const s = resolve(node, root);
  if (!s) return A;
  if (s.allOf !== undefined || s.oneOf !== undefined || s.not !== undefined || s.if !== undefined) return A;
  if (Array.isArray(s.anyOf)) {
    if (s.type !== undefined || s.anyOf.length === 0) return A;
    let t: Type | undefined;
    for (const b of s.anyOf) t = or(t, typeOfSchema(b, root, depth + 1));
    return t ?? A;
  }
  const type = s.type;
  if (Array.isArray(type)) return A;
  switch (type) {
    case 'boolean':
      return B;
    case 'string':
      return S;
    case 'integer':
    case 'number':
      return N;
    case 'null':
      return NL;
    case 'object':
      return objectType(s, root, depth);
    case 'array':
      return arrayType(s, root, depth);
    case undefined:
      if (isSchema(s.properties) && Object.keys(s.properties).length > 0) return objectType(s, root, depth);
      if (s.items !== undefined) return arrayType(s, root, depth);
      return A;
    default:
      return A;
  }
}

function objectType(s: Schema, root: Schema, depth: number): Type {
  const props = isSchema(s.properties) ? Object.entries(s.properties) : [];
  if (props.length === 0) return objectOf([], { key: A, v: A });
  const st: Array<{ key: Key; v: Type }> = props.map(([key, v]) => ({
    key,
    v: typeOfSchema(v, root, depth + 1),
  }));
  const extra = s.additionalProperties;
  if (isSchema(extra) || isSchema(s.patternProperties)) {
    const v = isSchema(extra) && !isSchema(s.patternProperties) ? typeOfSchema(extra, root, depth + 1) : A;
    return objectOf(st, { key: A, v });
  }
  return objectOf(st);
}

function arrayType(s: Schema, root: Schema, depth: number): Type {
  const items = s.items;
  if (Array.isArray(items)) {
    if (items.length === 0) return arrayOf([], A);
    return arrayOf(items.map((i) => typeOfSchema(i, root, depth + 1)));
  }
  if (isSchema(items)) return arrayOf([], typeOfSchema(items, root, depth + 1));
  return arrayOf([], A);
}

/**
 * OPA's `override` (check.go): `t` with the value at `path` (object keys) replaced by `o`; where
 * `t` is not an object (or has no type yet) the path is built as objects open to any other key.
 */
export function overrideType(path: readonly string[], t: Type | undefined, o: Type): Type {
  const [head, ...rest] = path;
  if (head === undefined) return o;
  const open = { key: A, v: A };
  if (t?.k !== 'object') return nested(path, o, open);
  let found = false;
  const st = t.st.map((p) => {
    if (p.key !== head) return p;
    found = true;
    return { key: p.key, v: rest.length === 0 ? o : overrideType(rest, p.v, o) };
  });
  if (!found) st.push({ key: head, v: rest.length === 0 ? o : nested(rest, o, t.dyn) });
  return objectOf(st, t.dyn);
}

/** OPA's `getObjectType`: nested objects along `path` ending in `o`, each with dynamic part `dyn`. */
function nested(path: readonly string[], o: Type, dyn: { key: Type; v: Type } | undefined): Type {
  const [head, ...rest] = path;
  if (head === undefined) return o;
  return objectOf([{ key: head, v: rest.length === 0 ? o : nested(rest, o, dyn) }], dyn);
}
