/**
 * `evaluateDecision`: evaluates one rule (an entrypoint such as `data.api.authz.allow`) and says
 * which clause decided — or, with unknowns, under which residual conditions each clause would
 * apply. Sound first: a decision is 'defined' only when no value of the unknowns could change it.
 */
import type { ClearanceError, Location } from '../errors';
import { formatPath, nodeAt, type Policy } from './compile';
import { scalarValue } from './compile-terms';
import { createEvaluator, type EvalOptions, evalueToJson, toError } from './engine';
import type { Frame } from './eval';
import { defaultValue, runClause } from './eval-rules';
import type { ClauseOrigin, CTerm, RuleSet } from './ir';
import { parseQuery } from './parser';
import { type EValue, Unknown } from './partial';
import { equalValues, type JsonValue, type Value } from './value';

/** A rule clause, for provenance: where it is and how it reads. */
export interface RuleRef {
  path: string;
  location: Location;
  headLocation: Location;
  text: string;
  isDefault: boolean;
}

/** One way a conditional decision can come out. */
export interface DecisionBranch {
  value: JsonValue;
  rule: RuleRef;
  conditions: string[];
  valueText?: string;
}

/** A decision with provenance. */
export interface Decision {
  outcome: 'defined' | 'undefined' | 'conditional' | 'error';
  value?: JsonValue;
  rules: RuleRef[];
  /**
   * 'conditional': the rule gives `value` if all `conditions` hold. When the value itself depends
   * on the unknowns, `value` is null and `valueText` is its Rego text (e.g. `input.resource.public`).
   */
  branches?: DecisionBranch[];
  errors: ClearanceError[];
}

/** Copies a clause origin into a RuleRef. */
function toRuleRef(o: ClauseOrigin): RuleRef {
  return {
    path: o.path,
    location: o.location,
    headLocation: o.headLocation,
    text: o.text,
    isDefault: o.isDefault,
  };
}

/** Parses `data.a.b.c` (or `data.a["b"]`) into its path; undefined if it is not a ground data ref. */
function parseEntrypoint(entrypoint: string): Value[] | undefined {
  const parsed = parseQuery(entrypoint, { file: '<entrypoint>' });
  const expr = parsed.body?.exprs[0];
  if (!expr || parsed.body?.exprs.length !== 1 || expr.type !== 'term') return undefined;
  const t = expr.term;
  const terms = t.type === 'ref' ? t.terms : t.type === 'var' ? [t] : [];
  const [head, ...rest] = terms;
  if (head?.type !== 'var' || head.name !== 'data') return undefined;
  const path: Value[] = [];
  for (const r of rest) {
    const v = scalarValue(r);
    if (v === undefined) return undefined;
    path.push(v);
  }
  return path;
}

/** Evaluates a decision at `entrypoint`, with provenance and three-valued outcomes under unknowns. */
export function evaluateDecision(policy: Policy, entrypoint: string, options: EvalOptions): Decision {
  const path = parseEntrypoint(entrypoint);
  if (!path) {
    return {
      outcome: 'error',
      rules: [],
      errors: [
        {
          code: 'rego_compile_error',
          message: `invalid entrypoint ${entrypoint}: expected a data reference`,
        },
      ],
    };
  }
  try {
    const ev = createEvaluator(policy, options, {});
    const node = nodeAt(policy.root, path, false);
    const set = node?.rules;
    if (set && node.children.size === 0 && set.kind === 'complete') return decideComplete(ev, set);
    if (set && node.children.size === 0 && set.kind === 'function') {
      return {
        outcome: 'error',
        rules: [],
        errors: [{ code: 'rego_type_error', message: `${formatPath(path)} is a function, not a decision` }],
      };
    }
    return decideValue(ev, path, set);
  } catch (e) {
    return { outcome: 'error', rules: [], errors: [toError(e)] };
  }
}

type Ev = ReturnType<typeof createEvaluator>;

/** Most conditional branches a decision lists. */
const MAX_BRANCHES = 64;

/** Decides a complete rule clause by clause. */
function decideComplete(ev: Ev, set: RuleSet): Decision {
  const definite: Array<{ value: Value; origin: ClauseOrigin }> = [];
  const branches: Array<DecisionBranch & { raw: EValue }> = [];
  for (const clause of set.clauses) {
    const f: Frame = new Array(clause.nslots);
    runClause(ev, clause, f, (vt: CTerm, origin) =>
      ev.evalTerm(vt, f, (v) => {
        const conditions = [...ev.residuals];
        if (conditions.length === 0 && !(v instanceof Unknown)) {
          definite.push({ value: v, origin });
          return vt.t === 'val';
        }
        if (v instanceof Unknown) conditions.push(`value = ${v.text}`);
        const branch: DecisionBranch & { raw: EValue } = {
          value: v instanceof Unknown ? null : evalueToJson(v),
          rule: toRuleRef(origin),
          conditions,
          raw: v,
        };
        if (v instanceof Unknown) branch.valueText = v.text;
        branches.push(branch);
        // Enough branches to explain the decision; stopping early can only keep it conditional.
        return branches.length >= MAX_BRANCHES;
      }),
    );
  }
  const first = definite[0];
  if (first) {
    for (const d of definite) {
      if (!equalValues(d.value, first.value)) {
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
    const rules = uniqueRefs(definite.map((d) => d.origin));
    const disagreeing = branches.filter(
      (b) => b.raw instanceof Unknown || !equalValues(b.raw as Value, first.value),
    );
    if (disagreeing.length === 0) {
      return { outcome: 'defined', value: evalueToJson(first.value), rules, errors: [] };
    }
    return {
      outcome: 'conditional',
      value: evalueToJson(first.value),
      rules,
      branches: disagreeing.map(publicBranch),
      errors: [],
    };
  }
  const dflt = set.default ? defaultValue(ev, set) : undefined;
  const defaultRules = set.default ? [toRuleRef(set.default.origin)] : [];
  if (branches.length > 0) {
    const out: Decision = {
      outcome: 'conditional',
      rules: defaultRules,
      branches: branches.map(publicBranch),
      errors: [],
    };
    if (dflt !== undefined) out.value = evalueToJson(dflt);
    return out;
  }
  if (dflt !== undefined)
    return { outcome: 'defined', value: evalueToJson(dflt), rules: defaultRules, errors: [] };
  return { outcome: 'undefined', rules: [], errors: [] };
}

/** Decides any other document (partial rules, packages, base data) by its value. */
function decideValue(ev: Ev, path: Value[], set: RuleSet | undefined): Decision {
  const terms: CTerm[] = path.map((p) => ({ t: 'val', v: p }));
  let value: EValue | undefined;
  ev.evalTerm(
    { t: 'ref', head: { t: 'root', which: 'data' }, path: terms, loc: emptyLocation() },
    [],
    (v) => {
      value = v;
      return true;
    },
  );
  const rules: RuleRef[] = [];
  if (set && set.kind !== 'function') {
    for (const clause of set.clauses) {
      const f: Frame = new Array(clause.nslots);
      let produced = false;
      runClause(ev, clause, f, () => {
        produced = true;
        return true;
      });
      if (produced) rules.push(toRuleRef(clause.origin));
    }
  }
  if (value === undefined) return { outcome: 'undefined', rules: [], errors: [] };
  if (value instanceof Unknown) {
    const first = set?.clauses[0];
    return {
      outcome: 'conditional',
      rules,
      branches: first
        ? [
            {
              value: null,
              rule: toRuleRef(first.origin),
              conditions: [`value = ${value.text}`],
              valueText: value.text,
            },
          ]
        : [],
      errors: [],
    };
  }
  return { outcome: 'defined', value: evalueToJson(value), rules, errors: [] };
}

/** A branch without its internal raw value. */
function publicBranch(b: DecisionBranch & { raw: EValue }): DecisionBranch {
  const { raw: _raw, ...rest } = b;
  return rest;
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

/** A placeholder location for synthesised terms. */
function emptyLocation(): Location {
  const p = { line: 1, column: 1, offset: 0 };
  return { file: '<decision>', start: p, end: p };
}
