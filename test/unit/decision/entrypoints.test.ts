/**
 * The entrypoints offered (the editor's Choose the Entrypoint, `clearance init`): the policy's
 * complete rules, never its tests' rules. A policy with a test file (`authz_test.rego`, its own
 * `…_test` package with a mock input and a fixture rule) and a test package in a plain file lists
 * only the rules requests are decided by.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { listEntrypoints, suggestEntrypoints } from '../../../server/src/decision/entrypoints';
import { loadPolicy } from '../../../server/src/policy/load';

const files: Record<string, string> = {
  'policy/authz.rego': `package api.authz

default allow := false

allow if input.user.role == "admin"

reasons contains "not an admin" if not allow

is_owner(user, order) if user.id == order.owner
`,
  // The usual test file: its own package, a mock input, a fixture rule and the tests.
  'policy/authz_test.rego': `package api.authz_test

import data.api.authz

admin_input := {"user": {"role": "admin"}}

allow_fixture := true

test_admin_allowed if authz.allow with input as admin_input
`,
  // Tests in the policy's own package, in a test file: its helper rule is the tests' too.
  'policy/same_package_test.rego': `package api.authz

viewer_input := {"user": {"role": "viewer"}}

test_viewer_denied if not allow with input as viewer_input
`,
  // A test package in a file whose name does not say so.
  'policy/helpers.rego': `package api.checks_test

decision := {"allowed": true}
`,
};

describe('the entrypoints a policy offers', () => {
  const root = mkdtempSync(join(tmpdir(), 'clearance-entrypoints-'));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(root, 'policy'), { recursive: true });
    writeFileSync(join(root, file), text);
  }
  after(() => rmSync(root, { recursive: true, force: true }));
  const loaded = loadPolicy(root, ['policy']);

  it('lists the policy’s rules and none of its tests’ files or packages', () => {
    assert.deepEqual(loaded.errors, []);
    assert.deepEqual(listEntrypoints(loaded.policy), ['data.api.authz.allow', 'data.api.authz.reasons']);
  });

  it('never suggests a test’s rule for a misspelt entrypoint', () => {
    assert.deepEqual(suggestEntrypoints(loaded.policy, 'data.api.authz.alow'), [
      'data.api.authz.allow',
      'data.api.authz.reasons',
    ]);
    assert.deepEqual(suggestEntrypoints(loaded.policy, 'data.api.checks.decision'), ['data.api.authz.allow']);
  });
});
