/**
 * How policy tests and their cases are named and enumerated: one definition that `clearance policy
 * test` and the editor's Test Explorer both call, so a test is the same test in both, as OPA's
 * tester names it. A test name defined again in its package is another test, numbered in file and
 * line order (`test_x`, `test_x#01`, `test_x#02`); each case of a parameterised test
 * (`test_x[name] if …`, `test_x contains name if …`) is a test of its own named after its key as
 * JSON (`test_x["two plus two"]`), which passes when its value is `true` (a set's members pass); a
 * parameterised test that gives no case fails.
 */
import type { ClearanceError } from '../errors';
import {
  type EvalOptions,
  evaluateQuery,
  type JsonValue,
  type Policy,
  prepareQuery,
  stringifyJson,
} from '../rego';
import { nodeAt } from '../rego/compile/compile';
import { parseEntrypoint } from '../rego/decision';
import { type CaseTrace, explainTestCases } from '../rego/eval/explain-cases';

/** What a test rule defines: a value (an ordinary test) or cases (a partial set or object). */
export type TestRuleKind = 'value' | 'set' | 'object';

/** The suffix of the `k`-th definition of a test name (0 for the first): `''`, `#01`, `#02`, … */
export function duplicateSuffix(k: number): string {
  return k === 0 ? '' : `#${String(k).padStart(2, '0')}`;
}

/**
 * Names tests as OPA does: sorted by file and position, a name (`id`) defined more than once gets
 * `#01`, `#02`, … on its later definitions; `rename` builds the renamed test. Returns them in order.
 */
export function numberTests<T extends { id: string; file: string; at: number }>(
  tests: T[],
  rename: (test: T, suffix: string, k: number) => T,
): T[] {
  const sorted = [...tests].sort((a, b) => (a.file === b.file ? a.at - b.at : a.file < b.file ? -1 : 1));
  const count = new Map<string, number>();
  for (const t of sorted) count.set(t.id, (count.get(t.id) ?? 0) + 1);
  const seen = new Map<string, number>();
  return sorted.map((t) => {
    if (count.get(t.id) === 1) return t;
    const k = seen.get(t.id) ?? 0;
    seen.set(t.id, k + 1);
    return rename(t, duplicateSuffix(k), k);
  });
}

/** One case of a parameterised test, as run. */
export interface TestCaseResult {
  key: JsonValue;
  /** The case as a test: the test's name and the key as JSON, `test_x["two plus two"]`. */
  name: string;
  passed: boolean;
  /** What the case gave, when its key is in the test's value (`true` when it passed). */
  value?: JsonValue;
  /** The engine's trace of the case: where a failed case stopped. */
  trace?: CaseTrace;
}

/** The name of the case `key` of test `test` (a name or a `data.` path). */
export function caseName(test: string, key: JsonValue): string {
  return `${test}[${stringifyJson(key)}]`;
}

/** What the test rule at `query` defines, by its compiled rule set: cases (a partial set or object) or a value. */
export function testRuleKind(policy: Policy, query: string): TestRuleKind {
  const path = parseEntrypoint(query);
  const kind = path ? nodeAt(policy.root, path, false)?.rules?.kind : undefined;
  return kind === 'set' || kind === 'object' ? kind : 'value';
}

/**
 * Runs the parameterised test at `query` (named `test` in the cases' names) and gives its cases;
 * undefined when the rule is not parameterised. As OPA's tester, a partial object's cases are the
 * keys its clauses bind (`explainTestCases`), so a case whose body binds the key and then fails is a
 * failed case, not a missing one; a case passes when its body holds and its value is `true`. A
 * partial set's members are its cases, each passing. `only` limits the cases to one clause (a name
 * defined again). `options` (print, coverage) apply to the one evaluation of the test's value.
 */
export function runTestCases(
  policy: Policy,
  query: string,
  test: string,
  options: EvalOptions,
  only?: { file: string; line: number },
): { cases: TestCaseResult[]; errors: ClearanceError[] } | undefined {
  const kind = testRuleKind(policy, query);
  if (kind === 'value') return undefined;
  const prepared = prepareQuery(policy, query);
  if (!prepared.query) return { cases: [], errors: prepared.errors };
  const evaluated = evaluateQuery(prepared.query, options);
  if (evaluated.errors.length > 0) return { cases: [], errors: evaluated.errors };
  const value = evaluated.results[0]?.expressions[0];
  if (kind === 'set') {
    const members = Array.isArray(value) ? value : [];
    return {
      cases: members.map((key) => ({ key, name: caseName(test, key), passed: true, value: true })),
      errors: [],
    };
  }
  const values = value && typeof value === 'object' && !Array.isArray(value) ? value : {};
  const limits = options.limits;
  const traced = explainTestCases(
    policy,
    query,
    { ...(options.data !== undefined ? { data: options.data } : {}), ...(limits ? { limits } : {}) },
    only,
  );
  const cases: TestCaseResult[] = [];
  const seen = new Set<string>();
  for (const trace of traced?.cases ?? []) {
    // The traces name a string key as it is and anything else as JSON; the value's keys are text.
    const key = keyOfLabel(trace.name);
    const v = values[trace.name];
    seen.add(trace.name);
    const passed = trace.held && (v === undefined ? only !== undefined : v === true);
    cases.push({ key, name: caseName(test, key), passed, ...(v !== undefined ? { value: v } : {}), trace });
  }
  if (!only)
    for (const [label, v] of Object.entries(values))
      if (!seen.has(label))
        cases.push({ key: label, name: caseName(test, label), passed: v === true, value: v });
  return { cases, errors: traced?.errors ?? [] };
}

/**
 * The key a case was reported under when only its text is known (the engine's case traces name a
 * string key as it is, anything else as JSON): JSON that is not a string, else the text. A string
 * key that reads as JSON (`"2"`) is taken for the number: the traces do not keep the key's type.
 */
function keyOfLabel(label: string): JsonValue {
  try {
    const parsed = JSON.parse(label) as JsonValue;
    return typeof parsed === 'string' ? label : parsed;
  } catch {
    return label;
  }
}
