/**
 * Unification: `x = y` in the order safety planning chose, and matching a pattern term against a
 * value (binding its unbound variables in the frame, undone as the continuation returns). An
 * Unknown on either side becomes a residual equality.
 */
import type { CTerm } from '../compile/ir';
import { pairTerms } from '../compile/safety';
import { equalValues, formatRegoValue, RegoObject } from '../value/value';
import type { Evaluator } from './eval';
import type { Frame, K } from './eval-context';
import { type EValue, renderOperand, Unknown } from './partial';

/** Unifies two terms in the order safety planning chose. */
export function evalUnify(ev: Evaluator, left: CTerm, right: CTerm, mode: string, f: Frame, k: K): boolean {
  if (mode === 'evalRight') return ev.evalTerm(right, f, (v) => match(ev, left, v, f, k));
  if (mode === 'evalLeft') return ev.evalTerm(left, f, (v) => match(ev, right, v, f, k));
  const pairs = pairTerms(left, right);
  if (pairs) return unifyItems(ev, pairs[0], pairs[1], 0, f, k);
  return ev.evalTerm(right, f, (v) => match(ev, left, v, f, k));
}

/** Unifies two arrays of terms pair by pair. */
function unifyItems(ev: Evaluator, ls: CTerm[], rs: CTerm[], i: number, f: Frame, k: K): boolean {
  const l = ls[i];
  const r = rs[i];
  if (l === undefined || r === undefined) return k();
  const next = (): boolean => unifyItems(ev, ls, rs, i + 1, f, k);
  if (isEvaluable(r, f)) return ev.evalTerm(r, f, (v) => match(ev, l, v, f, next));
  if (isEvaluable(l, f)) return ev.evalTerm(l, f, (v) => match(ev, r, v, f, next));
  const pairs = pairTerms(l, r);
  if (pairs) return unifyItems(ev, pairs[0], pairs[1], 0, f, next);
  return false;
}

/** True when every pattern-position variable of `t` is bound. */
export function isEvaluable(t: CTerm, f: Frame): boolean {
  switch (t.t) {
    case 'var':
      return f[t.slot] !== undefined;
    case 'array':
    case 'set':
      return t.items.every((i) => isEvaluable(i, f));
    case 'object':
      return t.entries.every(([a, b]) => isEvaluable(a, f) && isEvaluable(b, f));
    default:
      return true;
  }
}

/** Matches a pattern term against a value, binding its unbound variables. */
export function match(ev: Evaluator, p: CTerm, v: EValue, f: Frame, k: K): boolean {
  switch (p.t) {
    case 'var': {
      const cur = f[p.slot];
      if (cur === undefined) {
        f[p.slot] = v;
        try {
          return k();
        } finally {
          f[p.slot] = undefined;
        }
      }
      return compareEqual(ev, cur, v, k);
    }
    case 'val':
      return compareEqual(ev, p.v, v, k);
    case 'array':
      if (v instanceof Unknown) return matchUnknown(ev, p, v, f, k);
      if (!Array.isArray(v) || v.length !== p.items.length) return false;
      return matchItems(ev, p.items, v, 0, f, k);
    case 'object':
      if (v instanceof Unknown) return matchUnknown(ev, p, v, f, k);
      if (!(v instanceof RegoObject) || v.size !== p.entries.length) return false;
      return matchEntries(ev, p.entries, v, 0, f, k);
    default:
      return ev.evalTerm(p, f, (pv) => compareEqual(ev, pv, v, k));
  }
}

/** Matches array items pairwise. */
function matchItems(ev: Evaluator, ps: CTerm[], vs: EValue[], i: number, f: Frame, k: K): boolean {
  const p = ps[i];
  if (p === undefined) return k();
  return match(ev, p, vs[i] as EValue, f, () => matchItems(ev, ps, vs, i + 1, f, k));
}

/** Matches object entries: keys are evaluated, values matched. */
function matchEntries(
  ev: Evaluator,
  es: Array<[CTerm, CTerm]>,
  obj: RegoObject,
  i: number,
  f: Frame,
  k: K,
): boolean {
  const e = es[i];
  if (e === undefined) return k();
  return ev.evalTerm(e[0], f, (key) => {
    if (key instanceof Unknown) return false;
    const val = obj.get(key);
    if (val === undefined) return false;
    return match(ev, e[1], val, f, () => matchEntries(ev, es, obj, i + 1, f, k));
  });
}

/** Matches a composite pattern against an Unknown: its variables become Unknown too. */
function matchUnknown(ev: Evaluator, p: CTerm, u: Unknown, f: Frame, k: K): boolean {
  const slots: number[] = [];
  const names: string[] = [];
  const collect = (t: CTerm): void => {
    if (t.t === 'var' && f[t.slot] === undefined) {
      slots.push(t.slot);
      names.push(t.name);
    } else if (t.t === 'array' || t.t === 'set') t.items.forEach(collect);
    else if (t.t === 'object') for (const [, v] of t.entries) collect(v);
  };
  collect(p);
  // A named variable stands for itself: the residual `[a, b] = input.x` binds it.
  slots.forEach((s, i) => {
    const name = names[i] as string;
    f[s] = new Unknown(name.startsWith('$') ? `${renderOperand(u)}[_]` : name);
  });
  try {
    return ev.withResidual(`${renderPatternText(p)} = ${u.text}`, k);
  } finally {
    for (const s of slots) f[s] = undefined;
  }
}

/** Continues when two values are equal; an Unknown side makes the equality a residual. */
export function compareEqual(ev: Evaluator, a: EValue, b: EValue, k: K): boolean {
  if (a instanceof Unknown || b instanceof Unknown) {
    const [x, y] = a instanceof Unknown ? [a, b] : [b, a];
    return ev.withResidual(`${renderOperand(x)} == ${renderOperand(y)}`, k);
  }
  return equalValues(a, b) ? k() : false;
}

/** Rego text for a pattern term (variables by name). */
function renderPatternText(p: CTerm): string {
  switch (p.t) {
    case 'var':
      return p.name.startsWith('$') ? '_' : p.name;
    case 'val':
      return formatRegoValue(p.v);
    case 'array':
      return `[${p.items.map(renderPatternText).join(', ')}]`;
    case 'object':
      return `{${p.entries.map(([a, b]) => `${renderPatternText(a)}: ${renderPatternText(b)}`).join(', ')}}`;
    default:
      return '_';
  }
}
