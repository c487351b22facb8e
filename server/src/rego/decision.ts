/**
 * `evaluateDecision`: evaluates one rule (an entrypoint such as `data.api.authz.allow`) and says
 * which clause decided — or, with unknowns, under which residual conditions each clause would
 * apply. Sound first: a decision is 'defined' only when no value of the unknowns could change it.
 */
import type { Location } from '../errors';
import { formatPath, nodeAt, type Policy } from './compile/compile';
import { scalarValue } from './compile/compile-terms';
import type { ClauseOrigin, CTerm, RuleNode, RuleSet } from './compile/ir';
import {
  analyzeComplete,
  analyzePath,
  COARSE,
  type Ev,
  type Outcomes,
  producingRules,
  type RawBranch,
} from './decision-outcomes';
import { type Decision, type DecisionBranch, type RuleRef, toRuleRef } from './decision-types';
import { createEvaluator, type EvalOptions, evalueToJson, toError } from './engine';
import { type EValue, Unknown } from './eval/partial';
import { parseQuery } from './syntax/parser';
import { keyOf, type Value, withValueMeter } from './value/value';

export { type Decision, type DecisionBranch, type RuleRef, toRuleRef } from './decision-types';

const entrypointPaths = new Map<string, Value[] | undefined>();

/** The path of an entrypoint, parsed once: the editor decides every call with the same one. */
function selectEntrypointPath(entrypoint: string): Value[] | undefined {
  if (entrypointPaths.has(entrypoint)) return entrypointPaths.get(entrypoint);
  const path = parseEntrypoint(entrypoint);
  if (entrypointPaths.size >= 64) entrypointPaths.clear();
  entrypointPaths.set(entrypoint, path);
  return path;
}

/** Parses `data.a.b.c` (or `data.a["b"]`) into its path; undefined if it is not a ground data ref. */
export function parseEntrypoint(entrypoint: string): Value[] | undefined {
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
  const path = selectEntrypointPath(entrypoint);
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
    const metered = <T>(body: () => T): T => withValueMeter((n) => ev.limits.charge(n), body);
    if (set && node.children.size === 0 && set.kind === 'complete')
      return metered(() => decideComplete(ev, set));
    if (set && node.children.size === 0 && set.kind === 'function') {
      return {
        outcome: 'error',
        rules: [],
        errors: [{ code: 'rego_type_error', message: `${formatPath(path)} is a function, not a decision` }],
      };
    }
    return metered(() => decideValue(ev, path, set));
  } catch (e) {
    return { outcome: 'error', rules: [], errors: [toError(e)] };
  }
}

/** Turns outcomes into a decision. */
function toDecision(o: Outcomes): Decision {
  if (o.branches.length === 0) {
    if (o.otherwise === undefined) return { outcome: 'undefined', rules: [], errors: [] };
    return { outcome: 'defined', value: evalueToJson(o.otherwise), rules: o.rules, errors: [] };
  }
  const out: Decision = {
    outcome: 'conditional',
    rules: o.rules,
    branches: o.branches.map(publicBranch),
    errors: [],
  };
  if (o.otherwise !== undefined) out.value = evalueToJson(o.otherwise);
  return out;
}

/** Decides a complete rule clause by clause. */
function decideComplete(ev: Ev, set: RuleSet): Decision {
  const o = analyzeComplete(ev, set);
  return 'outcome' in o ? o : toDecision(o);
}

/** The first clause at or below a node, to name in a coarse branch. */
function firstClause(node: RuleNode | undefined): ClauseOrigin | undefined {
  if (!node) return undefined;
  const c = node.rules?.clauses[0];
  if (c) return c.origin;
  for (const child of node.children.values()) {
    const o = firstClause(child.node);
    if (o) return o;
  }
  return undefined;
}

/** The deepest rule node along a path. */
function deepestNode(root: RuleNode, path: Value[]): RuleNode {
  let node = root;
  for (const key of path) {
    const child = node.children.get(keyOf(key));
    if (!child) break;
    node = child.node;
  }
  return node;
}

/** Decides any other document (partial rules, packages, base data, refs into rule values) by its value. */
function decideValue(ev: Ev, path: Value[], set: RuleSet | undefined): Decision {
  const terms: CTerm[] = path.map((p) => ({ t: 'val', v: p }));
  let value: EValue | undefined;
  let residual = false;
  ev.evalTerm(
    { t: 'ref', head: { t: 'root', which: 'data' }, path: terms, loc: emptyLocation() },
    [],
    (v) => {
      value = v;
      if (ev.residuals.length > 0) residual = true;
      return true;
    },
  );
  if (!residual && !(value instanceof Unknown)) {
    if (value === undefined) return { outcome: 'undefined', rules: [], errors: [] };
    return { outcome: 'defined', value: evalueToJson(value), rules: producingRules(ev, set), errors: [] };
  }
  // The value depends on the unknowns: list what it can come out as, or say that it may be anything.
  const o = ev.unknowns ? analyzePath(ev, path) : COARSE;
  if (o !== COARSE) return 'outcome' in o ? o : toDecision(o);
  const text = value instanceof Unknown ? value.text : formatPath(path);
  const origin = firstClause(deepestNode(ev.policy.root, path));
  const rule: RuleRef = origin
    ? toRuleRef(origin)
    : {
        path: formatPath(path),
        location: emptyLocation(),
        headLocation: emptyLocation(),
        text,
        isDefault: false,
      };
  return {
    outcome: 'conditional',
    rules: [],
    branches: [{ value: null, rule, conditions: [], valueText: text }],
    errors: [],
  };
}

/** A branch without its internal raw value. */
function publicBranch(b: RawBranch): DecisionBranch {
  const out: DecisionBranch = {
    value: b.raw instanceof Unknown ? null : evalueToJson(b.raw),
    rule: b.rule,
    conditions: b.conditions,
  };
  if (b.raw instanceof Unknown) out.valueText = b.raw.text;
  return out;
}

/** A placeholder location for synthesised terms. */
function emptyLocation(): Location {
  const p = { line: 1, column: 1, offset: 0 };
  return { file: '<decision>', start: p, end: p };
}
