/**
 * Orders each body so every variable is bound before it is read, as OPA's compiler does: the
 * first expression (in source order) whose inputs are bound runs next. Decides how each
 * unification is evaluated, and reports `rego_unsafe_var_error` for variables nothing can bind.
 */
import type { ClearanceError, Location } from '../../errors';
import { keyOf } from '../value/value';
import type { CBody, CExpr, CTerm, UnifyMode } from './ir';

/** Reports unsafe variables: what the checker needs to name them and collect errors. */
export interface SafetyContext {
  slotNames: string[];
  errors: ClearanceError[];
}

/** Collects the slots a term reads (`req`) and binds by iterating refs (`gen`). */
export function termVars(t: CTerm, req: Set<number>, gen: Set<number>): void {
  switch (t.t) {
    case 'var':
      req.add(t.slot);
      return;
    case 'val':
    case 'root':
      return;
    case 'ref':
      termVars(t.head, req, gen);
      for (const p of t.path) keyVars(p, req, gen);
      return;
    case 'array':
    case 'set':
      for (const i of t.items) termVars(i, req, gen);
      return;
    case 'object':
      for (const [k, v] of t.entries) {
        termVars(k, req, gen);
        termVars(v, req, gen);
      }
      return;
    case 'call':
      for (const a of t.args) termVars(a, req, gen);
      return;
    case 'template':
      for (const p of t.parts) if (typeof p !== 'string') termVars(p, req, gen);
      return;
    case 'acomp':
    case 'scomp':
    case 'ocomp':
      for (const s of closureFree(t)) req.add(s);
      return;
  }
}

/** Variables of a ref key: at pattern positions they are bound by iterating the collection. */
function keyVars(p: CTerm, req: Set<number>, gen: Set<number>): void {
  switch (p.t) {
    case 'var':
      gen.add(p.slot);
      return;
    case 'array':
    case 'set':
      for (const i of p.items) keyVars(i, req, gen);
      return;
    case 'object':
      for (const [k, v] of p.entries) {
        termVars(k, req, gen);
        keyVars(v, req, gen);
      }
      return;
    default:
      termVars(p, req, gen);
  }
}

/** Slots a closure (comprehension, `not`/`every` body) reads from its enclosing scope. */
export function closureFree(t: CTerm | { body: CBody; extra: CTerm[] }): Set<number> {
  const used = new Set<number>();
  const locals = new Set<number>();
  const visitBody = (b: CBody): void => {
    for (const l of b.locals) locals.add(l);
    for (const e of b.exprs) visitExpr(e);
  };
  const visitTerm = (x: CTerm): void => {
    switch (x.t) {
      case 'var':
        used.add(x.slot);
        return;
      case 'ref':
        visitTerm(x.head);
        for (const p of x.path) visitTerm(p);
        return;
      case 'array':
      case 'set':
        for (const i of x.items) visitTerm(i);
        return;
      case 'object':
        for (const [k, v] of x.entries) {
          visitTerm(k);
          visitTerm(v);
        }
        return;
      case 'call':
        for (const a of x.args) visitTerm(a);
        return;
      case 'template':
        for (const p of x.parts) if (typeof p !== 'string') visitTerm(p);
        return;
      case 'acomp':
      case 'scomp':
        visitBody(x.body);
        visitTerm(x.term);
        return;
      case 'ocomp':
        visitBody(x.body);
        visitTerm(x.key);
        visitTerm(x.value);
        return;
      default:
        return;
    }
  };
  const visitExpr = (e: CExpr): void => {
    for (const w of e.withs ?? []) visitTerm(w.value);
    switch (e.e) {
      case 'term':
        visitTerm(e.term);
        return;
      case 'unify':
        visitTerm(e.left);
        visitTerm(e.right);
        return;
      case 'somein':
        if (e.key) visitTerm(e.key);
        visitTerm(e.value);
        visitTerm(e.coll);
        return;
      case 'every':
        if (e.key) visitTerm(e.key);
        visitTerm(e.value);
        visitTerm(e.coll);
        visitBody(e.body);
        return;
      case 'not':
        visitBody(e.body);
        return;
      case 'logic':
        for (const b of e.operands) visitBody(b);
        return;
      case 'nop':
        return;
    }
  };
  if ('t' in t) visitTerm(t);
  else {
    visitBody(t.body);
    for (const x of t.extra) visitTerm(x);
  }
  for (const l of locals) used.delete(l);
  return used;
}

/** Slots a pattern binds when matched against a value. */
function patternVars(t: CTerm, out: Set<number>): void {
  switch (t.t) {
    case 'var':
      out.add(t.slot);
      return;
    case 'array':
    case 'set':
      for (const i of t.items) patternVars(i, out);
      return;
    case 'object':
      for (const [, v] of t.entries) patternVars(v, out);
      return;
    default: {
      const req = new Set<number>();
      termVars(t, req, out);
      return;
    }
  }
}

/** Slots a pattern needs bound before it can be matched (object keys, refs and calls inside it). */
function patternNeeds(t: CTerm, out: Set<number>): void {
  switch (t.t) {
    case 'var':
      return;
    case 'array':
    case 'set':
      for (const i of t.items) patternNeeds(i, out);
      return;
    case 'object':
      for (const [k, v] of t.entries) {
        termVars(k, out, new Set());
        patternNeeds(v, out);
      }
      return;
    default:
      for (const s of needs(t)) out.add(s);
      return;
  }
}

/** Slots a term needs bound to be evaluated as a value. */
function needs(t: CTerm): Set<number> {
  const req = new Set<number>();
  const gen = new Set<number>();
  termVars(t, req, gen);
  for (const g of gen) req.delete(g);
  return req;
}

/** Slots bound by evaluating a term (ref iteration). */
function gens(t: CTerm): Set<number> {
  const req = new Set<number>();
  const gen = new Set<number>();
  termVars(t, req, gen);
  return gen;
}

/** True when every slot of `s` is in `bound`. */
function subset(s: Set<number>, bound: Set<number>): boolean {
  for (const x of s) if (!bound.has(x)) return false;
  return true;
}

/** Pairs the items of two array terms, or the values of two object terms with the same constant keys. */
export function pairTerms(l: CTerm, r: CTerm): [CTerm[], CTerm[]] | undefined {
  if (l.t === 'array' && r.t === 'array')
    return l.items.length === r.items.length ? [l.items, r.items] : undefined;
  if (l.t !== 'object' || r.t !== 'object' || l.entries.length !== r.entries.length) return undefined;
  const right = new Map<string, CTerm>();
  for (const [k, v] of r.entries) {
    if (k.t !== 'val') return undefined;
    right.set(keyOf(k.v), v);
  }
  const ls: CTerm[] = [];
  const rs: CTerm[] = [];
  for (const [k, v] of l.entries) {
    if (k.t !== 'val') return undefined;
    const other = right.get(keyOf(k.v));
    if (!other) return undefined;
    ls.push(v);
    rs.push(other);
  }
  return [ls, rs];
}

/** How a unification can run now, and what it binds; undefined when it cannot run yet. */
function planUnify(
  l: CTerm,
  r: CTerm,
  bound: Set<number>,
): { mode: UnifyMode; out: Set<number> } | undefined {
  const tryDir = (pat: CTerm, val: CTerm): Set<number> | undefined => {
    if (!subset(needs(val), bound)) return undefined;
    const pn = new Set<number>();
    patternNeeds(pat, pn);
    if (!subset(pn, bound)) return undefined;
    const out = gens(val);
    patternVars(pat, out);
    return out;
  };
  const right = tryDir(l, r);
  if (right) return { mode: 'evalRight', out: right };
  const left = tryDir(r, l);
  if (left) return { mode: 'evalLeft', out: left };
  const pairs = pairTerms(l, r);
  if (pairs) {
    const b = new Set(bound);
    for (let i = 0; i < pairs[0].length; i++) {
      const p = planUnify(pairs[0][i] as CTerm, pairs[1][i] as CTerm, b);
      if (!p) return undefined;
      for (const s of p.out) b.add(s);
    }
    const out = new Set<number>();
    for (const s of b) if (!bound.has(s)) out.add(s);
    return { mode: 'pairwise', out };
  }
  return undefined;
}

/** What an expression binds if it can run with `bound`, else undefined. */
function planExpr(e: CExpr, bound: Set<number>): Set<number> | undefined {
  for (const w of e.withs ?? []) if (!subset(needs(w.value), bound)) return undefined;
  switch (e.e) {
    case 'nop':
      return new Set();
    case 'term':
      return subset(needs(e.term), bound) ? gens(e.term) : undefined;
    case 'unify': {
      const p = planUnify(e.left, e.right, bound);
      if (!p) return undefined;
      e.mode = p.mode;
      return p.out;
    }
    case 'somein': {
      if (!subset(needs(e.coll), bound)) return undefined;
      const pn = new Set<number>();
      if (e.key) patternNeeds(e.key, pn);
      patternNeeds(e.value, pn);
      if (!subset(pn, bound)) return undefined;
      const out = gens(e.coll);
      if (e.key) patternVars(e.key, out);
      patternVars(e.value, out);
      return out;
    }
    case 'every': {
      if (!subset(needs(e.coll), bound)) return undefined;
      const free = closureFree({ body: e.body, extra: e.key ? [e.key, e.value] : [e.value] });
      const pv = new Set<number>();
      if (e.key) patternVars(e.key, pv);
      patternVars(e.value, pv);
      for (const s of pv) free.delete(s);
      return subset(free, bound) ? new Set() : undefined;
    }
    case 'not':
      return subset(closureFree({ body: e.body, extra: [] }), bound) ? new Set() : undefined;
    case 'logic':
      // Like `not`: the operands bind nothing outside themselves, so what they use comes first.
      return e.operands.every((body) => subset(closureFree({ body, extra: [] }), bound))
        ? new Set()
        : undefined;
  }
}

/** The slots an expression still needs, for the unsafe-variable report. */
function missing(e: CExpr, bound: Set<number>): Set<number> {
  const req = new Set<number>();
  const add = (t: CTerm): void => {
    for (const s of needs(t)) if (!bound.has(s)) req.add(s);
  };
  switch (e.e) {
    case 'term':
      add(e.term);
      break;
    case 'unify': {
      const l = needs(e.left);
      const r = needs(e.right);
      const pick = l.size <= r.size ? l : r;
      for (const s of pick) if (!bound.has(s)) req.add(s);
      break;
    }
    case 'somein':
      add(e.coll);
      break;
    case 'every':
      add(e.coll);
      for (const s of closureFree({ body: e.body, extra: [] })) if (!bound.has(s)) req.add(s);
      break;
    case 'not':
      for (const s of closureFree({ body: e.body, extra: [] })) if (!bound.has(s)) req.add(s);
      break;
    case 'logic':
      for (const body of e.operands)
        for (const s of closureFree({ body, extra: [] })) if (!bound.has(s)) req.add(s);
      break;
    default:
      break;
  }
  for (const w of e.withs ?? []) add(w.value);
  return req;
}

/** Reorders `body` in place given the slots bound on entry; returns the slots bound after it. */
export function orderBody(body: CBody, bound: Set<number>, ctx: SafetyContext): Set<number> {
  const b = new Set(bound);
  const pending = [...body.exprs];
  const ordered: CExpr[] = [];
  while (pending.length > 0) {
    let progressed = false;
    for (let i = 0; i < pending.length; i++) {
      const e = pending[i] as CExpr;
      const out = planExpr(e, b);
      if (!out) continue;
      orderClosures(e, b, ctx);
      for (const s of out) b.add(s);
      ordered.push(e);
      pending.splice(i, 1);
      progressed = true;
      break;
    }
    if (!progressed) {
      const reported = new Set<number>();
      for (const e of pending) {
        for (const s of missing(e, b)) {
          if (reported.has(s)) continue;
          reported.add(s);
          reportUnsafe(ctx, s, e.loc);
        }
      }
      if (reported.size === 0 && pending[0]) reportUnsafe(ctx, -1, pending[0].loc);
      ordered.push(...pending);
      break;
    }
  }
  body.exprs = ordered;
  return b;
}

/** Reports one unsafe variable. */
function reportUnsafe(ctx: SafetyContext, slot: number, loc: Location): void {
  const raw = slot >= 0 ? (ctx.slotNames[slot] ?? '?') : '?';
  const name = raw.startsWith('$') ? '_' : raw;
  ctx.errors.push({ code: 'rego_unsafe_var_error', message: `var ${name} is unsafe`, location: loc });
}

/** Checks that a term's variables are bound after a body (rule heads, comprehension terms). */
export function checkBound(t: CTerm, bound: Set<number>, ctx: SafetyContext, loc: Location): void {
  orderTermClosures(t, bound, ctx);
  for (const s of needs(t)) if (!bound.has(s)) reportUnsafe(ctx, s, loc);
}

/** Orders the closures inside an expression, with the slots bound where it runs. */
function orderClosures(e: CExpr, bound: Set<number>, ctx: SafetyContext): void {
  for (const w of e.withs ?? []) orderTermClosures(w.value, bound, ctx);
  switch (e.e) {
    case 'term':
      orderTermClosures(e.term, bound, ctx);
      return;
    case 'unify':
      orderTermClosures(e.left, bound, ctx);
      orderTermClosures(e.right, bound, ctx);
      return;
    case 'somein':
      orderTermClosures(e.coll, bound, ctx);
      return;
    case 'every': {
      orderTermClosures(e.coll, bound, ctx);
      const inner = new Set(bound);
      if (e.key) patternVars(e.key, inner);
      patternVars(e.value, inner);
      orderBody(e.body, inner, ctx);
      return;
    }
    case 'not':
      orderBody(e.body, bound, ctx);
      return;
    case 'logic':
      for (const b of e.operands) orderBody(b, bound, ctx);
      return;
    case 'nop':
      return;
  }
}

/** Orders comprehension bodies found in a term. */
function orderTermClosures(t: CTerm, bound: Set<number>, ctx: SafetyContext): void {
  switch (t.t) {
    case 'ref':
      orderTermClosures(t.head, bound, ctx);
      for (const p of t.path) orderTermClosures(p, bound, ctx);
      return;
    case 'array':
    case 'set':
      for (const i of t.items) orderTermClosures(i, bound, ctx);
      return;
    case 'object':
      for (const [k, v] of t.entries) {
        orderTermClosures(k, bound, ctx);
        orderTermClosures(v, bound, ctx);
      }
      return;
    case 'call':
      for (const a of t.args) orderTermClosures(a, bound, ctx);
      return;
    case 'template':
      for (const p of t.parts) if (typeof p !== 'string') orderTermClosures(p, bound, ctx);
      return;
    case 'acomp':
    case 'scomp': {
      const after = orderBody(t.body, bound, ctx);
      checkBound(t.term, after, ctx, t.loc);
      return;
    }
    case 'ocomp': {
      const after = orderBody(t.body, bound, ctx);
      checkBound(t.key, after, ctx, t.loc);
      checkBound(t.value, after, ctx, t.loc);
      return;
    }
    default:
      return;
  }
}
