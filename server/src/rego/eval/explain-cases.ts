/**
 * The cases of a parameterised test, `test_x[name] if { some name, tc in cases; … }`, as OPA's
 * tester reports them: a partial object test's every key is a case, which passes when its body
 * holds. A case fails when its body binds the key and then stops: OPA injects `internal.test_case`
 * right after the expressions that bind the key to see those; here each solution is followed from the
 * first point its key has a value, and the expression that stopped it is kept, with its operands.
 */
import type { ClearanceError, Location } from '../../errors';
import { nodeAt, type Policy } from '../compile/compile';
import type { CRule, CTerm } from '../compile/ir';
import { parseEntrypoint } from '../decision';
import { createEvaluator, type EvalOptions, evalueToJson, toError } from '../engine';
import type { Frame } from './eval';
import { type Ev, exprText, followBody, type OperandValue } from './explain';
import { Unknown } from './partial';

/** One case of a parameterised test. */
export interface CaseTrace {
  /** The key, as OPA prints it: a string as is, anything else as JSON. */
  name: string;
  held: boolean;
  /** For a case that failed: the expression that stopped it, with its operands' values. */
  failing?: { text: string; location: Location; operands: OperandValue[] };
}

/**
 * The cases of the partial-object test at `entrypoint`, in the order they were found; `only` limits
 * them to the clause starting at that file and line. Undefined when the rule is not a partial object.
 */
export function explainTestCases(
  policy: Policy,
  entrypoint: string,
  options: EvalOptions,
  only?: { file: string; line: number },
): { cases: CaseTrace[]; errors: ClearanceError[] } | undefined {
  const path = parseEntrypoint(entrypoint);
  const set = path ? nodeAt(policy.root, path, false)?.rules : undefined;
  if (set?.kind !== 'object') return undefined;
  const byName = new Map<string, CaseTrace>();
  try {
    const ev = createEvaluator(policy, options, {});
    for (const clause of set.clauses) {
      const at = clause.origin.location;
      if (only && (at.file !== only.file || at.start.line !== only.line)) continue;
      const key = clause.keyPath[0];
      if (!key) continue;
      for (const c of traceCases(ev, clause, key)) {
        const seen = byName.get(c.name);
        // A name that held in any solution holds: the object has the key.
        if (!seen || (!seen.held && c.held)) byName.set(c.name, c);
      }
    }
  } catch (e) {
    return { cases: [...byName.values()], errors: [toError(e)] };
  }
  return { cases: [...byName.values()], errors: [] };
}

/** The key's value in the frame as it is, or undefined while its variables are unbound. */
function keyValue(ev: Ev, key: CTerm, f: Frame): string | undefined {
  let name: string | undefined;
  ev.evalTerm(key, f, (v) => {
    if (v instanceof Unknown) return false;
    const json = evalueToJson(v);
    name = typeof json === 'string' ? json : JSON.stringify(json);
    return true;
  });
  return name;
}

/** Every solution of the clause that binds the key: held, or where it stopped. */
function traceCases(ev: Ev, clause: CRule, key: CTerm): CaseTrace[] {
  const f: Frame = new Array(clause.nslots);
  const exprs = clause.body.exprs;
  const cases: CaseTrace[] = [];
  const follow = (name: string, from: number) => {
    const { held, deepest, operands } = followBody(ev, exprs, f, from);
    const failing = held ? undefined : exprs[deepest];
    if (!failing || failing.e === 'nop') return cases.push({ name, held });
    cases.push({ name, held, failing: { text: exprText(ev, failing), location: failing.loc, operands } });
  };
  const visit = (i: number): boolean => {
    const name = keyValue(ev, key, f);
    if (name !== undefined) {
      follow(name, i);
      // Go on: every binding of the key is a case.
      return false;
    }
    const e = exprs[i];
    if (e === undefined) return false;
    return ev.evalExpr(e, f, () => visit(i + 1));
  };
  visit(0);
  return cases;
}
