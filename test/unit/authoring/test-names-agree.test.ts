/**
 * `clearance policy test` and the editor's Test Explorer show the same tests: every case of
 * test/unit/authoring/cases/parameterised-tests.yaml is run by both (the CLI's runTestSuite over the
 * source written to a folder, the editor's listTests and runTests over the same source), and the
 * tests each reports, with a parameterised test's cases as tests of their own, must agree in name,
 * order and outcome. Both name and enumerate through server/src/authoring/test-cases.ts; this guards
 * that neither grows its own naming again.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { AuthoringProject, listTests, runTests } from '../../../server/src/authoring';
import { runTestSuite } from '../../../server/src/cli/test-command';
import { compilePolicy, DEFAULT_LIMITS } from '../../../server/src/rego';

const cases = parse(readFileSync(join(__dirname, 'cases', 'parameterised-tests.yaml'), 'utf8')) as Array<{
  note: string;
  source: string;
}>;

const cliOutcome: Record<string, string> = {
  passed: 'PASS',
  failed: 'FAIL',
  errored: 'ERROR',
  skipped: 'SKIPPED',
};

describe('the CLI and the Test Explorer name and enumerate tests alike', () => {
  for (const c of cases)
    it(c.note, () => {
      const dir = mkdtempSync(join(tmpdir(), 'clearance-test-names-'));
      try {
        const file = join(dir, 'cases_test.rego');
        writeFileSync(file, c.source);
        const cli = runTestSuite([dir], {});
        assert.deepEqual(cli.errors, []);
        const project = new AuthoringProject();
        project.setText(file, c.source);
        const { policy, errors } = compilePolicy([{ file, text: c.source }]);
        assert.deepEqual(errors, []);
        const tests = listTests(project);
        const editor = runTests(policy, {}, tests, DEFAULT_LIMITS).flatMap((r, i) => {
          const test = tests[i];
          const prefix = test ? test.id.slice(0, test.id.length - test.name.length) : '';
          return r.cases && r.cases.length > 0
            ? r.cases.map((k) => `${prefix}${k.name}: ${cliOutcome[k.outcome]}`)
            : [`${r.id}: ${cliOutcome[r.outcome]}`];
        });
        assert.deepEqual(
          editor,
          cli.results.map((r) => `${r.name}: ${r.outcome}`),
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
});
