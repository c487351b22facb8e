/**
 * Direct evaluation of terms that have at most one value and bind nothing: constants, bound
 * variables, refs with constant or bound keys into the input or a local value, and collections of
 * these. Most arguments of calls (`input.user.role == "admin"`, `{"action": input.action}`) are
 * such terms; evaluating them as plain values skips the continuation for each item that the
 * general path (`Evaluator.evalItems`) needs for terms that iterate. Anything else answers
 * NOT_DIRECT and takes the general path, so no answer changes. Not used with unknowns.
 */

import type { CTerm } from '../compile/ir';
import { equalValues, RegoObject, RegoSet, type Value } from '../value/value';
import type { Evaluator, Frame } from './eval';
import { COMPOSITE, NOTHING, scalarAt } from './eval-input';
import { lookupKey } from './eval-refs';
import type { EValue } from './partial';

/** The term needs the general path (it may iterate, bind, or call). */
export const NOT_DIRECT: unique symbol = Symbol('not direct');

/** A term's only value, undefined when it has none, or NOT_DIRECT. */
export type Direct = Value | undefined | typeof NOT_DIRECT;

/** The value of a term evaluated directly (see the file comment). */
export function directValue(ev: Evaluator, t: CTerm, f: Frame): Direct {
  switch (t.t) {
    case 'val':
      return t.v;
    case 'var': {
      const v = f[t.slot];
      return v === undefined ? NOT_DIRECT : (v as Value);
    }
    case 'ref':
      return directRef(ev, t, f);
    case 'array':
      return directItems(ev, t.items, f);
    case 'set': {
      const out = directItems(ev, t.items, f);
      return out === undefined || out === NOT_DIRECT ? out : RegoSet.of(out);
    }
    case 'object': {
      const entries = t.entries;
      const pairs: Value[] = new Array(entries.length * 2);
      for (let i = 0; i < entries.length; i++) {
        const [a, b] = entries[i] as [CTerm, CTerm];
        const key = directValue(ev, a, f);
        if (key === NOT_DIRECT) return NOT_DIRECT;
        const value = directValue(ev, b, f);
        if (value === NOT_DIRECT) return NOT_DIRECT;
        // As in the general path, an item without a value ends the evaluation of the rest.
        if (key === undefined || value === undefined) return undefined;
        pairs[2 * i] = key;
        pairs[2 * i + 1] = value;
      }
      const o = new RegoObject();
      for (let i = 0; i < pairs.length; i += 2) o.set(pairs[i] as Value, pairs[i + 1] as Value);
      return o;
    }
    default:
      return NOT_DIRECT;
  }
}

/** The values of terms evaluated directly, in order (a new array). */
export function directItems(
  ev: Evaluator,
  items: CTerm[],
  f: Frame,
): Value[] | undefined | typeof NOT_DIRECT {
  const out: Value[] = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const v = directValue(ev, items[i] as CTerm, f);
    if (v === NOT_DIRECT) return NOT_DIRECT;
    if (v === undefined) return undefined;
    out[i] = v;
  }
  return out;
}

/** A ref into the input or a bound variable whose keys are all constants or bound variables. */
function directRef(ev: Evaluator, t: Extract<CTerm, { t: 'ref' }>, f: Frame): Direct {
  const head = t.head;
  const path = t.path;
  let cur: EValue | undefined;
  if (head.t === 'root') {
    if (head.which !== 'input') return NOT_DIRECT;
    const json = ev.ctx.json;
    if (json !== undefined) {
      const read = scalarAt(json, path, f);
      if (read === NOTHING) return undefined;
      if (read !== COMPOSITE) return read;
    }
    cur = ev.inputValue();
  } else if (head.t === 'var') {
    cur = f[head.slot];
    if (cur === undefined) return NOT_DIRECT;
  } else {
    return NOT_DIRECT;
  }
  for (let i = 0; i < path.length; i++) {
    const p = path[i] as CTerm;
    const key = p.t === 'val' ? p.v : p.t === 'var' ? f[p.slot] : undefined;
    if (key === undefined) return NOT_DIRECT;
    // A missing step ends the ref, as in walkValue: later keys are never evaluated.
    if (cur === undefined) return undefined;
    cur = lookupKey(cur as Value, key as Value);
  }
  return cur as Value | undefined;
}

/**
 * `x == {"k": v, ...}` (either side) with constant, distinct keys and direct values, compared
 * without building the object: true, false, undefined (a side has no value), or NOT_DIRECT.
 */
export function directEqualsObject(
  ev: Evaluator,
  args: CTerm[],
  f: Frame,
): boolean | undefined | typeof NOT_DIRECT {
  const [a, b] = args;
  if (a === undefined || b === undefined || args.length !== 2) return NOT_DIRECT;
  const literal = b.t === 'object' ? b : a.t === 'object' ? a : undefined;
  if (literal === undefined || literal.entries.length > 8) return NOT_DIRECT;
  const entries = literal.entries;
  for (let i = 0; i < entries.length; i++) {
    const key = (entries[i] as [CTerm, CTerm])[0];
    if (key.t !== 'val') return NOT_DIRECT;
    for (let j = 0; j < i; j++) {
      const before = (entries[j] as [CTerm, CTerm])[0] as Extract<CTerm, { t: 'val' }>;
      if (equalValues(before.v, key.v)) return NOT_DIRECT;
    }
  }
  const other = directValue(ev, literal === b ? a : b, f);
  if (other === NOT_DIRECT) return NOT_DIRECT;
  // Every value is evaluated, as building the object would: one without a value makes it undefined.
  let equal = other instanceof RegoObject && other.size === entries.length;
  for (const [key, term] of entries) {
    const value = directValue(ev, term, f);
    if (value === NOT_DIRECT) return NOT_DIRECT;
    if (value === undefined) return undefined;
    if (equal) {
      const found = (other as RegoObject).get((key as Extract<CTerm, { t: 'val' }>).v);
      equal = found !== undefined && equalValues(found, value);
    }
  }
  return other === undefined ? undefined : equal;
}
