/**
 * Refs at evaluation time: walking a path into `input` (honouring unknown prefixes), into any
 * value (iterating unbound keys), or along an Unknown; plus the collection helpers the evaluator
 * and rules share.
 */

import type { CTerm } from '../compile/ir';
import { formatRegoValue, num, type RegoNumber, RegoObject, RegoSet, type Value } from '../value/value';
import type { Evaluator, Frame, VK } from './eval';
import { directValue, NOT_DIRECT } from './eval-direct';
import { isEvaluable, match } from './eval-unify';
import { appendRefStep, type EValue, refText, relateToUnknowns, Unknown } from './partial';

/** Walks `input` tracking the path, so reads under unknown prefixes become Unknown. */
export function walkInput(
  ev: Evaluator,
  v: EValue | undefined,
  path: CTerm[],
  i: number,
  abs: Value[],
  f: Frame,
  k: VK,
): boolean {
  const prefixes = ev.unknowns as string[][];
  const rel = relateToUnknowns(prefixes, abs);
  if (rel === 'none') return v === undefined ? false : walkValue(ev, v, path, i, f, k);
  const p = path[i];
  if (p === undefined) {
    if (rel === 'below' && v !== undefined) return k(v);
    return k(new Unknown(refText('input', abs)));
  }
  if (v instanceof Unknown) return walkValue(ev, v, path, i, f, k);
  // Missing at an unknown prefix: unknown. Missing above one: descend, since only the paths that
  // lead into an unknown prefix are unknown (input.user stays undefined when input is absent).
  if (rel === 'at' && v === undefined)
    return walkValue(ev, new Unknown(refText('input', abs)), path, i, f, k);
  return evalKey(
    ev,
    p,
    f,
    (key, bindSlot) => {
      if (key instanceof Unknown) return walkValue(ev, new Unknown(refText('input', abs)), path, i, f, k);
      if (bindSlot !== undefined && rel !== 'below') {
        return walkValue(ev, new Unknown(refText('input', abs)), path, i, f, k);
      }
      const next = v === undefined || v instanceof Unknown ? undefined : lookupKey(v, key);
      if (next === undefined && rel === 'below') {
        return walkValue(ev, new Unknown(refText('input', [...abs, key])), path, i + 1, f, k);
      }
      return walkInput(ev, next, path, i + 1, [...abs, key], f, k);
    },
    v === undefined || v instanceof Unknown ? undefined : v,
  );
}

/**
 * Produces the key a ref step selects: a ground term's value, or (for an unbound variable) each
 * key of `over` in turn, bound to the variable while `k` runs.
 */
export function evalKey(
  ev: Evaluator,
  p: CTerm,
  f: Frame,
  k: (key: EValue, boundSlot?: number) => boolean,
  over: Value | undefined,
): boolean {
  if (p.t === 'val') return k(p.v);
  if (p.t === 'var') {
    const cur = f[p.slot];
    if (cur !== undefined) return k(cur);
    if (over === undefined) return k(new Unknown(`_`), p.slot);
    for (const key of keysOf(over)) {
      ev.limits.step();
      f[p.slot] = key;
      try {
        if (k(key, p.slot)) return true;
      } finally {
        f[p.slot] = undefined;
      }
    }
    return false;
  }
  if (!isEvaluable(p, f)) {
    if (over === undefined) return false;
    for (const key of keysOf(over)) {
      ev.limits.step();
      if (match(ev, p, key, f, () => k(key))) return true;
    }
    return false;
  }
  return ev.evalTerm(p, f, (key) => k(key));
}

/** Walks the remaining ref path into a value. */
export function walkValue(ev: Evaluator, v: EValue, path: CTerm[], i: number, f: Frame, k: VK): boolean {
  let cur: EValue = v;
  for (let j = i; j < path.length; j++) {
    const p = path[j] as CTerm;
    if (cur instanceof Unknown) return walkUnknown(ev, cur, path, j, f, k);
    let key: EValue | undefined;
    if (p.t === 'val') key = p.v;
    else if (p.t === 'var') key = f[p.slot];
    else if (ev.unknowns === undefined) {
      // A key such as `input.user` in `data.user_roles[input.user]`: one value or none.
      const direct = directValue(ev, p, f);
      if (direct === undefined) return false;
      if (direct !== NOT_DIRECT) key = direct;
    }
    if (key === undefined) {
      const base: Value = cur;
      if (p.t === 'var') return iterateValue(ev, base, p.slot, path, j + 1, f, k);
      return evalKey(
        ev,
        p,
        f,
        (kv) => {
          if (kv instanceof Unknown)
            return walkUnknown(ev, new Unknown(appendRefStep(formatRegoValue(base), kv)), path, j + 1, f, k);
          const next = lookupKey(base, kv);
          return next === undefined ? false : walkValue(ev, next, path, j + 1, f, k);
        },
        base,
      );
    }
    if (key instanceof Unknown)
      return walkUnknown(ev, new Unknown(`${formatRegoValue(cur)}[${key.text}]`), path, j + 1, f, k);
    const next = lookupKey(cur, key);
    if (next === undefined) return false;
    cur = next;
  }
  return k(cur);
}

/**
 * Iterates a collection for a ref step that is an unbound variable (`roles[_]`), binding each key
 * to `slot` and walking on from its value: `evalKey` and `lookupKey` without the list of keys.
 */
function iterateValue(
  ev: Evaluator,
  base: Value,
  slot: number,
  path: CTerm[],
  i: number,
  f: Frame,
  k: VK,
): boolean {
  try {
    if (Array.isArray(base)) {
      for (let n = 0; n < base.length; n++) {
        ev.limits.step();
        const next = base[n];
        f[slot] = indexNumber(n);
        if (next !== undefined && walkValue(ev, next, path, i, f, k)) return true;
      }
    } else if (base instanceof RegoObject) {
      for (const [key, next] of base.entries()) {
        ev.limits.step();
        f[slot] = key;
        if (walkValue(ev, next, path, i, f, k)) return true;
      }
    } else if (base instanceof RegoSet) {
      for (const member of base.values()) {
        ev.limits.step();
        f[slot] = member;
        if (walkValue(ev, member, path, i, f, k)) return true;
      }
    }
    return false;
  } finally {
    f[slot] = undefined;
  }
}

const indexNumbers: RegoNumber[] = [];

/** The Rego number of an array index; small ones are shared, as iterations make them constantly. */
export function indexNumber(i: number): RegoNumber {
  if (i >= 1024) return num(i);
  let n = indexNumbers[i];
  if (n === undefined) {
    n = num(i);
    indexNumbers[i] = n;
  }
  return n;
}

/** Extends an Unknown along the rest of a ref path; unbound variables become Unknown. */
export function walkUnknown(ev: Evaluator, u: Unknown, path: CTerm[], i: number, f: Frame, k: VK): boolean {
  const p = path[i];
  if (p === undefined) return k(u);
  if (p.t === 'var' && f[p.slot] === undefined) {
    // Iterating an Unknown: the key is a variable the residual declares, so conditions on the
    // key and on the value stay linked (`some k, _ in input.resource`, `input.resource[k] == "alice"`).
    const name = ev.iterationVar(p, f, 'k');
    const coll = u.compound ? `(${u.text})` : u.text;
    f[p.slot] = new Unknown(name);
    try {
      return ev.withResidual(`some ${name}, _ in ${coll}`, () =>
        walkUnknown(ev, new Unknown(`${coll}[${name}]`), path, i + 1, f, k),
      );
    } finally {
      f[p.slot] = undefined;
    }
  }
  if (!isEvaluable(p, f)) return walkUnknown(ev, new Unknown(`${u.text}[_]`), path, i + 1, f, k);
  return ev.evalTerm(p, f, (key) =>
    walkUnknown(ev, new Unknown(appendRefStep(u.text, key)), path, i + 1, f, k),
  );
}

/** The value under `key` in a collection (set members map to themselves); undefined if absent. */
export function lookupKey(v: Value, key: Value): Value | undefined {
  if (Array.isArray(v)) {
    if (
      typeof key !== 'object' ||
      key === null ||
      Array.isArray(key) ||
      key instanceof RegoSet ||
      key instanceof RegoObject
    ) {
      return undefined;
    }
    if (key.exp < 0) return undefined;
    const idx = Number(key.coef) * 10 ** key.exp;
    return Number.isSafeInteger(idx) ? v[idx] : undefined;
  }
  if (v instanceof RegoObject) return v.get(key);
  if (v instanceof RegoSet) return v.get(key);
  return undefined;
}

/** Keys of a collection: indices, object keys, or set members. */
export function keysOf(v: Value): Value[] {
  if (Array.isArray(v)) return v.map((_, i) => indexNumber(i));
  if (v instanceof RegoObject) return v.keys();
  if (v instanceof RegoSet) return v.values();
  return [];
}

/** `[key, value]` pairs of a collection (sets pair each member with itself). */
export function entriesOf(v: Value): Array<[Value, Value]> {
  if (Array.isArray(v)) return v.map((x, i) => [indexNumber(i), x]);
  if (v instanceof RegoObject) return v.entries();
  if (v instanceof RegoSet) return v.values().map((x) => [x, x]);
  return [];
}

/** Returns a copy of `base` with `value` placed at `path` (objects created as needed). */
export function setPath(base: EValue | undefined, path: Value[], value: EValue): EValue {
  const [head, ...rest] = path;
  if (head === undefined) return value;
  const obj = new RegoObject();
  if (base instanceof RegoObject) for (const [k, v] of base.entries()) obj.set(k, v);
  const child = base instanceof RegoObject ? base.get(head) : undefined;
  const next = setPath(child, rest, value);
  if (next instanceof Unknown) return new Unknown('input');
  obj.set(head, next);
  return obj;
}
