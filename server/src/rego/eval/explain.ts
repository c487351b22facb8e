/**
 * `explainRule`: for a rule and an input, each clause's trace: whether it held, how many of its
 * expressions held on the path that went furthest, and for a clause that failed, the first failing
 * expression with the values of its operands at that point (`input.user.role == "admin"`: left is
 * `"developer"`). The editor's Explain view and failing tests in the Test Explorer read it.
 */
import type { ClearanceError, Location } from '../../errors';
import { nodeAt, type Policy } from '../compile/compile';
import type { CExpr, CRule, CTerm } from '../compile/ir';
import { parseEntrypoint, type RuleRef, toRuleRef } from '../decision';
import { createEvaluator, type EvalOptions, evalueToJson, toError } from '../engine';
import { type JsonValue, withValueMeter } from '../value/value';
import type { Frame } from './eval';
import { Unknown } from './partial';

/** The value of one operand of a failing expression. */
export interface OperandValue {
  /** The operand as written, when the engine kept its span; else its role (`left`, `right`, `arg 1`). */
  label: string;
  /** Undefined when the operand has no value (an undefined reference). */
  value?: JsonValue;
}

/** One clause's trace. */
export interface ClauseTrace {
  rule: RuleRef;
  /** Whether the clause's body held for some solution. */
  held: boolean;
  /** How many of its expressions held, on the path that went furthest. */
  exprsHeld: number;
  exprsTotal: number;
  /** The expression that stopped the clause, with its operands' values. */
  failing?: { text: string; location: Location; operands: OperandValue[] };
  /** The expressions that held before it (all of them for a clause that held), in order: the navigable trace. */
  steps: Array<{ text: string; location: Location }>;
}

/** What `explainRule` returns: one trace per clause, in source order, or the errors that stopped it. */
export interface RuleExplanation {
  clauses: ClauseTrace[];
  errors: ClearanceError[];
}

/** Traces every clause (and the default) of the rule at `entrypoint` (`data.pkg.rule`) under `options`. */
export function explainRule(policy: Policy, entrypoint: string, options: EvalOptions): RuleExplanation {
  const path = parseEntrypoint(entrypoint);
  const set = path ? nodeAt(policy.root, path, false)?.rules : undefined;
  if (!set || set.kind === 'function') return { clauses: [], errors: [] };
  const clauses: ClauseTrace[] = [];
  try {
    const ev = createEvaluator(policy, options, {});
    withValueMeter(
      (n) => ev.limits.charge(n),
      () => {
        for (const clause of set.clauses) clauses.push(traceClause(ev, clause));
      },
    );
  } catch (e) {
    return { clauses, errors: [toError(e)] };
  }
  return { clauses, errors: [] };
}

/** An evaluator, as `explainRule` and the test-case traces use it. */
export type Ev = ReturnType<typeof createEvaluator>;

/**
 * Traces the one clause of the rule at `entrypoint` that starts at `file:line`, on its own: OPA runs
 * identically named tests one by one (`test_x`, `test_x#01`); undefined when no clause starts there.
 */
export function explainClause(
  policy: Policy,
  entrypoint: string,
  at: { file: string; line: number },
  options: EvalOptions,
): { clause?: ClauseTrace; errors: ClearanceError[] } {
  const path = parseEntrypoint(entrypoint);
  const set = path ? nodeAt(policy.root, path, false)?.rules : undefined;
  const clause = set?.clauses.find(
    (c) => c.origin.location.file === at.file && c.origin.location.start.line === at.line,
  );
  if (!clause) return { errors: [] };
  try {
    return { clause: traceClause(createEvaluator(policy, options, {}), clause), errors: [] };
  } catch (e) {
    return { errors: [toError(e)] };
  }
}

/**
 * Follows a body from expression `from` in the frame `f`: whether it held, the furthest expression
 * reached, and that expression's operands, read on entering it while the frame holds its bindings.
 */
export function followBody(
  ev: Ev,
  exprs: CExpr[],
  f: Frame,
  from: number,
): { held: boolean; deepest: number; operands: OperandValue[] } {
  let deepest = from - 1;
  let operands: OperandValue[] = [];
  let held = false;
  const visit = (i: number): boolean => {
    const e = exprs[i];
    if (e === undefined) {
      held = true;
      return true;
    }
    if (i > deepest) {
      deepest = i;
      operands = readOperands(ev, e, f);
    }
    return ev.evalExpr(e, f, () => visit(i + 1));
  };
  visit(from);
  return { held, deepest, operands };
}

/** An expression's source text on one line. */
export function exprText(ev: Ev, e: CExpr): string {
  return ev
    .sourceText(e.loc)
    .replace(/\s*\n\s*/g, ' ')
    .trim();
}

function traceClause(ev: Ev, clause: CRule): ClauseTrace {
  const f: Frame = new Array(clause.nslots);
  const exprs = clause.body.exprs;
  const { held, deepest, operands } = followBody(ev, exprs, f, 0);
  const textOf = (e: CExpr) => exprText(ev, e);
  const stepsUpTo = (end: number) =>
    exprs
      .slice(0, end)
      .filter((e) => e.e !== 'nop')
      .map((e) => ({ text: textOf(e), location: e.loc }));
  const base = {
    rule: toRuleRef(clause.origin),
    held,
    exprsTotal: exprs.filter((e) => e.e !== 'nop').length,
  };
  if (held) return { ...base, exprsHeld: base.exprsTotal, steps: stepsUpTo(exprs.length) };
  const failing = exprs[deepest];
  if (!failing || failing.e === 'nop')
    return { ...base, exprsHeld: Math.max(0, deepest), steps: stepsUpTo(Math.max(0, deepest)) };
  const failed = { text: textOf(failing), location: failing.loc, operands };
  return { ...base, exprsHeld: deepest, failing: failed, steps: stepsUpTo(deepest) };
}

/** The operands of a comparison or unification, evaluated in the frame as it is. */
export function readOperands(ev: Ev, e: CExpr, f: Frame): OperandValue[] {
  // With modifiers change what the operands mean: their values alone would mislead.
  if (e.withs) return [];
  let terms: Array<[string, CTerm]> = [];
  if (e.e === 'unify')
    terms = [
      ['left', e.left],
      ['right', e.right],
    ];
  else if (e.e === 'term' && e.term.t === 'call') {
    const args = e.term.args;
    terms = args.map((a, i) => [
      args.length === 2 && e.term.t === 'call' && e.term.infix
        ? i === 0
          ? 'left'
          : 'right'
        : `arg ${i + 1}`,
      a,
    ]);
  } else if (e.e === 'term') terms = [['value', e.term]];
  return terms.map(([role, t]) => {
    const label = t.t === 'var' && !t.generated ? t.name : 'loc' in t ? ev.sourceText(t.loc) || role : role;
    try {
      let value: JsonValue | undefined;
      ev.evalTerm(t, f, (v) => {
        if (!(v instanceof Unknown)) value = evalueToJson(v);
        return true;
      });
      return value === undefined ? { label } : { label, value };
    } catch {
      return { label };
    }
  });
}
