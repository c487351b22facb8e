/**
 * `clearance policy test` as `opa test`, from fixtures in test/fixtures/rego/policy-test/:
 * duplicate test names, only-true, parameterised cases, capabilities, and the data loader
 * (conflicts between data files are errors, a multi-document YAML file gives its first document).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { parse } from 'yaml';
import { runPolicyTest, runTestSuite } from '../../../server/src/cli/test-command';
import { loadPolicy } from '../../../server/src/policy/load';

const dir = join(__dirname, '..', '..', 'fixtures', 'rego', 'policy-test');
const expected = parse(readFileSync(join(dir, 'expected.yaml'), 'utf8')) as {
  suite: Array<{ name: string; outcome: string; error?: string }>;
  conflict_error: string;
  multidoc_data: unknown;
};

it('reports duplicates, parameterised cases, only-true and declared-only builtins as opa test', () => {
  const suite = runTestSuite([join(dir, 'suite')], {
    capabilities: {
      builtins: [
        { name: 'product.lookup', args: 1 },
        { name: 'equal', args: 2 },
      ],
    },
  });
  assert.deepEqual(suite.errors, []);
  const got = suite.results.map((r) => ({ name: r.name, outcome: r.outcome }));
  assert.deepEqual(
    got,
    expected.suite.map(({ name, outcome }) => ({ name, outcome })),
  );
  const declared = suite.results.find((r) => r.name === 'data.suite.test_declared');
  assert.match(declared?.errors.join('\n') ?? '', /eval_builtin_error: product\.lookup/);
});

it('reads --capabilities from a file and prints opa test --format json', () => {
  let out = '';
  const code = runPolicyTest(
    [join(dir, 'suite')],
    { capabilities: join(dir, 'capabilities.json'), format: 'json' },
    { out: (t) => (out += t), err: (t) => (out += t) },
  );
  assert.equal(code, 2);
  const report = JSON.parse(out) as Array<{
    package: string;
    name: string;
    fail?: boolean;
    error?: { code: string };
  }>;
  assert.equal(report.length, expected.suite.length);
  assert.deepEqual(report[0], { ...report[0], package: 'data.suite', name: 'test_twice' });
  assert.equal(report.find((r) => r.name === 'test_five')?.fail, true);
  assert.equal(report.find((r) => r.name === 'test_declared')?.error?.code, 'eval_builtin_error');
});

it('reports two data files giving the same path as an error naming both, not last-wins', () => {
  const loaded = loadPolicy(dir, [join(dir, 'conflict')], new Map(), { allDataFiles: true });
  const e = loaded.errors.find((x) => x.code === expected.conflict_error);
  assert.ok(e, JSON.stringify(loaded.errors));
  assert.match(e.message, /one\.json/);
  assert.match(e.message, /two\.json/);
});

it('reads the first document of a multi-document YAML data file', () => {
  const loaded = loadPolicy(dir, [join(dir, 'multidoc')], new Map(), { allDataFiles: true });
  assert.deepEqual(loaded.errors, []);
  assert.deepEqual(loaded.data, expected.multidoc_data);
});
