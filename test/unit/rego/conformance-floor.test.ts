/**
 * OPA's conformance suite (../shared/opa-conformance) through `npm run conformance`: the number of
 * passing cases may only go up. Raise the floor in conformance-floor.json when it does.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { sharedPath } from '../../support/shared-folder';
import { repo, runScoringScript } from './script-summary';

const floor = JSON.parse(
  readFileSync(join(repo, 'test', 'fixtures', 'rego', 'conformance-floor.json'), 'utf8'),
) as {
  passed: number;
};

it(`passes at least ${floor.passed} of OPA's conformance cases`, () => {
  const { passed, failed } = runScoringScript('conformance.ts', [sharedPath('opa-conformance')]);
  assert.ok(passed + failed >= 1800, `only ${passed + failed} cases ran`);
  assert.ok(passed >= floor.passed, `${passed} passed, below the floor of ${floor.passed}`);
});
