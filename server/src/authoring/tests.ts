/**
 * Policy tests in the editor: every `test_` rule of the workspace by package and file (for the Test
 * Explorer), and running a chosen set of them with the engine under limits, as `opa test` does: a
 * test passes when its rule gives a value other than false. A failure says which expression failed
 * and the values of its operands (`explainRule`).
 */
import type { Location } from '../errors';
import { type EvalLimits, evaluateQuery, type JsonValue, type Policy, prepareQuery } from '../rego';
import { explainRule } from '../rego/explain';
import type { AuthoringProject } from './project';

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
}

/** Every test rule of the project, by file and line. */
export function listTests(project: AuthoringProject): TestCaseInfo[] {
  const byId = new Map<string, TestCaseInfo>();
  for (const entry of project.allEntries()) {
    const pkg = entry.module?.package.path.join('.');
    if (pkg === undefined) continue;
    for (const d of entry.defs) {
      const name = d.path[d.path.length - 1] ?? '';
      const skip = name.startsWith('todo_test_');
      if ((!skip && !name.startsWith('test_')) || d.rule.kind === 'function') continue;
      const id = `data.${d.path.join('.')}`;
      if (!byId.has(id)) byId.set(id, { id, name, package: pkg, file: entry.file, location: d.name, skip });
    }
  }
  return [...byId.values()].sort((a, b) =>
    a.file === b.file ? a.location.start.offset - b.location.start.offset : a.file < b.file ? -1 : 1,
  );
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
  const prepared = prepareQuery(policy, test.id);
  if (!prepared.query)
    return {
      id: test.id,
      outcome: 'errored',
      durationMs: now() - started,
      message: prepared.errors.map((e) => e.message).join('; ') || 'the test could not be prepared',
      location: test.location,
      output,
    };
  const evaluated = evaluateQuery(prepared.query, { data, limits, print: (m) => output.push(m) });
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
  const trace = explainRule(policy, test.id, { data, limits });
  const best = [...trace.clauses].sort((a, b) => b.exprsHeld - a.exprsHeld)[0];
  const failing = best?.failing;
  const base = { id: test.id, outcome: 'failed' as const, durationMs, output };
  if (!failing)
    return {
      ...base,
      message: value === false ? 'the test gave false' : 'the test is undefined',
      location: test.location,
    };
  return {
    ...base,
    message: `failed at \`${failing.text}\`${failing.operands.length > 0 ? ` (${failing.operands.map(formatOperand).join(', ')})` : ''}`,
    location: failing.location,
    values: failing.operands,
  };
}

/** `label = value`, or `label is undefined`. */
export function formatOperand(o: { label: string; value?: JsonValue }): string {
  return o.value === undefined ? `${o.label} is undefined` : `${o.label} = ${JSON.stringify(o.value)}`;
}
