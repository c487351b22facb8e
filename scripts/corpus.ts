/**
 * Runs the real policy repositories in ../shared/rego-corpus the way their own CI runs them, with
 * `clearance policy test` / `policy check`, and prints per repository and in total
 * `N passed, M failed`, counting every test (parameterised cases and duplicate names included).
 *
 *   tsx scripts/corpus.ts [dir] [--verbose] [--json FILE]
 *
 * - gatekeeper-library (v0): `opa check --strict src`, then `opa test FOLDER/*.rego` per `src/*\/*`.
 * - opa-library (v0): `opa test .` over the whole repository.
 * - conftest (v1): `conftest verify` per example, as acceptance.bats runs it; conftest's own
 *   builtins (`parse_config`, ...) are declared through a capabilities file, so the tests that call
 *   them error naming the builtin and the others run.
 * A test that fails only because it needs a builtin OPA does not have is listed with that builtin.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runPolicyCheck } from '../server/src/cli/policy-command';
import { runTestSuite, type TestFlags } from '../server/src/cli/test-command';
import { BUILTINS, type Capabilities } from '../server/src/rego/index';

/** Builtins of conftest, not OPA, with their number of arguments (conftest's builtin/ declarations). */
const conftestDeclared: Array<[string, number]> = [
  ['parse_config', 2],
  ['parse_config_file', 1],
  ['parse_combined_config_files', 1],
];
const conftestBuiltins = conftestDeclared.map(([name]) => name);

/** OPA's builtins and conftest's, as conftest's capabilities would declare them. */
const conftestCapabilities: Capabilities = {
  builtins: [
    ...BUILTINS.map((b) => ({
      name: b.name,
      args: b.signature.args.length,
      ...(b.signature.variadic ? { variadic: true } : {}),
    })),
    ...conftestDeclared.map(([name, args]) => ({ name, args })),
  ],
};

/** One `opa test` (or `opa check`) invocation of a repository's CI. */
interface Run {
  repo: string;
  label: string;
  paths: string[];
  flags: TestFlags;
  /** `opa check --strict` rather than `opa test`. */
  check?: boolean;
  /** The repository's CI requires this suite to fail (a fixture for reporting failures). */
  expectFail?: boolean;
}

/** What one failing test needed, or why it failed. */
interface Failure {
  repo: string;
  run: string;
  test: string;
  reason: string;
  /** A non-OPA builtin the test calls, when that is why it failed. */
  builtin?: string;
}

function listRuns(dir: string): Run[] {
  const runs: Run[] = [];
  const gk = join(dir, 'gatekeeper-library');
  runs.push({
    repo: 'gatekeeper-library',
    label: 'opa check --strict src',
    paths: [join(gk, 'src')],
    flags: { v0Compatible: true },
    check: true,
  });
  for (const group of readdirSync(join(gk, 'src')).sort()) {
    const groupDir = join(gk, 'src', group);
    if (!statSync(groupDir).isDirectory()) continue;
    for (const folder of readdirSync(groupDir).sort()) {
      const folderDir = join(groupDir, folder);
      if (!statSync(folderDir).isDirectory()) continue;
      const rego = readdirSync(folderDir)
        .filter((f) => f.endsWith('.rego'))
        .sort()
        .map((f) => join(folderDir, f));
      if (rego.length === 0) continue;
      runs.push({
        repo: 'gatekeeper-library',
        label: `opa test src/${group}/${folder}/*.rego`,
        paths: rego,
        flags: { v0Compatible: true },
      });
    }
  }
  runs.push({
    repo: 'opa-library',
    label: 'opa test .',
    paths: [join(dir, 'opa-library')],
    flags: { v0Compatible: true },
  });
  const ex = join(dir, 'conftest', 'examples');
  // `conftest verify -p DIR` loads the .rego files under DIR as policy; data only with -d.
  // acceptance.bats requires the traefik and report/fail suites to fail: they are listed apart.
  const conftest: Array<{ policies: string[]; data?: string; expectFail?: boolean }> = [
    { policies: ['kubernetes/policy'] },
    { policies: ['kubernetes/combine'] },
    { policies: ['report/policy', 'report/success'] },
    { policies: ['report/policy', 'report/fail'], expectFail: true },
    { policies: ['hcl2/policy'] },
    { policies: ['traefik/policy'], expectFail: true },
    { policies: ['data/policy'], data: 'data/exclusions' },
    { policies: ['dotenv/policy'] },
    { policies: ['jenkins/policy'] },
    { policies: ['nginx/policy'] },
  ];
  for (const c of conftest) {
    runs.push({
      repo: 'conftest',
      label: `conftest verify ${c.policies.map((p) => `-p ${p}`).join(' ')}${c.data ? ` -d ${c.data}` : ''}`,
      paths: [...c.policies.flatMap((p) => regoFiles(join(ex, p))), ...(c.data ? [join(ex, c.data)] : [])],
      flags: { capabilities: conftestCapabilities },
      ...(c.expectFail ? { expectFail: true } : {}),
    });
  }
  return runs;
}

/** The `.rego` files under a folder, recursively. */
function regoFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...regoFiles(p));
    else if (name.endsWith('.rego')) out.push(p);
  }
  return out;
}

/** The test rules written in the `.rego` files under `paths`, counted from the text (for suites that do not load). */
function countWrittenTests(paths: string[]): string[] {
  const names: string[] = [];
  const visit = (p: string): void => {
    if (statSync(p).isDirectory()) {
      for (const f of readdirSync(p)) if (!f.startsWith('.')) visit(join(p, f));
    } else if (p.endsWith('.rego')) {
      for (const m of readFileSync(p, 'utf8').matchAll(/^(test_[A-Za-z0-9_]*)/gm)) names.push(m[1] as string);
    }
  };
  for (const p of paths) visit(p);
  return names;
}

/** The non-OPA builtin an error message names, if any. */
function namedBuiltin(message: string): string | undefined {
  const m = /(?:undefined function |eval_builtin_error: )([A-Za-z_][A-Za-z0-9_.]*)/.exec(message);
  const name = m?.[1];
  return name && conftestBuiltins.includes(name) ? name : undefined;
}

function main(): void {
  const args = process.argv.slice(2);
  const verbose = args.includes('--verbose');
  const jsonAt = args.indexOf('--json');
  const jsonFile = jsonAt >= 0 ? args[jsonAt + 1] : undefined;
  const dir = resolve(
    args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--json') ??
      join(__dirname, '..', '..', 'shared', 'rego-corpus'),
  );
  const totals = new Map<string, { passed: number; failed: number }>();
  const failures: Failure[] = [];
  const checks: string[] = [];
  for (const run of listRuns(dir)) {
    const total = totals.get(run.repo) ?? { passed: 0, failed: 0 };
    totals.set(run.repo, total);
    if (run.check) {
      const errs: string[] = [];
      const code = runPolicyCheck(
        run.paths,
        { out: () => {}, err: (t) => errs.push(t) },
        { ...run.flags, strict: true },
      );
      checks.push(`${run.repo}: ${run.label}: ${code === 0 ? 'ok' : `FAILED\n${errs.join('').trimEnd()}`}`);
      continue;
    }
    const suite = runTestSuite(run.paths, { ...run.flags, timeout: 20_000 });
    if (run.expectFail) {
      const failing = suite.results.filter((r) => r.outcome === 'FAIL').length;
      const ok = suite.errors.length === 0 && failing > 0;
      checks.push(
        `${run.repo}: ${run.label}: must fail (acceptance.bats): ${ok ? `fails as required (${failing} failing test(s))` : 'DOES NOT FAIL AS REQUIRED'}`,
      );
      if (!ok) total.failed++;
      continue;
    }
    if (suite.errors.length > 0) {
      const names = countWrittenTests(run.paths);
      const first = suite.errors[0];
      const reason = `does not load: ${suite.errors.length} error(s), first: ${first?.code}: ${first?.message}`;
      total.failed += names.length;
      for (const n of names) failures.push({ repo: run.repo, run: run.label, test: n, reason });
      continue;
    }
    for (const r of suite.results) {
      if (r.outcome === 'PASS') total.passed++;
      else if (r.outcome !== 'SKIPPED') {
        total.failed++;
        const reason = `${r.outcome}${r.errors.length > 0 ? `: ${r.errors.join('; ')}` : ''}`;
        const builtin = namedBuiltin(reason);
        failures.push({
          repo: run.repo,
          run: run.label,
          test: r.name,
          reason,
          ...(builtin ? { builtin } : {}),
        });
      }
    }
    if (verbose) process.stdout.write(`${run.repo}: ${run.label}: ${suite.results.length} test(s)\n`);
  }
  for (const c of checks) process.stdout.write(`${c}\n`);
  const needBuiltin = failures.filter((f) => f.builtin);
  const real = failures.filter((f) => !f.builtin);
  if (real.length > 0) {
    process.stdout.write('\nFailures:\n');
    for (const f of real) process.stdout.write(`  ${f.repo}: ${f.run}: ${f.test}: ${f.reason}\n`);
  }
  if (needBuiltin.length > 0) {
    process.stdout.write('\nNeed a builtin OPA does not have:\n');
    for (const f of needBuiltin) process.stdout.write(`  ${f.repo}: ${f.run}: ${f.test}: ${f.builtin}\n`);
  }
  process.stdout.write('\n');
  let passed = 0;
  let failed = 0;
  for (const [repo, t] of totals) {
    process.stdout.write(`${repo}: ${t.passed} passed, ${t.failed} failed\n`);
    passed += t.passed;
    failed += t.failed;
  }
  process.stdout.write(`non-OPA builtins: ${needBuiltin.length} of the failures\n`);
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  if (jsonFile)
    writeFileSync(
      jsonFile,
      `${JSON.stringify({ totals: Object.fromEntries(totals), checks, failures }, null, 2)}\n`,
    );
}

main();
