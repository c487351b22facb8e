/**
 * Rules at evaluation time: evaluating complete rules (with `default`, `else` and conflict
 * detection), partial sets and objects (with a keyed fast path for `p[key]` lookups), and user
 * function calls. Walking `data` through the rule tree is eval-data.ts.
 */

import type { Location } from '../../errors';
import { formatPath, nodeAt } from '../compile/compile';
import type { CElse, ClauseOrigin, CRule, CTerm, RuleSet } from '../compile/ir';
import { lookupPath, selectCandidates, selectRuleIndex } from '../compile/rule-index';
import { equalValues, RegoObject, RegoSet, type Value } from '../value/value';
import { markCovered } from './coverage';
import { type Evaluator, type Frame, type K, ruleCache } from './eval';
import { COMPOSITE, NOTHING, scalarAtKeys } from './eval-input';
import { ClauseOutputs } from './eval-outputs';
import { evalObject, evalSet } from './eval-partial-rules';
import { match } from './eval-unify';
import { EvalHalt } from './limits';
import { appendRefStep, type EValue, negateConjunction, renderCall, Unknown } from './partial';
import { traceClause, traceIndex } from './trace-hooks';

const TRUE_TERM: CTerm = { t: 'val', v: true };

/** A rule set's whole value (cached per `with` context). */
export function evalRuleSetValue(ev: Evaluator, set: RuleSet): EValue | undefined {
  const cached = ev.ctx.cache?.get(set);
  const tr = ev.tracer;
  if (cached !== undefined) {
    // OPA looks the rules up (and reports it) before it finds the value cached.
    if (tr) traceIndex(tr, set, selectClauses(ev, set).length, earlyExit(set));
    return cached === null ? undefined : cached;
  }
  enterRule(ev, set);
  let v: EValue | undefined;
  const scope = tr?.beginRule(earlyExit(set), set.kind === 'complete');
  try {
    switch (set.kind) {
      case 'complete':
        v = evalComplete(ev, set);
        break;
      case 'set':
        v = evalSet(ev, set, undefined);
        break;
      case 'object':
        v = evalObject(ev, set, undefined);
        break;
    }
  } finally {
    if (scope) tr?.endRule(scope);
    leaveRule(ev);
  }
  ruleCache(ev.ctx).set(set, v ?? null);
  return v;
}

/** Runs a rule evaluation under the depth limit and the run-time recursion guard. */
function guarded<T>(ev: Evaluator, set: RuleSet, run: () => T): T {
  enterRule(ev, set);
  try {
    return run();
  } finally {
    leaveRule(ev);
  }
}

/** Starts evaluating a rule: the recursion guard (`with` can make recursion at run time) and the depth limit. */
function enterRule(ev: Evaluator, set: RuleSet): void {
  const active = ev.active;
  if (active.includes(set)) {
    throw new EvalHalt('rego_recursion_error', `rule ${formatPath(set.path)} is recursive`);
  }
  ev.limits.enter();
  active.push(set);
}

/** Ends what `enterRule` started. */
function leaveRule(ev: Evaluator): void {
  ev.limits.leave();
  ev.active.pop();
}

/** The value of `p[key]` for a partial set or object, evaluating only the clauses that can match. */
export function evalRuleSetKey(ev: Evaluator, set: RuleSet, key: Value): EValue | undefined {
  const tr = ev.tracer;
  const scope = tr?.beginRule(false, true);
  try {
    return evalRuleSetKeyBare(ev, set, key);
  } finally {
    if (scope) tr?.endRule(scope);
  }
}

/** `evalRuleSetKey` without its trace scope. */
function evalRuleSetKeyBare(ev: Evaluator, set: RuleSet, key: Value): EValue | undefined {
  return guarded(ev, set, () => {
    if (set.kind === 'set') {
      const r = evalSet(ev, set, key);
      if (r instanceof Unknown) return new Unknown(appendRefStep(formatPath(set.path), key));
      return r instanceof RegoSet && r.has(key) ? key : undefined;
    }
    const r = evalObject(ev, set, key);
    if (r instanceof Unknown) return new Unknown(appendRefStep(formatPath(set.path), key));
    return r instanceof RegoObject ? r.get(key) : undefined;
  });
}

/** What running a clause found out, for decisions. */
export interface ClauseRunInfo {
  /** Some branch (the body or an `else`) held for certain under the guards before it: the clause always gives a value. */
  exhaustive: boolean;
}

/**
 * Runs a clause, then its `else` branches while no branch holds for certain; `onSolution` per
 * solution. When a branch held only under residual conditions, the later branches run under the
 * negation of those conditions, so an `else` is never reported as holding for certain when an
 * earlier branch might apply instead.
 */
export function runClause(
  ev: Evaluator,
  clause: CRule,
  f: Frame,
  onSolution: (value: CTerm, origin: ClauseOrigin) => boolean,
  info?: ClauseRunInfo,
): boolean {
  ev.stats.ruleBodies++;
  const tr = ev.tracer;
  if (tr !== undefined) {
    return traceClause(tr, clause, onSolution, (traced) => runClauseBare(ev, clause, f, traced, info));
  }
  return runClauseBare(ev, clause, f, onSolution, info);
}

/** `runClause` once the trace (if any) is taken care of. */
function runClauseBare(
  ev: Evaluator,
  clause: CRule,
  f: Frame,
  onSolution: (value: CTerm, origin: ClauseOrigin) => boolean,
  info?: ClauseRunInfo,
): boolean {
  const cover = ev.coverage;
  if (cover) {
    const inner = onSolution;
    onSolution = (value, origin) => {
      markCovered(cover, origin.headLocation);
      return inner(value, origin);
    };
  }
  if (ev.unknowns === undefined) return runDefinite(ev, clause, f, onSolution, info);
  const first = runBranch(ev, clause.body, clause.value, clause.origin, f, onSolution);
  if (first.definite && info) info.exhaustive = true;
  if (first.stop || first.definite) return first.stop;
  return withGuards(ev, negation(first.conditional), 0, () =>
    runElses(ev, clause.elses, 0, f, onSolution, info),
  );
}

/**
 * `runClause` without unknowns: no residual is ever recorded, so every solution holds for certain
 * and the first branch with a solution is the clause's (nothing to collect for the `else`s).
 */
function runDefinite(
  ev: Evaluator,
  clause: CRule,
  f: Frame,
  onSolution: (value: CTerm, origin: ClauseOrigin) => boolean,
  info: ClauseRunInfo | undefined,
): boolean {
  const elses = clause.elses;
  // Branch -1 is the clause's own body, then its `else`s in order.
  for (let b = -1; b < elses.length; b++) {
    const el = b < 0 ? undefined : (elses[b] as CElse);
    if (el) ev.stats.ruleBodies++;
    const value = el ? (el.value ?? TRUE_TERM) : clause.value;
    const origin = el ? el.origin : clause.origin;
    let held = false;
    const stop = ev.evalBody(el ? el.body : clause.body, 0, f, () => {
      held = true;
      return onSolution(value, origin);
    });
    if (stop || held) {
      if (held && info) info.exhaustive = true;
      return stop;
    }
  }
  return false;
}

/** Runs `else` branches from `i`; the guards of the branches before it are already pushed. */
function runElses(
  ev: Evaluator,
  elses: CElse[],
  i: number,
  f: Frame,
  onSolution: (value: CTerm, origin: ClauseOrigin) => boolean,
  info: ClauseRunInfo | undefined,
): boolean {
  const el = elses[i];
  if (!el) return false;
  ev.stats.ruleBodies++;
  const r = runBranch(ev, el.body, el.value ?? TRUE_TERM, el.origin, f, onSolution);
  if (r.definite && info) info.exhaustive = true;
  if (r.stop || r.definite) return r.stop;
  return withGuards(ev, negation(r.conditional), 0, () => runElses(ev, elses, i + 1, f, onSolution, info));
}

/** Runs `k` with the guard residuals pushed. */
function withGuards(ev: Evaluator, guards: string[], i: number, k: () => boolean): boolean {
  const g = guards[i];
  if (g === undefined) return k();
  return ev.withResidual(g, () => withGuards(ev, guards, i + 1, k));
}

/** Runs one branch body; reports whether it held for certain and the residuals of its conditional solutions. */
function runBranch(
  ev: Evaluator,
  body: CRule['body'],
  value: CTerm,
  origin: ClauseOrigin,
  f: Frame,
  onSolution: (value: CTerm, origin: ClauseOrigin) => boolean,
): { stop: boolean; definite: boolean; conditional: string[][] } {
  const mark = ev.residuals.length;
  let definite = false;
  const conditional: string[][] = [];
  const stop = ev.evalBody(body, 0, f, () => {
    if (ev.residuals.length === mark) definite = true;
    else conditional.push(ev.residuals.slice(mark));
    return onSolution(value, origin);
  });
  return { stop, definite, conditional };
}

/** Rego text, one condition each, for "none of these conditional solutions holds". */
function negation(solutions: string[][]): string[] {
  return solutions.map(negateConjunction);
}

const sameConstCache = new WeakMap<RuleSet, boolean>();

/** True when every clause of a complete rule has the same constant value (first success decides). */
function allSameConst(set: RuleSet): boolean {
  let r = sameConstCache.get(set);
  if (r === undefined) {
    const first = set.clauses[0];
    r =
      first !== undefined &&
      set.clauses.every(
        (c) =>
          c.constValue &&
          c.elses.length === 0 &&
          c.value.t === 'val' &&
          first.value.t === 'val' &&
          equalValues(c.value.v, first.value.v),
      );
    sameConstCache.set(set, r);
  }
  return r;
}

/** OPA's early exit: a complete rule or function whose clauses all give the same constant stops at its first value. */
function earlyExit(set: RuleSet): boolean {
  return (set.kind === 'complete' || set.kind === 'function') && allSameConst(set);
}

/** Evaluates a complete rule: one value, the default, or undefined; conflicting values are an error. */
function evalComplete(ev: Evaluator, set: RuleSet): EValue | undefined {
  const outputs = new ClauseOutputs(ev, 'complete rules must not produce multiple outputs');
  const sameConst = allSameConst(set);
  const clauses = selectClauses(ev, set);
  if (ev.tracer) traceIndex(ev.tracer, set, clauses.length, sameConst);
  for (const clause of clauses) {
    const f: Frame = new Array(clause.nslots);
    runClause(ev, clause, f, outputs.collect(f));
    if (sameConst && outputs.isSettled()) break;
  }
  return outputs.resolve(
    () => new Unknown(formatPath(set.path)),
    () => defaultValue(ev, set),
  );
}

/**
 * The clauses that can hold for the current input: all of them, or the rule index's candidates.
 * An unknown at, above or below the indexed input path turns the index off: an unknown value
 * could match any clause.
 */
export function selectClauses(ev: Evaluator, set: RuleSet): CRule[] {
  const index = selectRuleIndex(set);
  if (!index) return set.clauses;
  const json = ev.ctx.json;
  if (json !== undefined) {
    // The input is not converted yet (and there are no unknowns): read the indexed path from it.
    const read = scalarAtKeys(json, index.path);
    if (read !== COMPOSITE) return selectCandidates(set, index, read === NOTHING ? undefined : read);
  }
  const input = ev.inputValue();
  if (input instanceof Unknown) return set.clauses;
  if (ev.unknowns?.some((u) => overlaps(u, index.path))) return set.clauses;
  return selectCandidates(set, index, input === undefined ? undefined : lookupPath(input, index.path));
}

/** True when one path is a prefix of the other. */
function overlaps(a: readonly Value[], b: readonly Value[]): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (!equalValues(a[i] as Value, b[i] as Value)) return false;
  return true;
}

/** The value of a rule set's `default` clause, if any. */
export function defaultValue(ev: Evaluator, set: RuleSet): EValue | undefined {
  const d = set.default;
  if (!d) return undefined;
  if (ev.coverage) markCovered(ev.coverage, d.origin.headLocation);
  if (d.value.t === 'val') return d.value.v;
  const f: Frame = new Array(d.nslots);
  let out: EValue | undefined;
  ev.evalTerm(d.value, f, (v) => {
    out = v;
    return true;
  });
  return out;
}

/** Calls a user function: every clause whose arguments match; differing outputs are a conflict. */
export function callFunction(
  ev: Evaluator,
  path: string[],
  args: Value[],
  loc: Location,
): EValue | undefined {
  const set = nodeAt(ev.policy.root, path, false)?.rules;
  if (set?.kind !== 'function') {
    throw new EvalHalt('eval_type_error', `undefined function data.${path.join('.')}`, loc);
  }
  ev.limits.enter();
  const tr = ev.tracer;
  const scope = tr?.beginRule(earlyExit(set), true);
  if (tr) traceIndex(tr, set, set.clauses.length, earlyExit(set));
  try {
    const outputs = new ClauseOutputs(ev, 'functions must not produce multiple outputs for same inputs');
    for (const clause of set.clauses) {
      const f: Frame = new Array(clause.nslots);
      const onValue = outputs.collect(f);
      matchArgs(ev, clause.args ?? [], args, 0, f, () => runClause(ev, clause, f, onValue));
    }
    return outputs.resolve(
      () => renderCall(`data.${path.join('.')}`, undefined, args),
      () => defaultValue(ev, set),
    );
  } finally {
    if (scope) tr?.endRule(scope);
    ev.limits.leave();
  }
}

/** Matches argument patterns against argument values. */
function matchArgs(ev: Evaluator, patterns: CTerm[], args: Value[], i: number, f: Frame, k: K): boolean {
  const p = patterns[i];
  if (p === undefined) return k();
  return match(ev, p, args[i] as Value, f, () => matchArgs(ev, patterns, args, i + 1, f, k));
}
