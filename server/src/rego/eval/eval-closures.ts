/**
 * Expressions and terms with their own scope of solutions: `not`, `every`, `some ... in`
 * iteration, comprehensions, template strings and `print`. Conditional (unknown-dependent)
 * solutions become residuals or Unknown values rather than definite answers.
 */

import type { CBody, CExpr, CTerm } from '../compile/ir';
import { RegoNumber } from '../value/number';
import { equalValues, formatRegoValue, keyOf, RegoObject, RegoSet, type Value } from '../value/value';
import type { Evaluator, Frame, K, VK } from './eval';
import { entriesOf } from './eval-refs';
import { match } from './eval-unify';
import { EvalHalt } from './limits';
import { type EValue, negateConjunction, renderOperand, Unknown } from './partial';
import { evalClosureBody } from './trace-hooks';

/** `not`: holds when the body has no solution; a conditional body makes a residual `not`. */
export function evalNot(ev: Evaluator, e: Extract<CExpr, { e: 'not' }>, f: Frame, k: K): boolean {
  const mark = ev.residuals.length;
  let definite = false;
  const conditional: string[][] = [];
  evalClosureBody(ev, e.body, f, () => {
    if (ev.residuals.length === mark) {
      definite = true;
      return true;
    }
    conditional.push(ev.residuals.slice(mark));
    return conditional.length > 16;
  });
  if (definite) return false;
  if (conditional.length === 0) return k();
  const only = conditional.length === 1 ? conditional[0] : undefined;
  const text = only ? negateConjunction(only) : ev.sourceText(e.loc);
  return ev.withResidual(text, k);
}

/**
 * `a and b and ...` / `a or b or ...`: each operand runs as a query of its own that stops at its
 * first solution and keeps none of its bindings, so the expression holds at most once. `and`
 * stops at the first operand that fails, `or` at the first that holds. Operands that hold only
 * under unknowns leave the whole expression as one residual.
 */
export function evalLogic(ev: Evaluator, e: Extract<CExpr, { e: 'logic' }>, f: Frame, k: K): boolean {
  const decisive = e.op === 'and' ? 'fails' : 'holds';
  let conditional = false;
  for (const body of e.operands) {
    const outcome = operandOutcome(ev, body, f);
    if (outcome === decisive) return outcome === 'holds' ? k() : false;
    if (outcome === 'conditional') conditional = true;
  }
  if (conditional) return ev.withResidual(ev.sourceText(e.loc), k);
  return e.op === 'and' ? k() : false;
}

/** Whether an operand body has a solution: definitely, not at all, or only under unknowns. */
function operandOutcome(ev: Evaluator, body: CBody, f: Frame): 'holds' | 'fails' | 'conditional' {
  const mark = ev.residuals.length;
  let outcome: 'holds' | 'fails' | 'conditional' = 'fails';
  evalClosureBody(ev, body, f, () => {
    outcome = ev.residuals.length === mark ? 'holds' : 'conditional';
    return outcome === 'holds';
  });
  return outcome;
}

/** `every`: the body must hold for each element; unknown domains and bodies give a residual. */
export function evalEvery(ev: Evaluator, e: Extract<CExpr, { e: 'every' }>, f: Frame, k: K): boolean {
  return ev.evalTerm(e.coll, f, (coll) => {
    if (coll instanceof Unknown) return ev.withResidual(ev.sourceText(e.loc), k);
    if (!Array.isArray(coll) && !(coll instanceof RegoSet) && !(coll instanceof RegoObject)) return false;
    const entries = entriesOf(coll);
    let conditional = false;
    for (const [key, val] of entries) {
      const mark = ev.residuals.length;
      let holds = false;
      let definite = false;
      const run = (): boolean =>
        evalClosureBody(ev, e.body, f, () => {
          holds = true;
          if (ev.residuals.length === mark) {
            definite = true;
            return true;
          }
          return false;
        });
      const matchValue = (): boolean => match(ev, e.value, val, f, run);
      if (e.key) match(ev, e.key, key, f, matchValue);
      else matchValue();
      if (!holds) return false;
      if (!definite) conditional = true;
    }
    if (conditional) return ev.withResidual(ev.sourceText(e.loc), k);
    return k();
  });
}

/** Iterates a collection for `some k, v in coll`. */
export function iterateCollection(
  ev: Evaluator,
  coll: EValue,
  key: CTerm | undefined,
  value: CTerm,
  f: Frame,
  k: K,
): boolean {
  if (coll instanceof Unknown) {
    // The iteration itself is the condition, with variables that keep key and value linked:
    // `some k, v in input.resource` then `k == "shared_with"`, `v == "alice"`.
    const valueName = ev.iterationVar(value, f, 'v');
    const keyName = key ? ev.iterationVar(key, f, 'k') : undefined;
    const decl = keyName
      ? `some ${keyName}, ${valueName} in ${renderOperand(coll)}`
      : `some ${valueName} in ${renderOperand(coll)}`;
    const matchValue = (): boolean => match(ev, value, new Unknown(valueName), f, k);
    return ev.withResidual(decl, () =>
      key && keyName ? match(ev, key, new Unknown(keyName), f, matchValue) : matchValue(),
    );
  }
  for (const [kv, vv] of entriesOf(coll)) {
    ev.limits.step();
    const matchValue = (): boolean => match(ev, value, vv, f, k);
    if (key ? match(ev, key, kv, f, matchValue) : matchValue()) return true;
  }
  return false;
}

type Comprehension = Extract<CTerm, { t: 'acomp' | 'scomp' | 'ocomp' }>;

/**
 * Evaluates a comprehension to its collected value (Unknown if any solution is conditional). Its
 * value depends only on the `with` context and the variables it captures, so it is computed once
 * per context and captured values (when these are scalars) and reused, as OPA caches comprehensions.
 */
export function evalComprehension(ev: Evaluator, t: Comprehension, f: Frame): EValue {
  ev.stats.comprehensions++;
  const key = ev.unknowns ? undefined : cacheKeyOf(t, f);
  if (key === undefined) return computeComprehension(ev, t, f);
  if (ev.comprehensionCache === undefined) ev.comprehensionCache = new WeakMap();
  let byTerm = ev.comprehensionCache.get(ev.ctx);
  if (!byTerm) {
    byTerm = new Map();
    ev.comprehensionCache.set(ev.ctx, byTerm);
  }
  let byKey = byTerm.get(t);
  if (!byKey) {
    byKey = new Map();
    byTerm.set(t, byKey);
  }
  const hit = byKey.get(key);
  if (hit !== undefined) {
    ev.stats.comprehensionCacheHits++;
    return hit;
  }
  const v = computeComprehension(ev, t, f);
  byKey.set(key, v);
  return v;
}

const capturedSlots = new WeakMap<CTerm, number[] | null>();

/** The cache key of a comprehension's captured values, or undefined when it is not to be cached. */
function cacheKeyOf(t: Comprehension, f: Frame): string | undefined {
  let slots = capturedSlots.get(t);
  if (slots === undefined) {
    slots = findCapturedSlots(t);
    capturedSlots.set(t, slots);
  }
  if (slots === null) return undefined;
  let key = '';
  for (const s of slots) {
    const v = f[s];
    if (v === undefined) key += '\u0001';
    else if (v === null || typeof v === 'string' || typeof v === 'boolean' || v instanceof RegoNumber) {
      key += `${keyOf(v)}\u0001`;
    } else return undefined;
  }
  return key;
}

/**
 * The frame slots a comprehension reads from its enclosing body: every variable in it that no
 * body inside it declares. Null when it prints (a cached value would swallow the output).
 */
function findCapturedSlots(t: Comprehension): number[] | null {
  const used = new Set<number>();
  const locals = new Set<number>();
  let prints = false;
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const n of node) visit(n);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const n = node as Record<string, unknown>;
    if (n.t === 'val') return;
    if (n.t === 'var') used.add(n.slot as number);
    if (n.t === 'call' && n.name === 'print') prints = true;
    if (Array.isArray(n.locals)) for (const s of n.locals as number[]) locals.add(s);
    for (const [k, v] of Object.entries(n)) if (k !== 'loc' && k !== 'target' && k !== 'fnValue') visit(v);
  };
  visit(t);
  if (prints) return null;
  return [...used].filter((s) => !locals.has(s)).sort((a, b) => a - b);
}

/** Runs a comprehension's body and collects its value. */
function computeComprehension(ev: Evaluator, t: Comprehension, f: Frame): EValue {
  const mark = ev.residuals.length;
  let conditional = false;
  const arr: Value[] = [];
  const set = new RegoSet();
  const obj = new RegoObject();
  evalClosureBody(ev, t.body, f, () => {
    const certain = ev.residuals.length === mark;
    if (t.t === 'ocomp') {
      return ev.evalTerm(t.key, f, (key) =>
        ev.evalTerm(t.value, f, (val) => {
          if (!certain || key instanceof Unknown || val instanceof Unknown) {
            conditional = true;
            return false;
          }
          const prev = obj.get(key);
          if (prev !== undefined && !equalValues(prev, val)) {
            throw new EvalHalt('eval_conflict_error', 'object keys must be unique', t.loc);
          }
          obj.set(key, val);
          return false;
        }),
      );
    }
    return ev.evalTerm(t.term, f, (v) => {
      if (!certain || v instanceof Unknown) {
        conditional = true;
        return false;
      }
      if (t.t === 'acomp') arr.push(v);
      else set.add(v);
      return false;
    });
  });
  if (conditional) return new Unknown(ev.sourceText(t.loc));
  return t.t === 'acomp' ? arr : t.t === 'scomp' ? set : obj;
}

/** Evaluates a template string; undefined parts render as `<undefined>`. */
export function evalTemplate(
  ev: Evaluator,
  parts: Array<string | CTerm>,
  f: Frame,
  k: VK,
  sets?: boolean[],
): boolean {
  let out = '';
  let unknown = false;
  for (const [i, p] of parts.entries()) {
    if (typeof p === 'string') {
      out += p;
      continue;
    }
    let values: EValue[] = [];
    ev.evalTerm(p, f, (v) => {
      values.push(v);
      return values.length > 1;
    });
    // A part with its own `with` modifiers was compiled to the set of its values.
    const only = values[0];
    if (sets?.[i] && only instanceof RegoSet) values = [...only.values()];
    if (values.length > 1) {
      throw new EvalHalt('eval_conflict_error', 'template string expression produced multiple outputs');
    }
    const v = values[0];
    if (v === undefined) out += '<undefined>';
    else if (v instanceof Unknown) {
      unknown = true;
      out += `{${v.text}}`;
    } else out += typeof v === 'string' ? v : formatRegoValue(v);
  }
  return k(unknown ? new Unknown(`$${JSON.stringify(out)}`) : out);
}

/** `print`: each argument's values (or `<undefined>`), space separated, to the print sink. */
export function evalPrint(ev: Evaluator, args: CTerm[], f: Frame, k: VK): boolean {
  const parts: string[] = [];
  for (const a of args) {
    const values: string[] = [];
    ev.evalTerm(a, f, (v) => {
      values.push(v instanceof Unknown ? v.text : typeof v === 'string' ? v : formatRegoValue(v));
      return false;
    });
    parts.push(
      values.length === 0
        ? '<undefined>'
        : values.length === 1
          ? (values[0] as string)
          : `{${values.join(', ')}}`,
    );
  }
  ev.builtins.print(parts.join(' '));
  return k(true);
}
