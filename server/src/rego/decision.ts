/**
 * `evaluateDecision`: evaluates one rule (an entrypoint such as `data.api.authz.allow`) and says
 * which clause decided — or, with unknowns, under which residual conditions each clause would
 * apply. Sound first: a decision is 'defined' only when no value of the unknowns could change it.
 */
import type { ClearanceError, Location } from '../errors';
import { formatPath, nodeAt, type Policy } from './compile/compile';
import { scalarValue } from './compile/compile-terms';
import type { ClauseOrigin, CTerm, RuleNode, RuleSet } from './compile/ir';
import { createEvaluator, type EvalOptions, evalueToJson, toError } from './engine';
import type { Frame } from './eval/eval';
import { lookupKey } from './eval/eval-refs';
import { defaultValue, evalRuleSetValue, runClause, selectClauses } from './eval/eval-rules';
import { appendRefStep, type EValue, negateConjunction, renderOperand, Unknown } from './eval/partial';
import { parseQuery } from './syntax/parser';
import {
  equalValues,
  formatRegoValue,
  type JsonValue,
  keyOf,
  RegoObject,
  type Value,
  withValueMeter,
} from './value/value';

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
export function toRuleRef(o: ClauseOrigin): RuleRef {
  return {
    path: o.path,
    location: o.location,
    headLocation: o.headLocation,
    text: o.text,
    isDefault: o.isDefault,
  };
}

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

type Ev = ReturnType<typeof createEvaluator>;

/** Most conditional branches a decision lists. */
const MAX_BRANCHES = 64;

/** A branch before it is made public: its value may be Unknown. */
interface RawBranch {
  raw: EValue;
  rule: RuleRef;
  conditions: string[];
}

/**
 * What a document can come out as: `otherwise` (undefined: no value) unless one of the branches
 * applies. Every value the document can take for some value of the unknowns is listed.
 */
interface Outcomes {
  otherwise: Value | undefined;
  /** The rules that give `otherwise`. */
  rules: RuleRef[];
  branches: RawBranch[];
}

/** Analysis failed to be precise: the caller falls back to one coarse branch. */
const COARSE = Symbol('coarse');

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

/** A clause branch's value and conditions, for `analyzeComplete`. */
interface Solution {
  value: EValue;
  origin: ClauseOrigin;
  conditions: string[];
}

/** The outcomes of a complete rule, clause by clause (or the conflict error when it is certain). */
function analyzeComplete(ev: Ev, set: RuleSet): Outcomes | Decision {
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
function analyzePath(ev: Ev, path: Value[]): Outcomes | Decision | typeof COARSE {
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
function producingRules(ev: Ev, set: RuleSet | undefined): RuleRef[] {
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
