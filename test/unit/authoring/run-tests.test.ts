// Running policy tests from the editor: outcomes as `opa test` defines them (a test passes when its
// rule gives a value other than false), the failing expression with its operands' values, and the
// time budget of a whole run, after which the remaining tests are reported as not run.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuthoringProject, listTests, runTests } from '../../../server/src/authoring';
import { compilePolicy, DEFAULT_LIMITS } from '../../../server/src/rego';

const source = `package p_test

test_sum if 1 + 1 == 2

test_wrong_sum if {
	x := 1 + 1
	x == 3
}

test_undefined if input.missing

todo_test_later if false
`;

function setup() {
  const project = new AuthoringProject();
  project.setText('/w/p_test.rego', source);
  const { policy, errors } = compilePolicy([{ file: '/w/p_test.rego', text: source }]);
  assert.deepEqual(errors, []);
  return { tests: listTests(project), policy };
}

test('tests pass, fail at the expression with its values, or are skipped', () => {
  const { tests, policy } = setup();
  assert.deepEqual(
    tests.map((t) => t.name),
    ['test_sum', 'test_wrong_sum', 'test_undefined', 'todo_test_later'],
  );
  const results = runTests(policy, {}, tests, DEFAULT_LIMITS);
  assert.deepEqual(
    results.map((r) => r.outcome),
    ['passed', 'failed', 'failed', 'skipped'],
  );
  const wrong = results[1];
  // 1 + 1 is 2, so `x == 3` fails on line 7 with x = 2.
  assert.equal(wrong?.location?.start.line, 7);
  assert.deepEqual(wrong?.values, [
    { label: 'x', value: 2 },
    { label: 'right', value: 3 },
  ]);
});

test('a run stops starting tests once its time budget is spent', () => {
  const { tests, policy } = setup();
  let clock = 0;
  // Each reading of the clock advances it 10 ms, and a test reads it three times (the check and its
  // own timing): the budget of 45 ms admits the first two tests.
  const now = () => {
    clock += 10;
    return clock;
  };
  const results = runTests(policy, {}, tests, DEFAULT_LIMITS, now, 45);
  assert.deepEqual(
    results.map((r) => r.outcome),
    ['passed', 'failed', 'errored', 'errored'],
  );
  assert.match(results[2]?.message ?? '', /not run: the run's time budget/);
});
