/**
 * The real policy repositories in ../shared/rego-corpus, run as their own CI runs them (`npm run
 * corpus`): the number of passing tests may only go up. Raise the floor in corpus-floor.json when
 * it does. A clone without ../shared fails it, saying so (test/support/shared-folder.ts).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { sharedPath } from '../../support/shared-folder';
import { repo, runScoringScript } from './script-summary';

const corpus = sharedPath('rego-corpus');
const floor = JSON.parse(
  readFileSync(join(repo, 'test', 'fixtures', 'rego', 'corpus-floor.json'), 'utf8'),
) as {
  passed: number;
};

it(`passes at least ${floor.passed} of the real repositories' tests`, () => {
  const { out, passed } = runScoringScript('corpus.ts', [corpus]);
  assert.ok(
    passed >= floor.passed,
    `${passed} passed, below the floor of ${floor.passed}\n${out.slice(-3000)}`,
  );
  assert.match(out, /opa check --strict src: ok/, 'gatekeeper-library no longer passes opa check --strict');
});
