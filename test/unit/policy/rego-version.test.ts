/**
 * Which Rego syntax each policy file is read as: the `clearance.policy.regoVersion` setting, unless
 * an OPA bundle `.manifest` above the file says otherwise (`rego_version`, `file_rego_versions`),
 * as OPA reads bundles. v0 policies then decide like their v1 equivalents.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeSettings, regoVersionOf } from '../../../server/src/config/settings';
import { loadPolicy } from '../../../server/src/policy/load';
import { evaluateQuery, prepareQuery } from '../../../server/src/rego';
import { writeTree as folder } from '../../write-tree';

const v0 = `package api.authz

default allow = false

allow { input.user.role == "admin" }

deny[msg] {
  input.user.role == "guest"
  msg := "guests are read-only"
}
`;
const v1 = 'package api.modern\n\nallow if input.ok\n';

describe('Rego version of policy files', () => {
  const cases: Array<{ name: string; files: Record<string, string>; regoVersion?: 0 | 1; errors: string[] }> =
    [
      {
        name: 'v0 syntax is a parse error by default',
        files: { 'p/authz.rego': v0 },
        errors: ['rego_parse_error'],
      },
      { name: 'the v0 setting reads it', files: { 'p/authz.rego': v0 }, regoVersion: 0, errors: [] },
      {
        name: 'a manifest with rego_version 0 reads its bundle as v0 under the v1 setting',
        files: { 'b/.manifest': '{"rego_version": 0}', 'b/authz.rego': v0 },
        errors: [],
      },
      {
        name: 'a manifest with rego_version 1 reads its bundle as v1 under the v0 setting',
        files: { 'b/.manifest': '{"rego_version": 1}', 'b/modern.rego': v1 },
        regoVersion: 0,
        errors: [],
      },
      {
        name: 'the innermost manifest wins',
        files: {
          '.manifest': '{"rego_version": 1}',
          'legacy/.manifest': '{"rego_version": 0}',
          'legacy/authz.rego': v0,
          'modern.rego': v1,
        },
        errors: [],
      },
      {
        name: 'file_rego_versions picks single files by glob; ** crosses folders',
        files: {
          'b/.manifest': '{"rego_version": 1, "file_rego_versions": {"/old/**/*.rego": 0}}',
          'b/old/deep/authz.rego': v0,
          'b/modern.rego': v1,
        },
        errors: [],
      },
      {
        name: 'a manifest that is not JSON is a bundle_error, and its files keep the setting',
        files: { 'b/.manifest': '{rego_version: 0', 'b/authz.rego': v0 },
        errors: ['bundle_error', 'rego_parse_error'],
      },
    ];
  for (const c of cases) {
    it(c.name, () => {
      const loaded = loadPolicy(
        folder(c.files),
        [],
        new Map(),
        c.regoVersion === undefined ? {} : { regoVersion: c.regoVersion },
      );
      assert.deepEqual(
        [...new Set(loaded.errors.map((e) => e.code))].sort(),
        [...c.errors].sort(),
        JSON.stringify(loaded.errors),
      );
    });
  }

  it('evaluates a v0 policy: default, complete and partial-set rules', () => {
    const loaded = loadPolicy(folder({ 'authz.rego': v0 }), [], new Map(), { regoVersion: 0 });
    const q = prepareQuery(loaded.policy, '[data.api.authz.allow, data.api.authz.deny]');
    assert.ok(q.query);
    const results = ['admin', 'guest'].map(
      (role) =>
        evaluateQuery(q.query as NonNullable<typeof q.query>, { input: { user: { role } } }).results[0]
          ?.expressions[0],
    );
    assert.deepEqual(results, [
      [true, []],
      [false, ['guests are read-only']],
    ]);
  });

  it('names a different policy version for the same files read as v0', () => {
    const root = folder({ 'p.rego': 'package p\n\nx := 1\n' });
    assert.notEqual(
      loadPolicy(root, []).version,
      loadPolicy(root, [], new Map(), { regoVersion: 0 }).version,
    );
  });

  it('reads clearance.policy.regoVersion and rejects other values with the default', () => {
    assert.equal(
      regoVersionOf(normalizeSettings({ policy: { regoVersion: 'v0' } }).settings.policy.regoVersion),
      0,
    );
    const bad = normalizeSettings({ 'clearance.policy.regoVersion': 'v2' });
    assert.equal(bad.settings.policy.regoVersion, 'v1');
    assert.match(bad.errors[0]?.message ?? '', /clearance\.policy\.regoVersion/);
  });
});
