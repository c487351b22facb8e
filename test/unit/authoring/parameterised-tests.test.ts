// Parameterised and identically named tests in the Test Explorer: the cases of
// test/unit/authoring/cases/parameterised-tests.yaml, each listed and run as the editor does, against
// the outcomes, cases and lines written there by hand.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { AuthoringProject, type CaseOutcome, listTests, runTests } from '../../../server/src/authoring';
import { compilePolicy, DEFAULT_LIMITS } from '../../../server/src/rego';

interface WantCase {
  name: string;
  outcome: string;
  line?: number;
  values?: Array<{ label: string; value?: unknown }>;
}
interface WantTest {
  name: string;
  outcome: string;
  line?: number;
  failedLine?: number;
  message?: string;
  cases?: WantCase[];
}
interface Case {
  note: string;
  source: string;
  tests: WantTest[];
}

const cases = parse(readFileSync(join(__dirname, 'cases', 'parameterised-tests.yaml'), 'utf8')) as Case[];

describe('parameterised and identically named tests', () => {
  for (const c of cases)
    it(c.note, () => {
      const file = '/w/p_test.rego';
      const project = new AuthoringProject();
      project.setText(file, c.source);
      const { policy, errors } = compilePolicy([{ file, text: c.source }]);
      assert.deepEqual(errors, []);
      const tests = listTests(project);
      assert.deepEqual(
        tests.map((t) => t.name),
        c.tests.map((t) => t.name),
      );
      const results = runTests(policy, {}, tests, DEFAULT_LIMITS);
      c.tests.forEach((want, i) => {
        const got = results[i];
        assert.equal(got?.outcome, want.outcome, `${want.name}: ${got?.message}`);
        if (want.line !== undefined) assert.equal(tests[i]?.location.start.line, want.line);
        if (want.failedLine !== undefined) assert.equal(got?.location?.start.line, want.failedLine);
        if (want.message !== undefined) assert.equal(got?.message, want.message);
        if (!want.cases) {
          assert.equal(got?.cases, undefined);
          return;
        }
        assert.deepEqual(
          got?.cases?.map((k) => `${k.name}: ${k.outcome}`),
          want.cases.map((k) => `${k.name}: ${k.outcome}`),
        );
        for (const k of want.cases) {
          const gotCase: CaseOutcome | undefined = got?.cases?.find((g) => g.name === k.name);
          if (k.line !== undefined) assert.equal(gotCase?.location?.start.line, k.line, k.name);
          if (k.values !== undefined) assert.deepEqual(gotCase?.values, k.values, k.name);
        }
      });
    });
});
