/**
 * Policy tests in the editor: every `test_` rule of the workspace by package and file (for the Test
 * Explorer), and running a chosen set of them with the engine under limits, as `opa test` does: a
 * test passes when its rule gives a value other than false. A failure says which expression failed
 * and the values of its operands (`explainRule`).
 */
import type { ClearanceError, Location } from '../errors';
import {
  type EvalLimits,
  evaluateQuery,
  type JsonValue,
  type Policy,
  prepareQuery,
  stringifyJson,
} from '../rego';
import { explainClause, explainRule } from '../rego/eval/explain';
import type { AuthoringProject } from './project';
import { numberTests, runTestCases, type TestCaseResult } from './test-cases';

/** One test rule. */
export interface TestCaseInfo {
  /** `data.pkg.test_name`: also the id the editor uses. */
  id: string;
  name: string;
  package: string;
  file: string;
  /** The first clause's name. */
  location: Location;
  skip: boolean;
  /**
   * For a name defined more than once in its package: the clause this test is (where it starts). OPA
   * runs each on its own, the second as `test_x#01`, the third as `test_x#02`.
   */
  clause?: { file: string; line: number };
}

/** The outcome of one case of a parameterised test (`test_x[name] if …`). */
export interface CaseOutcome {
  name: string;
  outcome: 'passed' | 'failed';
  message?: string;
  location?: Location;
  values?: Array<{ label: string; value?: JsonValue }>;
}

/** The outcome of one test. */
export interface TestOutcome {
  id: string;
  outcome: 'passed' | 'failed' | 'errored' | 'skipped';
  durationMs: number;
  /** Why it failed or errored, in a sentence. */
  message?: string;
  /** Where it failed: the failing expression, else the test. */
  location?: Location;
  /** The failing expression's operands and their values. */
  values?: Array<{ label: string; value?: JsonValue }>;
  output: string[];
  /** A parameterised test's cases, each with its own outcome. */
  cases?: CaseOutcome[];
}

/** Every test rule of the project, by file and line; a name defined again is numbered as OPA does (`numberTests`). */
export function listTests(project: AuthoringProject): TestCaseInfo[] {
  type Listed = TestCaseInfo & { clause: { file: string; line: number }; at: number; again?: boolean };
  const all: Listed[] = [];
  for (const entry of project.allEntries()) {
    const pkg = entry.module?.package.path.join('.');
    if (pkg === undefined) continue;
    for (const d of entry.defs) {
      const name = d.path[d.path.length - 1] ?? '';
      const skip = name.startsWith('todo_test_');
      if ((!skip && !name.startsWith('test_')) || d.rule.kind === 'function') continue;
      const id = `data.${d.path.join('.')}`;
      const clause = { file: entry.file, line: d.rule.location.start.line };
      const at = d.name.start.offset;
      all.push({ id, name, package: pkg, file: entry.file, location: d.name, skip, clause, at });
    }
  }
  const numbered = numberTests(all, (t, suffix) => ({
    ...t,
    id: `${t.id}${suffix}`,
    name: `${t.name}${suffix}`,
    again: true,
  }));
  return numbered.map(({ clause, at: _at, again, ...t }) => (again ? { ...t, clause } : t));
}

/** Which tests to run: by id, by file, by package; none given runs all. */
export interface TestSelection {
  ids?: string[];
  files?: string[];
  packages?: string[];
}

/** The tests a selection picks. */
export function selectTests(tests: TestCaseInfo[], selection: TestSelection): TestCaseInfo[] {
  const { ids, files, packages } = selection;
  if (!ids?.length && !files?.length && !packages?.length) return tests;
  return tests.filter(
    (t) =>
      ids?.includes(t.id) ||
      files?.includes(t.file) ||
      packages?.some((p) => t.package === p || t.package.startsWith(`${p}.`)),
  );
}

/** How long one run of many tests may take in all: the server answers nothing while tests run. */
export const runBudgetMs = 60_000;

/**
 * Runs tests against a compiled policy and its data, each under `limits`; once `budgetMs` is spent,
 * the tests left are reported as errored, not run.
 */
export function runTests(
  policy: Policy,
  data: JsonValue,
  tests: TestCaseInfo[],
  limits: EvalLimits,
  now: () => number = () => performance.now(),
  budgetMs = runBudgetMs,
): TestOutcome[] {
  const deadline = now() + budgetMs;
  return tests.map((t) =>
    now() > deadline
      ? {
          id: t.id,
          outcome: 'errored',
          durationMs: 0,
          message: `not run: the run's time budget of ${budgetMs / 1000} s was used`,
          location: t.location,
          output: [],
        }
      : runOne(policy, data, t, limits, now),
  );
}

function runOne(
  policy: Policy,
  data: JsonValue,
  test: TestCaseInfo,
  limits: EvalLimits,
  now: () => number,
): TestOutcome {
  if (test.skip) return { id: test.id, outcome: 'skipped', durationMs: 0, output: [] };
  const started = now();
  const output: string[] = [];
  // `test_x#01` is the second clause named test_x: the query is the rule's own path.
  const query = test.id.replace(/#\d+$/, '');
  const options = { data, limits, print: (m: string) => output.push(m) };
  const cases = runCases(policy, test, query, { data, limits }, output, started, now);
  if (cases) return cases;
  if (test.clause) {
    const { clause, errors } = explainClause(policy, query, test.clause, options);
    const base = { id: test.id, durationMs: now() - started, output };
    const error = errors[0];
    if (error || !clause)
      return {
        ...base,
        outcome: 'errored',
        message: error
          ? `${error.code}: ${error.message}`
          : 'the test could not be found in the loaded policy',
        location: error?.location ?? test.location,
      };
    if (clause.held) return { ...base, outcome: 'passed' };
    return {
      ...base,
      outcome: 'failed',
      ...failedAt(clause.failing, test.location, 'the test is undefined'),
    };
  }
  const prepared = prepareQuery(policy, query);
  if (!prepared.query)
    return {
      id: test.id,
      outcome: 'errored',
      durationMs: now() - started,
      message: prepared.errors.map((e) => e.message).join('; ') || 'the test could not be prepared',
      location: test.location,
      output,
    };
  const evaluated = evaluateQuery(prepared.query, options);
  const durationMs = now() - started;
  const error = evaluated.errors[0];
  if (error)
    return {
      id: test.id,
      outcome: 'errored',
      durationMs,
      message: `${error.code}: ${error.message}`,
      location: error.location ?? test.location,
      output,
    };
  const value = evaluated.results[0]?.expressions[0];
  if (evaluated.results.length > 0 && value !== false)
    return { id: test.id, outcome: 'passed', durationMs, output };
  // Explain the failure: the clause that went furthest and the expression that stopped it.
  const trace = explainRule(policy, query, { data, limits });
  const best = [...trace.clauses].sort((a, b) => b.exprsHeld - a.exprsHeld)[0];
  const why = value === false ? 'the test gave false' : 'the test is undefined';
  return {
    id: test.id,
    outcome: 'failed',
    durationMs,
    output,
    ...failedAt(best?.failing, test.location, why),
  };
}

/** Why a test or case failed: at the expression that stopped it with its operands, else `otherwise`. */
function failedAt(
  failing:
    | { text: string; location: Location; operands: Array<{ label: string; value?: JsonValue }> }
    | undefined,
  fallback: Location,
  otherwise: string,
): Pick<TestOutcome, 'message' | 'location' | 'values'> {
  if (!failing) return { message: otherwise, location: fallback };
  const operands = failing.operands.length > 0 ? ` (${failing.operands.map(formatOperand).join(', ')})` : '';
  return {
    message: `failed at \`${failing.text}\`${operands}`,
    location: failing.location,
    values: failing.operands,
  };
}

/**
 * Runs a parameterised test through `runTestCases` (the CLI's enumeration too), each failed case
 * explained where its trace stopped.
 */
function runCases(
  policy: Policy,
  test: TestCaseInfo,
  query: string,
  options: { data: JsonValue; limits: EvalLimits },
  output: string[],
  started: number,
  now: () => number,
): TestOutcome | undefined {
  const print = { ...options, print: (m: string) => output.push(m) };
  const run = runTestCases(policy, query, test.name, print, test.clause);
  if (!run) return undefined;
  const cases = run.cases.map((c) => caseOutcome(test, c));
  return casesOutcome(test, cases, run.errors, now() - started, output);
}

/** One case's outcome; a failed one says where it stopped, or what it gave instead of true. */
function caseOutcome(test: TestCaseInfo, c: TestCaseResult): CaseOutcome {
  if (c.passed) return { name: c.name, outcome: 'passed' };
  if (c.trace && !c.trace.held)
    return {
      name: c.name,
      outcome: 'failed',
      ...failedAt(c.trace.failing, test.location, 'the case did not hold'),
    };
  const gave =
    c.value === undefined ? 'the case did not hold' : `the case gave ${stringifyJson(c.value)}, not true`;
  return { name: c.name, outcome: 'failed', message: gave, location: test.location };
}

/** A parameterised test's outcome: failed when any case failed or none was given, each case with its own. */
function casesOutcome(
  test: TestCaseInfo,
  cases: CaseOutcome[],
  errors: ClearanceError[],
  durationMs: number,
  output: string[],
): TestOutcome {
  const error = errors[0];
  const base = { id: test.id, durationMs, output, cases };
  if (error)
    return {
      ...base,
      outcome: 'errored',
      message: `${error.code}: ${error.message}`,
      location: error.location ?? test.location,
    };
  if (cases.length === 0)
    return { ...base, outcome: 'failed', message: 'the test gave no case', location: test.location };
  const failed = cases.filter((c) => c.outcome === 'failed');
  const first = failed[0];
  if (!first) return { ...base, outcome: 'passed' };
  return {
    ...base,
    outcome: 'failed',
    message: `${failed.length} of ${cases.length} cases failed: ${failed.map((c) => c.name).join(', ')}`,
    location: first.location ?? test.location,
  };
}

/** `label = value`, or `label is undefined`. */
export function formatOperand(o: { label: string; value?: JsonValue }): string {
  return o.value === undefined ? `${o.label} is undefined` : `${o.label} = ${JSON.stringify(o.value)}`;
}
