/**
 * OPA's conformance suite (../shared/opa-conformance) through `npm run conformance`: the number of
 * passing cases may only go up. Raise the floor in conformance-floor.json when it does.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';

const repo = join(__dirname, '..', '..', '..');
const floor = JSON.parse(
  readFileSync(join(repo, 'test', 'fixtures', 'rego', 'conformance-floor.json'), 'utf8'),
) as {
  passed: number;
};

it(`passes at least ${floor.passed} of OPA's conformance cases`, () => {
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(repo, 'scripts', 'conformance.ts')], {
    cwd: repo,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const match = /^(\d+) passed, (\d+) failed$/m.exec(out);
  assert.ok(match, `no summary line in:\n${out.slice(-500)}`);
  const passed = Number(match[1]);
  const failed = Number(match[2]);
  assert.ok(passed + failed >= 1800, `only ${passed + failed} cases ran`);
  assert.ok(passed >= floor.passed, `${passed} passed, below the floor of ${floor.passed}`);
});
