/**
 * `findClosestClause`: for a decision that went the wrong way, the clause of the entrypoint that came
 * nearest to giving the wanted value, and the first of its expressions that failed. Denials are
 * explained by it ("the owner rule would allow, but `input.user.id == input.resource.owner_id` is
 * false"), the way `opa eval --explain=fails` points at the failing expression.
 */
import type { Location } from '../../errors';
import { nodeAt, type Policy } from '../compile/compile';
import type { CRule, RuleSet } from '../compile/ir';
import { parseEntrypoint, type RuleRef, toRuleRef } from '../decision';
import { createEvaluator, type EvalOptions, evalueToJson } from '../engine';
import { type JsonValue, withValueMeter } from '../value/value';
import type { Frame } from './eval';

/** The clause that came closest, and the expression that stopped it. */
export interface ClosestClause {
  rule: RuleRef;
  /** The first expression, in evaluation order, for which no solution held. */
  failing: { text: string; location: Location };
  /** How many of the clause's expressions held before it failed. */
  held: number;
}

/**
 * Evaluates, expression by expression, every clause of the entrypoint whose value `wanted` accepts
 * (a constant value is checked before; a computed one is taken as possibly wanted) and returns the
 * one that held furthest. For an entrypoint that is a package, its `allow` rule is used.
 */
export function findClosestClause(
  policy: Policy,
  entrypoint: string,
  options: EvalOptions,
  wanted: (value: JsonValue) => boolean,
): ClosestClause | undefined {
  const path = parseEntrypoint(entrypoint);
  if (!path) return undefined;
  const node = nodeAt(policy.root, path, false);
  const set: RuleSet | undefined = node?.rules ?? (node ? nodeAt(node, ['allow'], false)?.rules : undefined);
  if (set?.kind !== 'complete') return undefined;
  let best: ClosestClause | undefined;
  try {
    const ev = createEvaluator(policy, options, {});
    for (const clause of set.clauses) {
      if (!mayGive(clause, wanted)) continue;
      const found = withValueMeter(
        (n) => ev.limits.charge(n),
        () => measureClause(ev, clause),
      );
      if (!found) continue;
      const failing = clause.body.exprs[found.held];
      if (!failing || failing.e === 'nop') continue;
      if (best && best.held >= found.held) continue;
      best = {
        rule: toRuleRef(clause.origin),
        failing: { text: sourceText(policy, failing.loc), location: failing.loc },
        held: found.held,
      };
    }
  } catch {
    // Out of steps or time: the explanation goes without its closest rule rather than fail.
    return best;
  }
  return best;
}

/** Whether a clause can give a value `wanted` accepts: its constant value does, or it is computed. */
function mayGive(clause: CRule, wanted: (value: JsonValue) => boolean): boolean {
  if (clause.isDefault) return false;
  if (clause.value.t !== 'val') return true;
  return wanted(evalueToJson(clause.value.v));
}

/** How many expressions of a clause's body held (on the best path) before one failed; undefined if all held. */
function measureClause(ev: ReturnType<typeof createEvaluator>, clause: CRule): { held: number } | undefined {
  const f: Frame = new Array(clause.nslots);
  const exprs = clause.body.exprs;
  let deepest = 0;
  let complete = false;
  const visit = (i: number): boolean => {
    if (i > deepest) deepest = i;
    const e = exprs[i];
    if (e === undefined) {
      complete = true;
      return true;
    }
    return ev.evalExpr(e, f, () => visit(i + 1));
  };
  visit(0);
  return complete ? undefined : { held: deepest };
}

/** The source text of an expression, on one line. */
function sourceText(policy: Policy, loc: Location): string {
  const text = policy.sources.get(loc.file)?.slice(loc.start.offset, loc.end.offset);
  return (text ?? '').replace(/\s*\n\s*/g, ' ').trim();
}
