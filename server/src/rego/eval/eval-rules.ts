/**
 * The data document and rules at evaluation time: walking `data` through the rule tree and the
 * base documents (with `with data...` replacements), evaluating complete rules (with `default`,
 * `else` and conflict detection), partial sets and objects (with a keyed fast path for
 * `p[key]` lookups), and user function calls.
 */

import type { Location } from '../../errors';
import { formatPath, nodeAt } from '../compile/compile';
import type { CElse, ClauseOrigin, CRule, CTerm, RuleNode, RuleSet } from '../compile/ir';
import { lookupPath, selectCandidates, selectRuleIndex } from '../compile/rule-index';
import { equalValues, keyOf, RegoObject, RegoSet, type Value } from '../value/value';
import { markCovered } from './coverage';
import { type DataOverride, type Evaluator, type Frame, type K, ruleCache, type VK } from './eval';
import { directValue, NOT_DIRECT } from './eval-direct';
import { COMPOSITE, NOTHING, scalarAtKeys } from './eval-input';
import { ClauseOutputs } from './eval-outputs';
import { evalObject, evalSet } from './eval-partial-rules';
import { evalKey, lookupKey, setPath, walkValue } from './eval-refs';
import { match } from './eval-unify';
import { EvalHalt } from './limits';
import { appendRefStep, type EValue, negateConjunction, renderCall, Unknown } from './partial';
import { traceClause, traceIndex } from './trace-hooks';

const TRUE_TERM: CTerm = { t: 'val', v: true };

/** Evaluates `data` followed by `path`. */
export function evalDataRef(ev: Evaluator, path: CTerm[], f: Frame, k: VK): boolean {
  const tr = ev.tracer;
  if (tr === undefined) return walkData(ev, ev.policy.root, ev.ctx.data, [], path, 0, f, k);
  // A rule's events after its first value follow the caller's continuation, as in OPA.
  const mark = tr.deferredMark();
  const stop = walkData(ev, ev.policy.root, ev.ctx.data, [], path, 0, f, k);
  tr.flushDeferred(mark, stop);
  return stop;
}

/** Walks the rule tree and base data in step. */
function walkData(
  ev: Evaluator,
  node: RuleNode | undefined,
  base: Value | undefined,
  abs: Value[],
  path: CTerm[],
  i: number,
  f: Frame,
  k: VK,
): boolean {
  const overrides = ev.ctx.dataOverrides;
  if (overrides.length > 0) {
    const ov = findOverride(overrides, abs);
    if (ov) return walkValue(ev, ov.value, path, i, f, k);
  }
  if (!node && (overrides.length === 0 || !overrideBelow(overrides, abs))) {
    return base === undefined ? false : walkValue(ev, base, path, i, f, k);
  }
  const p = path[i];
  if (node?.rules) {
    const set = node.rules;
    if (set.kind === 'function') return false;
    if (
      p &&
      node.children.size === 0 &&
      (set.kind === 'set' || set.kind === 'object') &&
      !ev.ctx.cache?.has(set)
    ) {
      const key = p.t === 'val' ? p.v : p.t === 'var' ? f[p.slot] : undefined;
      if (key !== undefined && !(key instanceof Unknown)) {
        const v = evalRuleSetKey(ev, set, key);
        return v === undefined ? false : walkValue(ev, v, path, i + 1, f, k);
      }
    }
    const v = nodeValue(ev, node, base, abs);
    return v === undefined ? false : walkValue(ev, v, path, i, f, k);
  }
  if (p === undefined) {
    const v = nodeValue(ev, node, base, abs);
    return v === undefined ? false : k(v);
  }
  if (p.t === 'val') return walkDataKey(ev, node, base, abs, p.v, path, i, f, k);
  if (p.t === 'var' && f[p.slot] !== undefined) {
    return walkDataKey(ev, node, base, abs, f[p.slot] as EValue, path, i, f, k);
  }
  if (p.t !== 'var' && ev.unknowns === undefined) {
    const direct = directValue(ev, p, f);
    if (direct === undefined) return false;
    if (direct !== NOT_DIRECT) return walkDataKey(ev, node, base, abs, direct, path, i, f, k);
  }
  return evalKey(
    ev,
    p,
    f,
    (key) => walkDataKey(ev, node, base, abs, key, path, i, f, k),
    childKeys(node, base),
  );
}

/** Walks on from the rule-tree node (or base document) under `key`, the value of `path[i]`. */
function walkDataKey(
  ev: Evaluator,
  node: RuleNode | undefined,
  base: Value | undefined,
  abs: Value[],
  key: EValue,
  path: CTerm[],
  i: number,
  f: Frame,
  k: VK,
): boolean {
  if (key instanceof Unknown) return false;
  const overrides = ev.ctx.dataOverrides;
  const child = node?.children.get(keyOf(key));
  const baseChild = base === undefined ? undefined : lookupKey(base, key);
  if (child === undefined && overrides.length === 0) {
    // Only base data below: walk it as a value (what walkData would do one level down).
    return baseChild === undefined ? false : walkValue(ev, baseChild, path, i + 1, f, k);
  }
  const nextAbs = [...abs, key];
  if (!child && baseChild === undefined && !(overrides.length > 0 && overrideBelow(overrides, nextAbs))) {
    return false;
  }
  return walkData(ev, child?.node, baseChild, nextAbs, path, i + 1, f, k);
}

/** The keys under a node: its children's and the base document's. */
function childKeys(node: RuleNode | undefined, base: Value | undefined): Value {
  const s = new RegoSet();
  if (node) for (const c of node.children.values()) s.add(c.key);
  if (base instanceof RegoObject) for (const k of base.keys()) s.add(k);
  return s;
}

/** The override whose path is exactly `abs` (latest wins). */
function findOverride(overrides: readonly DataOverride[], abs: Value[]) {
  for (let i = overrides.length - 1; i >= 0; i--) {
    const o = overrides[i] as { path: Value[]; value: EValue };
    if (o.path.length === abs.length && o.path.every((p, j) => equalValues(p, abs[j] as Value))) return o;
  }
  return undefined;
}

/** True when some override lies at or below `abs`. */
function overrideBelow(overrides: readonly DataOverride[], abs: Value[]): boolean {
  return overrides.some(
    (o) => o.path.length >= abs.length && abs.every((p, j) => equalValues(p, o.path[j] as Value)),
  );
}

/** The whole value of a node: base data merged with its rules and children. */
function nodeValue(
  ev: Evaluator,
  node: RuleNode | undefined,
  base: Value | undefined,
  abs: Value[],
): EValue | undefined {
  let out: EValue | undefined;
  if (!node) {
    out = base;
  } else if (node.rules && node.children.size === 0) {
    out = evalRuleSetValue(ev, node.rules);
  } else {
    const obj = new RegoObject();
    if (base instanceof RegoObject) for (const [k, v] of base.entries()) obj.set(k, v);
    if (node.rules) {
      const v = evalRuleSetValue(ev, node.rules);
      if (v instanceof Unknown) return v;
      if (v instanceof RegoObject) for (const [k, x] of v.entries()) obj.set(k, x);
    }
    for (const c of node.children.values()) {
      const baseChild = base instanceof RegoObject ? base.get(c.key) : undefined;
      // Like OPA, a base document shadows a rule of the same name when the whole tree is read.
      if (baseChild !== undefined && c.node.rules && c.node.children.size === 0) continue;
      const cv = nodeValue(ev, c.node, baseChild, [...abs, c.key]);
      if (cv instanceof Unknown) return new Unknown(formatPath(abs));
      if (cv === undefined) continue;
      const existing = node.rules ? obj.get(c.key) : undefined;
      if (existing !== undefined && !equalValues(existing, cv)) {
        throw new EvalHalt(
          'eval_conflict_error',
          `object keys must be unique: ${formatPath([...abs, c.key])}`,
        );
      }
      obj.set(c.key, cv);
    }
    out = obj;
  }
  const overrides = ev.ctx.dataOverrides;
  if (overrides.length > 0) {
    for (const o of overrides) {
      if (o.path.length > abs.length && abs.every((p, j) => equalValues(p, o.path[j] as Value))) {
        // `with data.a.b.c as 1` where nothing is at data.a.b makes it `{"c": 1}`, as in OPA.
        out = setPath(out ?? new RegoObject(), o.path.slice(abs.length), o.value);
      }
    }
  }
  return out;
}

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
function evalRuleSetKey(ev: Evaluator, set: RuleSet, key: Value): EValue | undefined {
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
