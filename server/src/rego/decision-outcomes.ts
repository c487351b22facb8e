/**
 * The outcome analysis behind `evaluateDecision` under unknowns: what a rule, a package or a ref
 * into a rule's value can come out as, clause by clause, each way with its residual conditions.
 */
import { formatPath } from './compile/compile';
import type { ClauseOrigin, CTerm, RuleNode, RuleSet } from './compile/ir';
import { type Decision, type RuleRef, toRuleRef } from './decision-types';
import type { createEvaluator } from './engine';
import type { Frame } from './eval/eval';
import { lookupKey } from './eval/eval-refs';
import { defaultValue, evalRuleSetValue, runClause, selectClauses } from './eval/eval-rules';
import { appendRefStep, type EValue, negateConjunction, renderOperand, Unknown } from './eval/partial';
import { equalValues, formatRegoValue, keyOf, RegoObject, type Value } from './value/value';

/** The evaluator a decision is analysed with. */
export type Ev = ReturnType<typeof createEvaluator>;

/** Most conditional branches a decision lists. */
const MAX_BRANCHES = 64;

/** A branch before it is made public: its value may be Unknown. */
export interface RawBranch {
  raw: EValue;
  rule: RuleRef;
  conditions: string[];
}

/**
 * What a document can come out as: `otherwise` (undefined: no value) unless one of the branches
 * applies. Every value the document can take for some value of the unknowns is listed.
 */
export interface Outcomes {
  otherwise: Value | undefined;
  /** The rules that give `otherwise`. */
  rules: RuleRef[];
  branches: RawBranch[];
}

/** Analysis failed to be precise: the caller falls back to one coarse branch. */
export const COARSE = Symbol('coarse');

/** A clause branch's value and conditions, for `analyzeComplete`. */
interface Solution {
  value: EValue;
  origin: ClauseOrigin;
  conditions: string[];
}

/** The outcomes of a complete rule, clause by clause (or the conflict error when it is certain). */
export function analyzeComplete(ev: Ev, set: RuleSet): Outcomes | Decision {
  const definite: Solution[] = [];
  const branches: Solution[] = [];
  let truncated = false;
  for (const clause of selectClauses(ev, set)) {
    const f: Frame = new Array(clause.nslots);
    const info = { exhaustive: false };
    const before = { definite: definite.length, branches: branches.length };
    runClause(
      ev,
      clause,
      f,
      (vt: CTerm, origin) =>
        ev.evalTerm(vt, f, (v) => {
          const conditions = [...ev.residuals];
          if (conditions.length === 0 && !(v instanceof Unknown)) {
            definite.push({ value: v, origin, conditions });
            return vt.t === 'val';
          }
          branches.push({ value: v, origin, conditions });
          // Enough branches to explain the decision; the rest is covered by a coarse branch.
          if (branches.length >= MAX_BRANCHES) {
            truncated = true;
            return true;
          }
          return false;
        }),
      info,
    );
    // An `else` chain that always gives a value, the same known value whichever branch applies
    // (`false if locked else := false`), decides as surely as an unconditional clause.
    const own = branches.slice(before.branches);
    if (info.exhaustive && !truncated && definite.length === before.definite && own.length > 0) {
      const v = own[0]?.value;
      if (
        v !== undefined &&
        !(v instanceof Unknown) &&
        own.every((b) => !(b.value instanceof Unknown) && equalValues(b.value, v))
      ) {
        branches.length = before.branches;
        for (const b of own) definite.push({ value: v, origin: b.origin, conditions: [] });
      }
    }
  }
  const raw = (b: Solution): RawBranch => {
    const conditions = [...b.conditions];
    if (b.value instanceof Unknown) conditions.push(`value = ${b.value.text}`);
    return { raw: b.value, rule: toRuleRef(b.origin), conditions };
  };
  const coarse: RawBranch[] = [];
  if (truncated) {
    const first = set.clauses[0];
    if (first)
      coarse.push({ raw: new Unknown(formatPath(set.path)), rule: toRuleRef(first.origin), conditions: [] });
  }
  const first = definite[0];
  if (first) {
    for (const d of definite) {
      if (!equalValues(d.value as Value, first.value as Value)) {
        return {
          outcome: 'error',
          rules: [],
          errors: [
            {
              code: 'eval_conflict_error',
              message: 'complete rules must not produce multiple outputs',
              location: d.origin.location,
            },
          ],
        };
      }
    }
    const disagreeing = branches.filter(
      (b) => b.value instanceof Unknown || !equalValues(b.value, first.value as Value),
    );
    return {
      otherwise: first.value as Value,
      rules: uniqueRefs(definite.map((d) => d.origin)),
      branches: [...disagreeing.map(raw), ...coarse],
    };
  }
  const dflt = set.default ? defaultValue(ev, set) : undefined;
  const defaultRules = set.default ? [toRuleRef(set.default.origin)] : [];
  if (dflt instanceof Unknown) {
    // A default computed from unknowns (rare): nothing precise to say.
    return {
      otherwise: undefined,
      rules: [],
      branches: [{ raw: dflt, rule: defaultRules[0] as RuleRef, conditions: [] }, ...branches.map(raw)],
    };
  }
  return { otherwise: dflt, rules: defaultRules, branches: [...branches.map(raw), ...coarse] };
}

/** The outcomes of a rule set that is not a function. */
function analyzeSet(ev: Ev, set: RuleSet): Outcomes | Decision | typeof COARSE {
  if (set.kind === 'complete') return analyzeComplete(ev, set);
  if (set.kind === 'function') return { otherwise: undefined, rules: [], branches: [] };
  const v = evalRuleSetValue(ev, set);
  if (v instanceof Unknown) return COARSE;
  return { otherwise: v, rules: producingRules(ev, set), branches: [] };
}

/**
 * The outcomes of a package (a rule tree node with base data): its known documents, plus one
 * branch per way its conditional documents can come out. Precise when one document is
 * conditional, or when each conditional document's branches have single conditions that can be
 * negated (combinations); coarse otherwise.
 */
function analyzeNode(ev: Ev, node: RuleNode, base: Value | undefined): Outcomes | Decision | typeof COARSE {
  if (node.rules && node.children.size === 0) return analyzeSet(ev, node.rules);
  if (node.rules) return COARSE;
  const fixed = new RegoObject();
  if (base instanceof RegoObject) for (const [k, v] of base.entries()) fixed.set(k, v);
  const rules: RuleRef[] = [];
  const conditional: Array<{ key: Value; o: Outcomes }> = [];
  for (const c of node.children.values()) {
    const baseChild = base instanceof RegoObject ? base.get(c.key) : undefined;
    // Like OPA (and nodeValue), a base document shadows a rule of the same name.
    if (baseChild !== undefined && c.node.rules && c.node.children.size === 0) continue;
    if (c.node.rules?.kind === 'function') continue;
    const o = analyzeNode(ev, c.node, baseChild);
    if (o === COARSE || 'outcome' in o) return o;
    rules.push(...o.rules);
    if (o.branches.length === 0) {
      if (o.otherwise !== undefined) fixed.set(c.key, o.otherwise);
      continue;
    }
    conditional.push({ key: c.key, o });
  }
  if (conditional.length === 0) return { otherwise: fixed, rules, branches: [] };
  let combos = 1;
  for (const c of conditional) combos *= c.o.branches.length + 1;
  if (combos - 1 > MAX_BRANCHES) return COARSE;
  const negations: string[][] = [];
  if (conditional.length > 1) {
    for (const c of conditional) {
      const neg: string[] = [];
      for (const b of c.o.branches) {
        if (b.conditions.length !== 1) return COARSE;
        neg.push(negateConjunction(b.conditions));
      }
      negations.push(neg);
    }
  }
  const branches: RawBranch[] = [];
  const choice = conditional.map(() => -1);
  const advance = (): boolean => {
    for (let i = 0; i < choice.length; i++) {
      const n = (conditional[i] as { o: Outcomes }).o.branches.length;
      if ((choice[i] as number) + 1 < n) {
        choice[i] = (choice[i] as number) + 1;
        return true;
      }
      choice[i] = -1;
    }
    return false;
  };
  while (advance()) {
    const entries: Array<[Value, EValue]> = [];
    const conditions: string[] = [];
    let rule: RuleRef | undefined;
    conditional.forEach((c, i) => {
      const pick = choice[i] as number;
      if (pick < 0) {
        if (c.o.otherwise !== undefined) entries.push([c.key, c.o.otherwise]);
        conditions.push(...(negations[i] ?? []));
        return;
      }
      const b = c.o.branches[pick] as RawBranch;
      rule ??= b.rule;
      entries.push([c.key, b.raw]);
      conditions.push(...b.conditions);
    });
    branches.push({ raw: withEntries(fixed, entries), rule: rule as RuleRef, conditions });
  }
  const otherwiseEntries: Array<[Value, EValue]> = [];
  for (const c of conditional) if (c.o.otherwise !== undefined) otherwiseEntries.push([c.key, c.o.otherwise]);
  return { otherwise: withEntries(fixed, otherwiseEntries) as Value, rules, branches };
}

/** `base` with more entries; Rego text when any of them is Unknown. */
function withEntries(base: RegoObject, entries: Array<[Value, EValue]>): EValue {
  if (entries.some(([, v]) => v instanceof Unknown)) {
    const parts: string[] = [];
    const added = new Set(entries.map(([k]) => keyOf(k)));
    for (const [k, v] of base.entries())
      if (!added.has(keyOf(k))) parts.push(`${formatRegoValue(k)}: ${renderOperand(v)}`);
    for (const [k, v] of entries) parts.push(`${formatRegoValue(k)}: ${renderOperand(v)}`);
    return new Unknown(`{${parts.join(', ')}}`);
  }
  const out = new RegoObject();
  for (const [k, v] of base.entries()) out.set(k, v);
  for (const [k, v] of entries) out.set(k, v as Value);
  return out;
}

/** A value's document at `rest` below it; an Unknown extends its text. */
function project(v: EValue, rest: Value[]): EValue | undefined {
  let cur: EValue | undefined = v;
  for (const key of rest) {
    if (cur === undefined) return undefined;
    if (cur instanceof Unknown) cur = new Unknown(appendRefStep(cur.text, key));
    else cur = lookupKey(cur, key);
  }
  return cur;
}

/** The outcomes of the document at `path`, precise where the analysis allows. */
export function analyzePath(ev: Ev, path: Value[]): Outcomes | Decision | typeof COARSE {
  let node: RuleNode = ev.policy.root;
  let base: Value | undefined = ev.ctx.data;
  for (let i = 0; i < path.length; i++) {
    const key = path[i] as Value;
    if (node.rules) {
      if (node.children.size > 0) return COARSE;
      // A ref into a rule's value (`data.p.obj.allow`): the rule's outcomes, each projected.
      const o = analyzeSet(ev, node.rules);
      if (o === COARSE || 'outcome' in o) return o;
      const rest = path.slice(i);
      const branches: RawBranch[] = [];
      for (const b of o.branches) {
        const raw = project(b.raw, rest);
        // Undefined under some conditions: no JSON value says that, so stay coarse.
        if (raw === undefined) return COARSE;
        branches.push({ ...b, raw });
      }
      const otherwise = o.otherwise === undefined ? undefined : project(o.otherwise, rest);
      return { otherwise: otherwise as Value | undefined, rules: o.rules, branches };
    }
    const child = node.children.get(keyOf(key));
    if (!child) return COARSE;
    node = child.node;
    base = base === undefined ? undefined : lookupKey(base, key);
  }
  return analyzeNode(ev, node, base);
}

/** The clauses of a rule set that produce something (for provenance of a known value). */
export function producingRules(ev: Ev, set: RuleSet | undefined): RuleRef[] {
  const rules: RuleRef[] = [];
  if (set && set.kind !== 'function') {
    for (const clause of selectClauses(ev, set)) {
      const f: Frame = new Array(clause.nslots);
      let produced = false;
      runClause(ev, clause, f, () => {
        produced = true;
        return true;
      });
      if (produced) rules.push(toRuleRef(clause.origin));
    }
  }
  return rules;
}

/** Origins without duplicates, in order. */
function uniqueRefs(origins: ClauseOrigin[]): RuleRef[] {
  const seen = new Set<ClauseOrigin>();
  const out: RuleRef[] = [];
  for (const o of origins) {
    if (seen.has(o)) continue;
    seen.add(o);
    out.push(toRuleRef(o));
  }
  return out;
}
