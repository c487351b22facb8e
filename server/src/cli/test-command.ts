/**
 * `clearance policy test`: runs the `test_` rules of a policy as `opa test` does. Each test passes
 * when its rule gives a value other than false, fails when it is false or undefined, and errors when
 * its evaluation does; `todo_test_` rules are skipped. Output follows `opa test`'s pretty reporter.
 */
import { RE2JS } from 're2js';
import { numberTests, runTestCases, type TestCaseResult } from '../authoring/test-cases';
import type { ClearanceError } from '../errors';
import { loadPolicy, resolveGivenPath } from '../policy/load';
import {
  type Capabilities,
  type CoverageHits,
  type CoverageReport,
  coverageReport,
  evaluateQuery,
  filterTrace,
  type JsonValue,
  type Policy,
  prepareQuery,
  type TraceEvent,
  Tracer,
} from '../rego';
import type { RuleSet } from '../rego/compile/ir';
import { type EngineFlags, selectLimits, selectRegoVersion } from './engine-flags';
import { EXIT_USAGE } from './exit-codes';
import { displayPath, formatCliError, missingPaths, noSuchPath } from './given-paths';
import { looksLikeRegoV0, regoV0Hint } from './hints';
import type { Output } from './scan-command';
import { jsonReport, selectCapabilities } from './test-report';
import { explainMode, printFailures, type TraceSettings } from './test-trace';

/** The options of `clearance policy test`. */
export interface TestFlags extends EngineFlags {
  verbose?: boolean;
  run?: string;
  exitZeroOnSkipped?: boolean;
  failOnEmpty?: boolean;
  /** The builtins the policy may call (OPA's capabilities; the CLI reads them from `--capabilities FILE`). */
  capabilities?: Capabilities | string;
  /** `pretty` (default) or `json` (OPA's `opa test --format json` shape). */
  format?: string;
  /** File and folder name patterns to leave out (`--ignore`, as `opa test`). */
  ignore?: string[];
  /** The paths are bundles: only `data.json` / `data.yaml` files are data (`-b`). */
  bundle?: boolean;
  /** The trace `-v` prints for failing tests (`opa test --explain`): `fails` (the default), `notes`, `full`. */
  explain?: string;
  /** Show variable values in the trace and under the failing expression (`opa test --var-values`). */
  varValues?: boolean;
  /** Print OPA's JSON coverage report instead of the test results (`--coverage`). */
  coverage?: boolean;
  /** With `coverage`: fail (exit 2) when the coverage percentage is below this. */
  threshold?: number;
}

/** `opa test`'s default time limit for one test. */
export const defaultTestTimeoutMs = 5000;

/** One test rule found in the policy. */
interface TestCase {
  /** `data.pkg.test_name`. */
  name: string;
  /** The query that reads the test rule. */
  query: string;
  /** What the test rule defines: a value, or cases (`test_x[name]`, OPA 1.2's parameterised tests). */
  kind: RuleSet['kind'];
  /** For one case of a parameterised test: its key. */
  caseKey?: JsonValue;
  file: string;
  line: number;
  skip: boolean;
}

/** What running one test gave. */
export interface TestResult extends TestCase {
  outcome: 'PASS' | 'FAIL' | 'ERROR' | 'SKIPPED';
  durationNs: bigint;
  errors: string[];
  /** The errors as data (for `--format json`). */
  errorData?: ClearanceError[];
  output: string[];
  /** The evaluation's trace (filtered by `--explain`), when tests are traced (`-v`, `--var-values`). */
  trace?: TraceEvent[];
}

/**
 * Runs the tests under `paths`; exit 0 when every test passes (or none ran), 2 when one fails,
 * errors or is skipped (as `opa test`), 1 when the policy does not load, 64 when the flags are wrong.
 */
export function runPolicyTest(paths: string[], flags: TestFlags, output: Output): number {
  const printed = { lastFile: '' };
  let filter: RE2JS | undefined;
  if (flags.run !== undefined) {
    try {
      filter = RE2JS.compile(flags.run);
    } catch (error) {
      output.err(
        `clearance policy test: invalid --run pattern: ${(error as Error).message}\nRun \`clearance policy test --help\` for its options.\n`,
      );
      return EXIT_USAGE;
    }
  }
  if (flags.format !== undefined && !['pretty', 'json'].includes(flags.format)) {
    output.err(`clearance policy test: unknown format "${flags.format}" (use pretty or json)\n`);
    return EXIT_USAGE;
  }
  const { capabilities, error } = selectCapabilities(flags.capabilities);
  if (error) {
    output.err(`${formatCliError(error)}\n`);
    return 1;
  }
  const missing = missingPaths(paths);
  if (missing.length > 0) {
    for (const given of missing) output.err(`clearance policy test: ${noSuchPath(given)}\n`);
    return 1;
  }
  const json = flags.format === 'json' || flags.coverage === true;
  const suite = runTestSuite(
    paths,
    { ...flags, ...(capabilities ? { capabilities } : {}) },
    filter,
    (result) => {
      if (!json) printResult(result, flags.verbose === true, printed, output);
    },
  );
  if (suite.errors.length > 0) {
    for (const e of suite.errors) output.err(`${formatCliError(e)}\n`);
    if (looksLikeRegoV0(suite.errors))
      output.err(`${regoV0Hint('clearance policy test', 'pass --v0-compatible')}\n`);
    return 1;
  }
  const { results } = suite;
  if (suite.coverage) {
    const report = suite.coverage;
    output.out(`${JSON.stringify(report, null, 2)}\n`);
    if (flags.threshold !== undefined && report.coverage < flags.threshold) {
      output.err(
        `Code coverage threshold not met: got ${report.coverage.toFixed(2)} instead of ${flags.threshold.toFixed(2)}\n`,
      );
      return 2;
    }
  } else if (json) output.out(`${JSON.stringify(results.map(jsonReport), null, 2)}\n`);
  if (results.length === 0) {
    if (flags.failOnEmpty) {
      output.err('no tests were run\n');
      return 1;
    }
    return 0;
  }
  if (!json) {
    printFailures(results, flags, output);
    printSummary(results, flags.verbose === true, output);
  }
  const bad = results.some(
    (r) =>
      r.outcome === 'FAIL' || r.outcome === 'ERROR' || (r.outcome === 'SKIPPED' && !flags.exitZeroOnSkipped),
  );
  return bad ? 2 : 0;
}

/**
 * Loads the policy and data under `paths` and runs its tests (those `filter` matches), handing each
 * result to `onResult` as it arrives; load errors come back instead of results.
 */
export function runTestSuite(
  paths: string[],
  flags: TestFlags,
  filter?: RE2JS,
  onResult?: (result: TestResult) => void,
): { errors: ClearanceError[]; results: TestResult[]; coverage?: CoverageReport } {
  const loaded = loadPolicy(process.cwd(), paths.map(resolveGivenPath), new Map(), {
    allDataFiles: flags.bundle !== true,
    ...(flags.ignore?.length ? { ignore: flags.ignore } : {}),
    regoVersion: selectRegoVersion(flags),
    compile: {
      renameDuplicateTests: true,
      ...(typeof flags.capabilities === 'object' ? { capabilities: flags.capabilities } : {}),
    },
  });
  if (loaded.errors.length > 0) return { errors: loaded.errors, results: [] };
  const cases = findTests(loaded.policy).filter((t) => !filter || filter.matcher(t.name).find());
  const limits = selectLimits(flags, defaultTestTimeoutMs);
  const results: TestResult[] = [];
  const hits: CoverageHits | undefined = flags.coverage ? new Map() : undefined;
  // As `opa test`: tests are traced with -v or --var-values.
  const trace: TraceSettings | undefined =
    flags.verbose === true || flags.varValues === true
      ? { mode: explainMode(flags), varValues: flags.varValues === true }
      : undefined;
  for (const test of cases) {
    for (const result of runTest(loaded.policy, loaded.data, test, limits, hits, trace)) {
      results.push(result);
      onResult?.(result);
    }
  }
  if (!hits) return { errors: [], results };
  const coverage = coverageReport(loaded.policy.modules, hits, (f) => displayPath(f));
  return { errors: [], results, coverage };
}

/**
 * The test rules of a policy, in file and line order, named by `numberTests` as the editor's Test
 * Explorer names them (`data.pkg.test_x#01` for a name defined again, which the compile renamed).
 */
function findTests(policy: Policy): TestCase[] {
  const cases: Array<TestCase & { id: string; at: number }> = [];
  for (const set of policy.ruleSets) {
    const name = set.path[set.path.length - 1] ?? '';
    const skip = name.startsWith('todo_test_');
    if (!skip && !name.startsWith('test_')) continue;
    if (set.kind === 'function') continue;
    const first = set.clauses[0] ?? set.default;
    if (!first) continue;
    const { location } = first.origin;
    cases.push({
      id: `data.${set.path.join('.')}`.replace(/#\d+$/, ''),
      at: location.start.offset,
      name: '',
      query: `data${set.path.map((p) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(p) ? `.${p}` : `[${JSON.stringify(p)}]`)).join('')}`,
      kind: set.kind,
      file: location.file,
      line: location.start.line,
      skip,
    });
  }
  return numberTests(cases, (t, suffix) => ({ ...t, name: `${t.id}${suffix}` })).map(
    ({ id, at: _at, ...t }) => ({
      ...t,
      name: t.name || id,
    }),
  );
}

/** Evaluates one test rule under the limits, timing it. */
function runTest(
  policy: Policy,
  data: Parameters<typeof evaluateQuery>[1]['data'],
  test: TestCase,
  limits: ReturnType<typeof selectLimits>,
  coverage?: CoverageHits,
  trace?: TraceSettings,
): TestResult[] {
  const base: Omit<TestResult, 'outcome' | 'durationNs'> = { ...test, errors: [], output: [] };
  if (test.skip) return [{ ...base, outcome: 'SKIPPED', durationNs: 0n }];
  const started = process.hrtime.bigint();
  const prepared = prepareQuery(policy, test.query);
  if (!prepared.query) {
    return [
      {
        ...base,
        outcome: 'ERROR',
        durationNs: process.hrtime.bigint() - started,
        errors: prepared.errors.map(formatHere),
        errorData: prepared.errors,
      },
    ];
  }
  const output: string[] = [];
  const tracer = trace ? new Tracer({ varValues: trace.varValues }) : undefined;
  const options = {
    ...(data !== undefined ? { data } : {}),
    limits,
    print: (message: string) => output.push(message),
    ...(coverage ? { coverage } : {}),
    ...(tracer ? { tracer } : {}),
  };
  // A parameterised test's cases, enumerated and named as the editor's Test Explorer does.
  const run =
    test.kind === 'object' || test.kind === 'set'
      ? runTestCases(policy, test.query, test.name, options)
      : undefined;
  if (run) {
    if (tracer && trace) base.trace = filterTrace(tracer.events, trace.mode);
    return caseResults(base, run, process.hrtime.bigint() - started, output);
  }
  const evaluated = evaluateQuery(prepared.query, options);
  const durationNs = process.hrtime.bigint() - started;
  if (tracer && trace) base.trace = filterTrace(tracer.events, trace.mode);
  if (evaluated.errors.length > 0) {
    const errorData = evaluated.errors;
    return [{ ...base, outcome: 'ERROR', durationNs, errors: errorData.map(formatHere), errorData, output }];
  }
  const value = evaluated.results[0]?.expressions[0];
  // As `opa test`: only `true` passes; false, undefined or any other value fails.
  return [{ ...base, outcome: value === true ? 'PASS' : 'FAIL', durationNs, output }];
}

/**
 * The results of a parameterised test's cases (`runTestCases`): each case a test of its own; an
 * evaluation error is the test's; a rule that gives no case fails.
 */
function caseResults(
  base: Omit<TestResult, 'outcome' | 'durationNs'>,
  run: { cases: TestCaseResult[]; errors: ClearanceError[] },
  durationNs: bigint,
  output: string[],
): TestResult[] {
  if (run.errors.length > 0) {
    const errorData = run.errors;
    return [{ ...base, outcome: 'ERROR', durationNs, errors: errorData.map(formatHere), errorData, output }];
  }
  if (run.cases.length === 0) return [{ ...base, outcome: 'FAIL', durationNs, output }];
  return run.cases.map((c, i) => ({
    ...base,
    name: c.name,
    caseKey: c.key,
    outcome: c.passed ? 'PASS' : 'FAIL',
    durationNs: i === 0 ? durationNs : 0n,
    output: i === 0 ? output : [],
  }));
}

/** An error as `file:line:col: code: message`, named from the working folder (one argument, for `map`). */
function formatHere(error: ClearanceError): string {
  return formatCliError(error);
}

/** Prints one result as it arrives: every result with -v, else only those that did not pass. */
function printResult(
  result: TestResult,
  verbose: boolean,
  printed: { lastFile: string },
  output: Output,
): void {
  if (!verbose && result.outcome === 'PASS') return;
  const file = displayPath(result.file);
  if (printed.lastFile !== '' && printed.lastFile !== file) output.out('\n');
  printed.lastFile = file;
  output.out(`${file}:${result.line}:\n`);
  output.out(`${result.name}: ${result.outcome} (${formatDuration(result.durationNs)})\n`);
  if (result.output.length > 0) {
    output.out(`\n${result.output.map((line) => `  ${line}`).join('\n')}\n\n`);
  }
  for (const e of result.errors) output.out(`  ${e}\n`);
}

/** The rule and counts that close `opa test`'s report. */
function printSummary(results: TestResult[], verbose: boolean, output: Output): void {
  const count = (o: TestResult['outcome']) => results.filter((r) => r.outcome === o).length;
  const total = results.length;
  const printed = verbose || results.some((r) => r.outcome !== 'PASS');
  if (printed) output.out(`${'-'.repeat(80)}\n`);
  const lines: Array<[string, number]> = [
    ['PASS', count('PASS')],
    ['FAIL', count('FAIL')],
    ['SKIPPED', count('SKIPPED')],
    ['ERROR', count('ERROR')],
  ];
  for (const [label, n] of lines) if (n > 0) output.out(`${label}: ${n}/${total}\n`);
}

/** Formats nanoseconds as Go's `time.Duration` prints them: `850ns`, `172.75µs`, `1.2ms`, `3.5s`. */
export function formatDuration(ns: bigint): string {
  if (ns === 0n) return '0s';
  if (ns < 1000n) return `${ns}ns`;
  const [unit, scale] =
    ns < 1_000_000n ? ['µs', 1000n] : ns < 1_000_000_000n ? ['ms', 1_000_000n] : ['s', 1_000_000_000n];
  const whole = ns / scale;
  const fraction = (ns % scale)
    .toString()
    .padStart(scale.toString().length - 1, '0')
    .replace(/0+$/, '');
  return `${whole}${fraction ? `.${fraction}` : ''}${unit}`;
}
