/**
 * The real policy repositories in ../shared/rego-corpus, run as their own CI runs them (`npm run
 * corpus`): the number of passing tests may only go up. Raise the floor in corpus-floor.json when
 * it does. Skipped only where the corpus is not there (a clone without the shared folder).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';

const repo = join(__dirname, '..', '..', '..');
const corpus = join(repo, '..', 'shared', 'rego-corpus');
const floor = JSON.parse(
  readFileSync(join(repo, 'test', 'fixtures', 'rego', 'corpus-floor.json'), 'utf8'),
) as {
  passed: number;
};

it(`passes at least ${floor.passed} of the real repositories' tests`, { skip: !existsSync(corpus) }, () => {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', join(repo, 'scripts', 'corpus.ts'), corpus],
    {
      cwd: repo,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const match = /^(\d+) passed, (\d+) failed$/m.exec(out);
  assert.ok(match, `no summary line in:\n${out.slice(-500)}`);
  const passed = Number(match[1]);
  assert.ok(
    passed >= floor.passed,
    `${passed} passed, below the floor of ${floor.passed}\n${out.slice(-3000)}`,
  );
  assert.match(out, /opa check --strict src: ok/, 'gatekeeper-library no longer passes opa check --strict');
});
