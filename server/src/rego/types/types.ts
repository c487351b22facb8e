/**
 * Rego's types as OPA's type checker models them (v1/types/types.go): the four scalars, arrays
 * with static and dynamic parts, objects with static and dynamic properties, sets, `any<...>`
 * unions (`any` alone is every type) and functions. `undefined` is OPA's nil type (unknown yet).
 * The operations (`or`, `select`, `keys`, `values`, `compare`, `unifies`) and the printed form
 * (`sprint`) follow OPA's, so error messages read as OPA's do.
 */
import { isInteger, toSafeInteger } from '../value/number';
import { RegoNumber, RegoObject, RegoSet, type Value } from '../value/value';

/** A static object key: a JSON scalar (composite keys are not typed statically here). */
export type Key = null | boolean | number | string;

/** A Rego type; `undefined` stands for OPA's nil (unknown) type. */
export type Type =
  | { k: 'null' }
  | { k: 'boolean' }
  | { k: 'number' }
  | { k: 'string' }
  | { k: 'array'; st: Type[]; dyn?: Type }
  | { k: 'object'; st: Array<{ key: Key; v: Type }>; dyn?: { key: Type; v: Type } }
  | { k: 'set'; of: Type }
  | { k: 'any'; of: Type[] }
  | { k: 'fn'; args: Type[]; result?: Type };

/** OPA's `types.Nl`, `types.B`, `types.N`, `types.S`, `types.A`. */
export const NL: Type = { k: 'null' };
export const B: Type = { k: 'boolean' };
export const N: Type = { k: 'number' };
export const S: Type = { k: 'string' };
export const A: Type = { k: 'any', of: [] };

/** An array type. */
export function arrayOf(st: Type[], dyn?: Type): Type {
  return dyn === undefined ? { k: 'array', st } : { k: 'array', st, dyn };
}

/** An object type; static properties are sorted by key as OPA's `NewObject` sorts them. */
export function objectOf(st: Array<{ key: Key; v: Type }>, dyn?: { key: Type; v: Type }): Type {
  const sorted = [...st].sort((a, b) => compareKeys(a.key, b.key));
  return dyn === undefined ? { k: 'object', st: sorted } : { k: 'object', st: sorted, dyn };
}

/** A set type. */
export function setOf(of: Type): Type {
  return { k: 'set', of };
}

const order: Record<Type['k'], number> = {
  null: 0,
  boolean: 1,
  number: 2,
  string: 3,
  array: 4,
  object: 5,
  set: 6,
  any: 7,
  fn: 8,
};

/** OPA's `util.Compare` on static keys: null < boolean < number < string. */
export function compareKeys(a: Key, b: Key): number {
  const rank = (x: Key) => (x === null ? 0 : typeof x === 'boolean' ? 1 : typeof x === 'number' ? 2 : 3);
  const d = rank(a) - rank(b);
  if (d !== 0) return d;
  if (a === b) return 0;
  return (a as number | string | boolean) < (b as number | string | boolean) ? -1 : 1;
}

/** OPA's `types.Compare`: a total order on types (unions are kept sorted by it). */
export function compare(a: Type | undefined, b: Type | undefined): number {
  const x = a === undefined ? -1 : order[a.k];
  const y = b === undefined ? -1 : order[b.k];
  if (x !== y) return x < y ? -1 : 1;
  if (a === undefined || b === undefined) return 0;
  switch (a.k) {
    case 'array': {
      const o = b as Extract<Type, { k: 'array' }>;
      if (a.dyn && !o.dyn) return 1;
      if (o.dyn && !a.dyn) return -1;
      if (a.dyn && o.dyn) {
        const c = compare(a.dyn, o.dyn);
        if (c !== 0) return c;
      }
      return compareLists(a.st, o.st);
    }
    case 'object': {
      const o = b as Extract<Type, { k: 'object' }>;
      if (a.dyn && !o.dyn) return 1;
      if (o.dyn && !a.dyn) return -1;
      if (a.dyn && o.dyn) {
        const c = compare(a.dyn.key, o.dyn.key) || compare(a.dyn.v, o.dyn.v);
        if (c !== 0) return c;
      }
      for (let i = 0; i < Math.min(a.st.length, o.st.length); i++) {
        const p = a.st[i] as { key: Key; v: Type };
        const q = o.st[i] as { key: Key; v: Type };
        const c = compareKeys(p.key, q.key) || compare(p.v, q.v);
        if (c !== 0) return c;
      }
      return Math.sign(a.st.length - o.st.length);
    }
    case 'set':
      return compare(a.of, (b as Extract<Type, { k: 'set' }>).of);
    case 'any':
      return compareLists(a.of, (b as Extract<Type, { k: 'any' }>).of);
    case 'fn': {
      const o = b as Extract<Type, { k: 'fn' }>;
      if (a.args.length !== o.args.length) return a.args.length < o.args.length ? -1 : 1;
      return compareLists(a.args, o.args) || compare(a.result, o.result);
    }
    default:
      return 0;
  }
}

function compareLists(a: readonly Type[], b: readonly Type[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = compare(a[i], b[i]);
    if (c !== 0) return c;
  }
  return Math.sign(a.length - b.length);
}

/** True for `any` (every type). */
export function isAny(t: Type | undefined): boolean {
  return t?.k === 'any' && t.of.length === 0;
}

/** OPA's `Any.Contains`. */
function anyContains(of: readonly Type[], t: Type): boolean {
  if (t.k === 'fn') return false;
  return of.length === 0 || of.some((x) => compare(x, t) === 0);
}

/** OPA's `types.Contains`: `a` is a superset of or equal to `b`. */
export function contains(a: Type, b: Type): boolean {
  return a.k === 'any' ? anyContains(a.of, b) : compare(a, b) === 0;
}

/** Adds `t` to a sorted union (OPA's `Any.Merge`). */
function anyMerge(of: Type[], t: Type): Type {
  if (of.length === 0) return A;
  if (t.k === 'any') {
    if (t.of.length === 0) return A;
    let result: Type = { k: 'any', of };
    for (const x of t.of) result = anyMerge((result as { of: Type[] }).of, x);
    return result;
  }
  if (anyContains(of, t)) return { k: 'any', of };
  return { k: 'any', of: [...of, t].sort(compare) };
}

/** OPA's `types.Or`: the union of two types (functions are not unioned here: nil). */
export function or(a: Type | undefined, b: Type | undefined): Type | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  if (a.k === 'fn' || b.k === 'fn') return undefined;
  if (a.k === 'any') return anyMerge(a.of, b);
  if (b.k === 'any') return anyMerge(b.of, a);
  if (compare(a, b) === 0) return a;
  return { k: 'any', of: [a, b].sort(compare) };
}

/** The type of a value's JSON form, as OPA's `types.TypeOf` (used for keys). */
function keyType(key: Key): Type {
  return key === null ? NL : typeof key === 'boolean' ? B : typeof key === 'number' ? N : S;
}

/** OPA's `types.Select`: the type of `a[key]`, or nil. */
export function select(a: Type | undefined, key: Key): Type | undefined {
  if (a === undefined) return undefined;
  switch (a.k) {
    case 'array': {
      if (typeof key !== 'number' || !Number.isInteger(key) || key < 0) return undefined;
      return a.st[key] ?? a.dyn;
    }
    case 'object': {
      const hit = a.st.find((p) => compareKeys(p.key, key) === 0);
      if (hit) return hit.v;
      return a.dyn && contains(a.dyn.key, keyType(key)) ? a.dyn.v : undefined;
    }
    case 'set': {
      const t = keyType(key);
      if (compare(a.of, t) === 0) return a.of;
      return a.of.k === 'any' && anyContains(a.of.of, t) ? t : undefined;
    }
    case 'any': {
      if (a.of.length === 0) return A;
      let t: Type | undefined;
      for (const x of a.of) t = or(select(x, key), t);
      return t;
    }
    default:
      return undefined;
  }
}

/** OPA's `types.Keys`: the type of the keys that iterate `a`. */
export function keys(a: Type | undefined): Type | undefined {
  if (a === undefined) return undefined;
  switch (a.k) {
    case 'array':
      return N;
    case 'object': {
      let t: Type | undefined;
      for (const p of a.st) t = or(t, keyType(p.key));
      return a.dyn ? or(t, a.dyn.key) : t;
    }
    case 'set':
      return a.of;
    case 'any': {
      if (a.of.length === 0) return A;
      let t: Type | undefined;
      for (const x of a.of) t = or(keys(x), t);
      return t;
    }
    default:
      return undefined;
  }
}

/** OPA's `types.Values`: the type of the values that iterate `a`. */
export function values(a: Type | undefined): Type | undefined {
  if (a === undefined) return undefined;
  switch (a.k) {
    case 'array': {
      let t: Type | undefined;
      for (const x of a.st) t = or(t, x);
      return or(t, a.dyn);
    }
    case 'object': {
      let t: Type | undefined;
      for (const p of a.st) t = or(t, p.v);
      return a.dyn ? or(t, a.dyn.v) : t;
    }
    case 'set':
      return a.of;
    case 'any': {
      if (a.of.length === 0) return A;
      let t: Type | undefined;
      for (const x of a.of) t = or(values(x), t);
      return t;
    }
    default:
      return undefined;
  }
}

/** OPA's `types.Nil`: the type is unknown, or has an unknown part. */
export function isNil(a: Type | undefined): boolean {
  if (a === undefined) return true;
  switch (a.k) {
    case 'array':
      return a.st.some(isNil) || (a.dyn !== undefined && isNil(a.dyn));
    case 'object':
      return a.st.some((p) => isNil(p.v)) || (a.dyn !== undefined && (isNil(a.dyn.key) || isNil(a.dyn.v)));
    case 'set':
      return isNil(a.of);
    case 'fn':
      return a.args.some(isNil) || (a.result !== undefined && isNil(a.result));
    default:
      return false;
  }
}

/** OPA's `unifies` (check.go): can a value of type `a` equal one of type `b`. */
export function unifies(a: Type | undefined, b: Type | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  if (a.k === 'any' && b.k !== 'fn' && (a.of.length === 0 || a.of.some((x) => unifies(x, b)))) return true;
  if (b.k === 'any' && a.k !== 'fn' && (b.of.length === 0 || b.of.some((x) => unifies(x, a)))) return true;
  if (a.k === 'any' || b.k === 'any') return false;
  if (a.k !== b.k) return false;
  switch (a.k) {
    case 'array': {
      const o = b as Extract<Type, { k: 'array' }>;
      const sel = (t: Extract<Type, { k: 'array' }>, i: number) => t.st[i] ?? t.dyn;
      for (let i = 0; i < a.st.length; i++) if (!unifies(a.st[i], sel(o, i))) return false;
      for (let i = 0; i < o.st.length; i++) if (!unifies(o.st[i], sel(a, i))) return false;
      return a.dyn === undefined || o.dyn === undefined || unifies(a.dyn, o.dyn);
    }
    case 'object': {
      const o = b as Extract<Type, { k: 'object' }>;
      for (const p of a.st) if (!unifies(p.v, select(o, p.key))) return false;
      for (const p of o.st) if (!unifies(p.v, select(a, p.key))) return false;
      return a.dyn === undefined || o.dyn === undefined || unifies(a.dyn.v, o.dyn.v);
    }
    case 'set':
      return unifies(a.of, (b as Extract<Type, { k: 'set' }>).of);
    case 'fn': {
      const o = b as Extract<Type, { k: 'fn' }>;
      return a.args.length === o.args.length && a.args.every((x, i) => unifies(x, o.args[i]));
    }
    default:
      return true;
  }
}

/** OPA's `types.Sprint`: `???` for nil. */
export function sprint(t: Type | undefined): string {
  if (t === undefined) return '???';
  switch (t.k) {
    case 'array': {
      let s = 'array';
      if (t.st.length > 0) s += `<${t.st.map(sprint).join(', ')}>`;
      if (t.dyn) s += `[${sprint(t.dyn)}]`;
      return s;
    }
    case 'object': {
      let s = 'object';
      if (t.st.length > 0) s += `<${t.st.map((p) => `${p.key}: ${sprint(p.v)}`).join(', ')}>`;
      if (t.dyn) s += `[${sprint(t.dyn.key)}: ${sprint(t.dyn.v)}]`;
      return s;
    }
    case 'set':
      return `set[${sprint(t.of)}]`;
    case 'any':
      return t.of.length === 0 ? 'any' : `any<${t.of.map(sprint).join(', ')}>`;
    case 'fn':
      return `(${t.args.map(sprint).join(', ')}) => ${sprint(t.result)}`;
    default:
      return t.k;
  }
}

/** A value as a static key, when it is a scalar OPA keeps as one (integers only for numbers). */
export function keyOfValue(v: Value): Key | undefined {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (v instanceof RegoNumber) return isInteger(v) ? toSafeInteger(v) : undefined;
  return undefined;
}

/** The type of a constant, as OPA's `TypeEnv.Get` types a ground term. */
export function typeOfValue(v: Value): Type {
  if (v === null) return NL;
  if (typeof v === 'boolean') return B;
  if (typeof v === 'string') return S;
  if (v instanceof RegoNumber) return N;
  if (Array.isArray(v)) return v.length === 0 ? arrayOf([], A) : arrayOf(v.map(typeOfValue));
  if (v instanceof RegoSet) {
    let t: Type | undefined;
    for (const x of v.values()) t = or(t, typeOfValue(x));
    return setOf(t ?? A);
  }
  if (v instanceof RegoObject) {
    const st: Array<{ key: Key; v: Type }> = [];
    for (const [k, x] of v.entries()) {
      const key = keyOfValue(k);
      // A composite key: OPA keeps its JSON form as the key; not modelled, so nothing is assumed.
      if (key === undefined) return A;
      st.push({ key, v: typeOfValue(x) });
    }
    return st.length === 0 ? objectOf([], { key: A, v: A }) : objectOf(st);
  }
  return A;
}
