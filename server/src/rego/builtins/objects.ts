/**
 * Object functions (object.get, keys, remove, union, union_n, filter, subset), JSON path filters
 * (json.filter, json.remove), `walk`, and membership (`in`).
 */
import { equalValues, num, RegoObject, RegoSet, typeNameOf, type Value } from '../value/value';
import {
  arrayArg,
  type BuiltinDef,
  defineBuiltin,
  objectArg,
  operandTypeError,
  param,
  typeError,
} from './registry';

/** Keys given as an array, set or object (object: its keys). */
function keyList(v: Value, pos: number): Value[] {
  if (Array.isArray(v)) return v;
  if (v instanceof RegoSet) return v.values();
  if (v instanceof RegoObject) return v.keys();
  return operandTypeError(pos, v, 'object', 'set', 'array');
}

/** Deep-merges `b` into `a`; `b` wins on non-object conflicts. */
export function mergeObjects(a: RegoObject, b: RegoObject): RegoObject {
  const out = RegoObject.of(a.entries());
  for (const [k, v] of b.entries()) {
    const existing = out.get(k);
    if (existing instanceof RegoObject && v instanceof RegoObject) out.set(k, mergeObjects(existing, v));
    else out.set(k, v);
  }
  return out;
}

/** Parses a JSON path given as "a/b/c" or ["a", "b", "c"]. */
function parsePath(p: Value): Value[] | undefined {
  if (typeof p === 'string') {
    const trimmed = p.replace(/^\/+/, '');
    if (trimmed === '') return [];
    return trimmed.split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  }
  if (Array.isArray(p)) return p;
  return undefined;
}

/** Paths as a tree: each node maps a key to its subtree; `end` marks a path ending there (the whole value). */
type PathTree = Map<string, { key: Value; sub: PathTree; end: boolean }>;

/** Builds a path tree from a list of paths. */
function pathTree(paths: Value[], pos: number): PathTree {
  const root: PathTree = new Map();
  for (const p of paths) {
    const parts = parsePath(p);
    if (!parts) {
      return typeError(
        `operand ${pos} must be one of {set, array} containing string paths or array of path segments but got ${typeNameOf(p)}`,
      );
    }
    let cur = root;
    parts.forEach((part, i) => {
      const k = JSON.stringify(typeof part === 'string' ? part : String(part));
      let next = cur.get(k);
      if (!next) {
        next = { key: part, sub: new Map(), end: false };
        cur.set(k, next);
      }
      if (i === parts.length - 1) next.end = true;
      cur = next.sub;
    });
  }
  return root;
}

/** Reads json.filter's and json.remove's second operand, a set or array of paths, as a path tree. */
function pathTreeArg(args: Value[]): PathTree {
  const paths = args[1] ?? null;
  if (!Array.isArray(paths) && !(paths instanceof RegoSet)) return operandTypeError(2, paths, 'set', 'array');
  return pathTree(Array.isArray(paths) ? paths : paths.values(), 2);
}

/** Keeps only the paths in `tree` (json.filter). */
function filterByTree(v: Value, tree: PathTree): Value {
  if (v instanceof RegoObject) {
    const out = new RegoObject();
    for (const [k, x] of v.entries()) {
      const node = tree.get(JSON.stringify(typeof k === 'string' ? k : String(k)));
      if (node) out.set(k, node.end ? x : filterByTree(x, node.sub));
    }
    return out;
  }
  if (Array.isArray(v)) {
    const out: Value[] = [];
    v.forEach((x, i) => {
      const node = tree.get(JSON.stringify(String(i)));
      if (node) out.push(node.end ? x : filterByTree(x, node.sub));
    });
    return out;
  }
  if (v instanceof RegoSet) {
    const out = new RegoSet();
    for (const x of v.values()) {
      const node = tree.get(JSON.stringify(typeof x === 'string' ? x : String(x)));
      if (node) out.add(node.end ? x : filterByTree(x, node.sub));
    }
    return out;
  }
  return v;
}

/** Removes the paths in `tree` (json.remove). */
function removeByTree(v: Value, tree: PathTree): Value | undefined {
  if (v instanceof RegoObject) {
    const out = new RegoObject();
    for (const [k, x] of v.entries()) {
      const node = tree.get(JSON.stringify(typeof k === 'string' ? k : String(k)));
      if (!node) out.set(k, x);
      else if (!node.end) {
        const r = removeByTree(x, node.sub);
        if (r !== undefined) out.set(k, r);
      }
    }
    return out;
  }
  if (Array.isArray(v)) {
    const out: Value[] = [];
    v.forEach((x, i) => {
      const node = tree.get(JSON.stringify(String(i)));
      if (!node) out.push(x);
      else if (!node.end) {
        const r = removeByTree(x, node.sub);
        if (r !== undefined) out.push(r);
      }
    });
    return out;
  }
  if (v instanceof RegoSet) {
    const out = new RegoSet();
    for (const x of v.values()) {
      const node = tree.get(JSON.stringify(typeof x === 'string' ? x : String(x)));
      if (!node) out.add(x);
      else if (!node.end) {
        const r = removeByTree(x, node.sub);
        if (r !== undefined) out.add(r);
      }
    }
    return out;
  }
  return v;
}

/** True when `sub` is contained in `sup` (object.subset semantics). */
function isSubset(sup: Value, sub: Value): boolean {
  if (sup instanceof RegoObject && sub instanceof RegoObject) {
    for (const [k, v] of sub.entries()) {
      const w = sup.get(k);
      if (w === undefined || !isSubset(w, v)) return false;
    }
    return true;
  }
  if (sup instanceof RegoSet && sub instanceof RegoSet) return sub.values().every((v) => sup.has(v));
  if (Array.isArray(sup) && Array.isArray(sub)) {
    if (sub.length === 0) return true;
    for (let i = 0; i + sub.length <= sup.length; i++) {
      if (sub.every((x, j) => equalValues(x, sup[i + j] as Value))) return true;
    }
    return false;
  }
  if (Array.isArray(sup) && sub instanceof RegoSet)
    return sub.values().every((v) => sup.some((x) => equalValues(x, v)));
  return equalValues(sup, sub);
}

/** Every [path, value] pair under a value, parents first (for `walk`). */
function walkPairs(v: Value, path: Value[], out: Value[]): void {
  out.push([path, v]);
  if (Array.isArray(v)) {
    v.forEach((x, i) => {
      walkPairs(x, [...path, num(i)], out);
    });
  } else if (v instanceof RegoObject) for (const [k, x] of v.entries()) walkPairs(x, [...path, k], out);
  else if (v instanceof RegoSet) for (const x of v.values()) walkPairs(x, [...path, x], out);
}

/** True when `x` is a member (value) of the collection. */
function memberOf(x: Value, c: Value): boolean {
  if (Array.isArray(c)) return c.some((v) => equalValues(v, x));
  if (c instanceof RegoSet) return c.has(x);
  if (c instanceof RegoObject) return c.entries().some(([, v]) => equalValues(v, x));
  return false;
}

/** The object and membership builtins. */
export const objectBuiltins: BuiltinDef[] = [
  defineBuiltin({
    name: 'object.get',
    signature: {
      args: [param('object', 'object[any: any]'), param('key', 'any'), param('default', 'any')],
      result: param('value', 'any'),
    },
    description:
      "Returns the value of an object's key if present, otherwise a default; an array key is a path.",
    implementation: (args) => {
      const obj = objectArg(args, 0);
      const key = args[1] ?? null;
      const dflt = args[2] ?? null;
      if (Array.isArray(key)) {
        let cur: Value = obj;
        for (const k of key) {
          let next: Value | undefined;
          if (cur instanceof RegoObject) next = cur.get(k);
          else if (Array.isArray(cur) && typeof k === 'object' && k !== null && 'coef' in k)
            next = cur[Number(k.toString())];
          else if (cur instanceof RegoSet) next = cur.get(k);
          if (next === undefined) return dflt;
          cur = next;
        }
        return cur;
      }
      return obj.get(key) ?? dflt;
    },
  }),
  defineBuiltin({
    name: 'object.keys',
    signature: { args: [param('object', 'object[any: any]')], result: param('value', 'set[any]') },
    description: "Returns a set of an object's keys.",
    implementation: (args) => RegoSet.of(objectArg(args, 0).keys()),
  }),
  defineBuiltin({
    name: 'object.remove',
    signature: {
      args: [
        param('object', 'object[any: any]'),
        param('keys', 'any<array[any], object[any: any], set[any]>'),
      ],
      result: param('output', 'object[any: any]'),
    },
    description: 'Removes specified keys from an object.',
    implementation: (args) => {
      const obj = objectArg(args, 0);
      const drop = RegoSet.of(keyList(args[1] ?? null, 2));
      return RegoObject.of(obj.entries().filter(([k]) => !drop.has(k)));
    },
  }),
  defineBuiltin({
    name: 'object.filter',
    signature: {
      args: [
        param('object', 'object[any: any]'),
        param('keys', 'any<array[any], object[any: any], set[any]>'),
      ],
      result: param('filtered', 'object[any: any]'),
    },
    description: 'Filters the object by keeping only specified keys.',
    implementation: (args) => {
      const obj = objectArg(args, 0);
      const keep = RegoSet.of(keyList(args[1] ?? null, 2));
      return RegoObject.of(obj.entries().filter(([k]) => keep.has(k)));
    },
  }),
  defineBuiltin({
    name: 'object.union',
    signature: {
      args: [param('a', 'object[any: any]'), param('b', 'object[any: any]')],
      result: param('output', 'any'),
    },
    description: 'Creates a new object of the asymmetric union of two objects; `b` wins on conflicts.',
    implementation: (args) => mergeObjects(objectArg(args, 0), objectArg(args, 1)),
  }),
  defineBuiltin({
    name: 'object.union_n',
    signature: { args: [param('objects', 'array[object[any: any]]')], result: param('output', 'any') },
    description:
      'Creates a new object that is the asymmetric union of all objects merged from left to right.',
    implementation: (args) => {
      let out = new RegoObject();
      for (const o of arrayArg(args, 0)) {
        if (!(o instanceof RegoObject)) typeError('operand 1 must be array of objects');
        out = mergeObjects(out, o);
      }
      return out;
    },
  }),
  defineBuiltin({
    name: 'object.subset',
    signature: {
      args: [
        param('super', 'any<array[any], object[any: any], set[any]>'),
        param('sub', 'any<array[any], object[any: any], set[any]>'),
      ],
      result: param('result', 'any'),
    },
    description: 'Determines if an object `sub` is a subset of another object `super`.',
    implementation: ([a, b]) => {
      const sup = a ?? null;
      const sub = b ?? null;
      const ok = (v: Value) => Array.isArray(v) || v instanceof RegoObject || v instanceof RegoSet;
      if (!ok(sup)) operandTypeError(1, sup, 'object', 'set', 'array');
      if (!ok(sub)) operandTypeError(2, sub, 'object', 'set', 'array');
      if (sup instanceof RegoObject !== sub instanceof RegoObject) {
        typeError('both arguments to object.subset must be of the same type or array and set');
      }
      return isSubset(sup, sub);
    },
  }),
  defineBuiltin({
    name: 'json.filter',
    signature: {
      args: [param('object', 'object[any: any]'), param('paths', 'any<array[any], set[any]>')],
      result: param('filtered', 'any'),
    },
    description: 'Filters the object; only the given JSON paths are kept.',
    implementation: (args) => {
      const obj = objectArg(args, 0);
      return filterByTree(obj, pathTreeArg(args));
    },
  }),
  defineBuiltin({
    name: 'json.remove',
    signature: {
      args: [param('object', 'object[any: any]'), param('paths', 'any<array[any], set[any]>')],
      result: param('output', 'any'),
    },
    description: 'Removes paths from an object.',
    implementation: (args) => {
      const obj = objectArg(args, 0);
      return removeByTree(obj, pathTreeArg(args)) ?? new RegoObject();
    },
  }),
  defineBuiltin({
    name: 'walk',
    relation: true,
    signature: { args: [param('x', 'any')], result: param('output', 'array<array[any], any>') },
    description: 'Generates `[path, value]` tuples for all nested documents of `x` (recursively).',
    implementation: ([x]) => {
      const out: Value[] = [];
      walkPairs(x ?? null, [], out);
      return out;
    },
  }),
  defineBuiltin({
    name: 'internal.member_2',
    infix: 'in',
    signature: { args: [param('x', 'any'), param('y', 'any')], result: param('result', 'boolean') },
    description: 'Returns true if `x` is a member of the collection `y`.',
    implementation: ([x, c]) => memberOf(x ?? null, c ?? null),
  }),
  defineBuiltin({
    name: 'internal.member_3',
    infix: 'in',
    signature: {
      args: [param('k', 'any'), param('x', 'any'), param('y', 'any')],
      result: param('result', 'boolean'),
    },
    description: 'Returns true if `k, x` is a key/value pair of the collection `y`.',
    implementation: ([k, x, c]) => {
      const coll = c ?? null;
      if (Array.isArray(coll)) {
        if (typeof k !== 'object' || k === null || !('coef' in k)) return false;
        const i = Number(k.toString());
        return Number.isInteger(i) && i >= 0 && i < coll.length && equalValues(coll[i] as Value, x ?? null);
      }
      if (coll instanceof RegoObject) {
        const v = coll.get(k ?? null);
        return v !== undefined && equalValues(v, x ?? null);
      }
      if (coll instanceof RegoSet) return equalValues(k ?? null, x ?? null) && coll.has(x ?? null);
      return false;
    },
  }),
];
