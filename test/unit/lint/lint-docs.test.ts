/** docs/lint.md stays true to the registry: every rule has its section with its rationale. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { LINT_RULES } from '../../../server/src/lint';
import { WORKSPACE_LINT_RULES } from '../../../server/src/lint/workspace';

it('documents every lint rule with its rationale', () => {
  const doc = readFileSync(join(__dirname, '../../../docs/lint.md'), 'utf8');
  for (const r of [...LINT_RULES, ...WORKSPACE_LINT_RULES]) {
    assert.ok(doc.includes(`### ${r.id}\n`), `docs/lint.md has no section for ${r.id}`);
    assert.ok(doc.includes(r.rationale), `docs/lint.md does not give the rationale of ${r.id}`);
  }
});
