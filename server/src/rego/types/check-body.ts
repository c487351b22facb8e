/**
 * OPA's type checker on one compiled body (v1/ast/check.go `CheckBody`): expression by
 * expression, in the body's safe order, the types of variables are inferred by unification
 * (`x := input.a`, `[x, 1] = y`, a builtin's output, `input.arr[i]` binding `i` to the keys),
 * comprehensions are checked in a copy of the environment, and two errors are reported as OPA
 * words them: `match error` (with `left  :` and `right :`) when the two sides of `=` cannot
 * unify, and `NAME: invalid argument(s)` (with `have:` and `want:`) when a builtin's argument
 * does not fit its declared type. Nested calls are typed by their result, as OPA's rewriting of
 * nested calls into output variables types them.
 *
 * Precision comes first: an error is reported only when every type it names is known (no `???`
 * argument), and whatever is not modelled (`some ... in`, `every`, user function arguments,
 * refs to non-rule data) is typed `any`, which unifies with everything.
 */
import type { ClearanceError, Location } from '../../errors';
import type { BuiltinDef } from '../builtins/registry';
import type { CBody, CExpr, CTerm } from '../compile/ir';
import { signatureText } from '../compile/typecheck';
import { RegoObject, RegoSet } from '../value/value';
import { checkRefVars } from './check-refs';
import { typeOfNotation } from './notation';
import {
  A,
  arrayOf,
  isNil,
  type Key,
  keyOfValue,
  objectOf,
  or,
  S,
  select,
  setOf,
  sprint,
  type Type,
  typeOfValue,
  unifies,
  values,
} from './types';

/** Variable types by frame slot; a comprehension's scope reads its parent's. */
export class Scope {
  private readonly vars = new Map<number, Type | undefined>();
  constructor(private readonly parent?: Scope) {}
  /** The type of a slot (nil when unbound). */
  get(slot: number): Type | undefined {
    if (this.vars.has(slot)) return this.vars.get(slot);
    return this.parent?.get(slot);
  }
  /** Binds a slot's type in this scope. */
  put(slot: number, t: Type | undefined): void {
    this.vars.set(slot, t);
  }
}

/** What checking a body reads: the input's type, rule types, and where errors go. */
export interface CheckContext {
  /** The input's type (`any` without a schema). */
  input: Type;
  /**
   * The type of a ref into `data` (rules' inferred types, or a `data` schema annotation's type,
   * then `annotated`; `any` for base documents), and how many path terms that type covers.
   */
  dataType: (path: CTerm[]) => { type: Type | undefined; rest: number; annotated?: boolean };
  /** The result type of a user function (`any` when unknown). */
  functionResult: (path: string[]) => Type;
  /** Locations (`file:line:col`) where an error is already reported by another stage. */
  reported: ReadonlySet<string>;
}

/** One body check's state: its errors, and the types of its comprehensions and nested calls. */
export interface Run {
  ctx: CheckContext;
  errors: ClearanceError[];
  terms: WeakMap<CTerm, Type | null>;
}

/** Checks `body` in `scope`; returns false when OPA would find an error in it (reported or not). */
export function checkBody(body: CBody, scope: Scope, ctx: CheckContext, errors: ClearanceError[]): boolean {
  const run: Run = { ctx, errors, terms: new WeakMap() };
  return checkBodyRun(body, scope, run);
}

function checkBodyRun(body: CBody, scope: Scope, run: Run): boolean {
  let ok = true;
  for (const e of body.exprs) if (!checkExpr(e, scope, run)) ok = false;
  return ok;
}

/** The terms of an expression the ref checker walks, and its comprehensions. */
function exprTerms(e: CExpr): CTerm[] {
  const w = (e.withs ?? []).map((x) => x.value);
  switch (e.e) {
    case 'term':
      return [e.term, ...w];
    case 'unify':
      return [e.left, e.right, ...w];
    case 'somein':
    case 'every':
      return [...(e.key ? [e.key] : []), e.value, e.coll, ...w];
    default:
      return w;
  }
}

function checkExpr(e: CExpr, scope: Scope, run: Run): boolean {
  let ok = true;
  const terms = exprTerms(e);
  // The expression's own call is checked below with its operands; only its arguments are walked.
  const own = e.e === 'term' ? e.term : e.e === 'unify' && e.outArg ? e.right : undefined;
  if (own?.t === 'call') terms.splice(terms.indexOf(own), 1, ...own.args);
  for (const t of terms) if (!walkTerm(t, scope, run)) ok = false;
  const refError = !ok;
  switch (e.e) {
    case 'unify': {
      if (e.outArg && e.right.t === 'call') {
        if (!checkCall(e.right, [...e.right.args, e.left], e.loc, scope, run, refError)) ok = false;
        break;
      }
      if (!checkEq(e.left, e.right, e.loc, scope, run)) ok = false;
      break;
    }
    case 'term': {
      const t = e.term;
      if (t.t !== 'call') break;
      if (t.target.k === 'builtin' && t.target.def.name === 'equal' && t.args.length === 2) {
        // OPA's RewriteEquals turns an `a == b` expression into `a = b` before type checking.
        if (!checkEq(t.args[0] as CTerm, t.args[1] as CTerm, e.loc, scope, run)) ok = false;
        break;
      }
      if (!checkCall(t, t.args, e.loc, scope, run, refError)) ok = false;
      break;
    }
    case 'somein':
      // OPA rewrites `some k, v in c` before type checking; its variables are not typed here.
      for (const t of [...(e.key ? [e.key] : []), e.value]) unify1(t, A, scope, run, false);
      break;
    case 'not':
      if (!checkBodyRun(e.body, new Scope(scope), run)) ok = false;
      break;
    default:
      break;
  }
  return ok;
}

/** Checks an `=`: OPA's `checkExprEq`, reporting `match error` with both sides' types. */
function checkEq(a: CTerm, b: CTerm, loc: Location, scope: Scope, run: Run): boolean {
  const ta = typeOf(a, scope, run);
  const tb = typeOf(b, scope, run);
  if (unify2(a, ta, b, tb, scope, run)) return true;
  if (!isNil(ta) && !isNil(tb)) {
    report(run, loc, `match error\n\tleft  : ${sprint(ta)}\n\tright : ${sprint(tb)}`);
  }
  return false;
}

/** Adds a type error unless another stage already reported one at the same place. */
export function report(run: Run, loc: Location, message: string): void {
  const where = `${loc.file}:${loc.start.line}:${loc.start.column}`;
  if (run.ctx.reported.has(where)) return;
  run.errors.push({ code: 'rego_type_error', message, location: loc });
}

/** The declared types of a builtin: its parameters, variadic parameter and result. */
function declared(def: BuiltinDef): { args: Type[]; variadic?: Type; result: Type } {
  const s = def.signature;
  const args = s.args.map((p) => typeOfNotation(p.type));
  const result = typeOfNotation(s.result.type);
  return s.variadic ? { args, variadic: typeOfNotation(s.variadic.type), result } : { args, result };
}

/**
 * Checks a call: OPA's `checkExprBuiltin`. `operands` are the arguments, then the output term
 * when the call is written with one; a nested call's output is its own (untyped) result.
 */
function checkCall(
  call: Extract<CTerm, { t: 'call' }>,
  operands: CTerm[],
  loc: Location,
  scope: Scope,
  run: Run,
  refError: boolean,
  nested = false,
): boolean {
  const target = call.target;
  if (target.k === 'func') {
    for (const a of call.args) unify1(a, A, scope, run, false);
    const result = run.ctx.functionResult(target.path);
    if (operands.length > call.args.length)
      unify1(operands[operands.length - 1] as CTerm, result, scope, run, false);
    run.terms.set(call, result);
    return true;
  }
  const def = target.def;
  if (def.relation || def.signature.variadic) {
    for (const a of operands) unify1(a, A, scope, run, false);
    run.terms.set(call, A);
    return true;
  }
  const decl = declared(def);
  const fargs = [...decl.args, decl.result];
  if (operands.length > fargs.length || call.args.length < decl.args.length) {
    run.terms.set(call, A);
    return true;
  }
  for (let i = 0; i < operands.length; i++) {
    if (unify1(operands[i] as CTerm, fargs[i] as Type, scope, run, false)) continue;
    const post = operands.map((o) => typeOf(o, scope, run));
    if (nested) post.push(undefined);
    const argsKnown = post.slice(0, call.args.length).every((t) => !isNil(t));
    if (argsKnown && !(refError && post.some(isNil))) {
      const have = `(${post.map(sprint).join(', ')})`;
      report(run, loc, `${def.name}: invalid argument(s)\n\thave: ${have}\n\twant: ${signatureText(def)}`);
    }
    run.terms.set(call, null);
    return false;
  }
  run.terms.set(call, decl.result);
  return true;
}

/** The elements of an array term or constant, as terms. */
function arrayItems(t: CTerm): CTerm[] | undefined {
  if (t.t === 'array') return t.items;
  if (t.t === 'val' && Array.isArray(t.v)) return t.v.map((v) => ({ t: 'val', v }));
  return undefined;
}

/** The entries of an object term or constant, as terms. */
function objectEntries(t: CTerm): Array<[CTerm, CTerm]> | undefined {
  if (t.t === 'object') return t.entries;
  if (t.t === 'val' && t.v instanceof RegoObject)
    return t.v.entries().map(([k, v]) => [{ t: 'val', v: k } as CTerm, { t: 'val', v } as CTerm]);
  return undefined;
}

/** The static key a term is, when it is a scalar constant. */
function constantKey(t: CTerm): Key | undefined {
  return t.t === 'val' ? keyOfValue(t.v) : undefined;
}

/** OPA's `unify1`: can `term` take type `tpe`; binds untyped variables as a side effect. */
export function unify1(term: CTerm, tpe: Type | undefined, scope: Scope, run: Run, union: boolean): boolean {
  if (term.t === 'var') {
    if (!union) {
      const exist = scope.get(term.slot);
      if (exist !== undefined) return unifies(exist, tpe);
      scope.put(term.slot, tpe);
    } else {
      scope.put(term.slot, or(scope.get(term.slot), tpe));
    }
    return true;
  }
  const items = term.t === 'array' ? term.items : undefined;
  const entries = term.t === 'object' ? term.entries : undefined;
  const members = term.t === 'set' ? term.items : undefined;
  if (items || entries || members) {
    if (tpe?.k === 'any') {
      if (tpe.of.length === 0) {
        for (const x of items ?? members ?? []) unify1(x, A, scope, run, true);
        for (const [k, v] of entries ?? []) {
          unify1(k, A, scope, run, true);
          unify1(v, A, scope, run, true);
        }
        return true;
      }
      let any = false;
      for (const branch of tpe.of) any = unify1(term, branch, scope, run, true) || any;
      return any;
    }
    if (items && tpe?.k === 'array') {
      if (items.length !== tpe.st.length && tpe.dyn === undefined) return false;
      return items.every((x, i) => unify1(x, tpe.st[i] ?? tpe.dyn, scope, run, union));
    }
    if (entries && tpe?.k === 'object') {
      if (entries.length !== tpe.st.length && tpe.dyn === undefined) return false;
      for (const [k, v] of entries) {
        const key = constantKey(k);
        if (key === undefined) {
          // A variable key (OPA types its value `any`), or a composite constant (not modelled).
          unify1(v, A, scope, run, union);
          continue;
        }
        const child = select(tpe, key);
        if (child === undefined || !unify1(v, child, scope, run, union)) return false;
      }
      return true;
    }
    if (members && tpe?.k === 'set') return members.every((x) => unify1(x, values(tpe), scope, run, union));
    return false;
  }
  return unifies(typeOf(term, scope, run), tpe);
}

/** OPA's `unify2`: unifies two terms whose types may be unknown. */
function unify2(
  a: CTerm,
  ta: Type | undefined,
  b: CTerm,
  tb: Type | undefined,
  scope: Scope,
  run: Run,
): boolean {
  const nilA = isNil(ta);
  const nilB = isNil(tb);
  if (nilA && !nilB) return unify1(a, tb, scope, run, false);
  if (nilB && !nilA) return unify1(b, ta, scope, run, false);
  if (!nilA && !nilB) return unifies(ta, tb);
  if (a.t === 'array') return unify2Array(a, b, scope, run);
  if (a.t === 'object') return unify2Object(a, b, scope, run);
  if (a.t === 'var') {
    if (b.t === 'var')
      return unify1(a, A, scope, run, false) && unify1(b, scope.get(a.slot), scope, run, false);
    if (b.t === 'array') return unify2Array(b, a, scope, run);
    if (b.t === 'object') return unify2Object(b, a, scope, run);
  }
  return false;
}

function unify2Array(a: Extract<CTerm, { t: 'array' }>, b: CTerm, scope: Scope, run: Run): boolean {
  const other = arrayItems(b);
  if (other) {
    if (other.length !== a.items.length) return false;
    return a.items.every((x, i) => {
      const y = other[i] as CTerm;
      return unify2(x, typeOf(x, scope, run), y, typeOf(y, scope, run), scope, run);
    });
  }
  if (b.t === 'var')
    return unify1(a, A, scope, run, false) && unify1(b, typeOf(a, scope, run), scope, run, false);
  return false;
}

function unify2Object(a: Extract<CTerm, { t: 'object' }>, b: CTerm, scope: Scope, run: Run): boolean {
  const other = objectEntries(b);
  if (other) {
    if (other.length !== a.entries.length) return false;
    for (const [k, x] of a.entries) {
      const key = constantKey(k);
      const match = key === undefined ? undefined : other.find(([ok]) => constantKey(ok) === key);
      if (!match) return false;
      const y = match[1];
      if (!unify2(x, typeOf(x, scope, run), y, typeOf(y, scope, run), scope, run)) return false;
    }
    return true;
  }
  if (b.t === 'var')
    return unify1(a, A, scope, run, false) && unify1(b, typeOf(a, scope, run), scope, run, false);
  return false;
}

/** OPA's `selectRef`: the type below `t` along a ref's path terms. */
function selectPath(t: Type | undefined, path: readonly CTerm[]): Type | undefined {
  let cur = t;
  for (const p of path) {
    if (cur === undefined) return undefined;
    if (p.t === 'val' && !(Array.isArray(p.v) || p.v instanceof RegoObject || p.v instanceof RegoSet)) {
      const key = keyOfValue(p.v);
      // A non-integer number key: OPA compares it as JSON; not modelled.
      if (key === undefined) return A;
      cur = select(cur, key);
    } else {
      cur = values(cur);
    }
  }
  return cur;
}

/**
 * Checks a rule head's term once its body was checked in `scope` (OPA moves head comprehensions
 * and calls into the body first); returns its type, or `null` when it does not type.
 */
export function checkHeadTerm(
  t: CTerm,
  scope: Scope,
  ctx: CheckContext,
  errors: ClearanceError[],
): Type | undefined | null {
  const run: Run = { ctx, errors, terms: new WeakMap() };
  if (!walkTerm(t, scope, run)) return null;
  return typeOf(t, scope, run);
}

/** OPA's `TypeEnv.Get`: the type of a term in `scope` (nil when unknown). */
export function typeOf(t: CTerm, scope: Scope, run: Run): Type | undefined {
  switch (t.t) {
    case 'val':
      return typeOfValue(t.v);
    case 'var':
      return scope.get(t.slot);
    case 'root':
      return t.which === 'input' ? run.ctx.input : A;
    case 'template':
      return S;
    case 'ref': {
      const h = t.head;
      if (h.t === 'root') {
        if (h.which === 'input') return selectPath(run.ctx.input, t.path);
        const found = run.ctx.dataType(t.path);
        return selectPath(found.type, t.path.slice(found.rest));
      }
      if (h.t === 'var') return selectPath(scope.get(h.slot), t.path);
      return selectPath(typeOf(h, scope, run), t.path);
    }
    case 'array':
      return t.items.length === 0
        ? arrayOf([], A)
        : arrayOf(t.items.map((x) => typeOf(x, scope, run) as Type));
    case 'set': {
      let of: Type | undefined;
      for (const x of t.items) of = or(of, typeOf(x, scope, run));
      return setOf(of ?? A);
    }
    case 'object': {
      const st: Array<{ key: Key; v: Type }> = [];
      let dyn: { key: Type; v: Type } | undefined;
      for (const [k, v] of t.entries) {
        const key = constantKey(k);
        if (key !== undefined) st.push({ key, v: typeOf(v, scope, run) as Type });
        else if (k.t === 'val') return A;
        else dyn = { key: typeOf(k, scope, run) as Type, v: typeOf(v, scope, run) as Type };
      }
      if (st.length === 0 && dyn === undefined) dyn = { key: A, v: A };
      return objectOf(st, dyn);
    }
    case 'acomp':
    case 'scomp':
    case 'ocomp':
    case 'call': {
      const known = run.terms.get(t);
      if (known === null) return undefined;
      if (known !== undefined) return known;
      if (t.t === 'call') return t.target.k === 'builtin' ? declared(t.target.def).result : A;
      return A;
    }
    default:
      return undefined;
  }
}

/**
 * OPA's ref checker and closure check for one term: walks the term's refs (binding the variables
 * they iterate with to the keys' type), checks comprehension bodies in a copy of the scope and
 * nested calls (innermost first); false when one of them does not type.
 */
function walkTerm(t: CTerm, scope: Scope, run: Run): boolean {
  switch (t.t) {
    case 'ref': {
      let ok = walkTerm(t.head, scope, run);
      for (const p of t.path) if (!walkTerm(p, scope, run)) ok = false;
      return checkRefVars(t, scope, run) && ok;
    }
    case 'array':
    case 'set':
      return t.items.map((x) => walkTerm(x, scope, run)).every(Boolean);
    case 'object':
      return t.entries
        .flat()
        .map((x) => walkTerm(x, scope, run))
        .every(Boolean);
    case 'template':
      return t.parts.map((p) => typeof p === 'string' || walkTerm(p, scope, run)).every(Boolean);
    case 'acomp':
    case 'scomp':
    case 'ocomp':
      return checkComprehension(t, scope, run);
    case 'call': {
      const ok = t.args.map((x) => walkTerm(x, scope, run)).every(Boolean);
      // A nested call is its own expression in OPA, with an output variable of its own.
      return checkCall(t, t.args, t.loc, scope, run, !ok, true) && ok;
    }
    default:
      return true;
  }
}

function checkComprehension(
  t: Extract<CTerm, { t: 'acomp' | 'scomp' | 'ocomp' }>,
  scope: Scope,
  run: Run,
): boolean {
  const inner = new Scope(scope);
  const ok = checkBodyRun(t.body, inner, run);
  if (!ok) {
    run.terms.set(t, null);
    return false;
  }
  const of = (x: CTerm) => typeOf(x, inner, run);
  const type =
    t.t === 'acomp'
      ? arrayOf([], of(t.term) as Type)
      : t.t === 'scomp'
        ? setOf(of(t.term) as Type)
        : objectOf([], { key: of(t.key) as Type, v: of(t.value) as Type });
  run.terms.set(t, isNil(type) ? null : type);
  return true;
}
