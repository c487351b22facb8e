/**
 * Files the editor parses in the background have their `# METADATA` read later (its YAML is half of
 * the parse): whatever a feature shows from it (a hover's title, completion's documentation, the
 * "add METADATA" action, a block's errors) must be what an eager parse gives.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AuthoringProject, codeActions, hover } from '../../../server/src/authoring';

const lib = `# METADATA
# title: Library
package lib

# METADATA
# title: Administrator
# description: True when the user holds the admin role.
is_admin if input.user.role == "admin"

plain if input.x
`;

const user = `package app

import data.lib

allow if lib.is_admin
`;

const brokenYaml = `package broken

# METADATA
# title: [unclosed
allow if input.x
`;

function project(deferred: boolean): AuthoringProject {
  const p = new AuthoringProject();
  p.setText('/w/lib.rego', lib, deferred);
  p.setText('/w/broken.rego', brokenYaml, deferred);
  p.setText('/w/app.rego', user);
  return p;
}

describe('the METADATA put off by the background parse', () => {
  it('is read when a hover shows the rule it annotates', () => {
    const p = project(true);
    assert.equal(p.entry('/w/lib.rego')?.module?.rules[0]?.annotations, undefined);
    const found = hover(p, '/w/app.rego', user.indexOf('is_admin') + 2);
    assert.match(found?.markdown ?? '', /Administrator/);
    assert.match(found?.markdown ?? '', /True when the user holds the admin role\./);
  });

  it('keeps "add METADATA" off a rule that has it and on one that has not', () => {
    const titles = (p: AuthoringProject, rule: string) =>
      codeActions(p, '/w/lib.rego', lib.indexOf(rule) + 1).map((a) => a.title);
    const p = project(true);
    assert.ok(!titles(p, 'is_admin').some((t) => /METADATA/.test(t)));
    assert.ok(titles(p, 'plain').some((t) => /METADATA/.test(t)));
  });

  it('gives the same annotations and errors as an eager parse once read', () => {
    const lazy = project(true);
    const eager = project(false);
    assert.equal(
      lazy.readPendingMetadata(() => false),
      0,
    );
    for (const file of ['/w/lib.rego', '/w/broken.rego']) {
      const l = lazy.entry(file);
      const e = eager.entry(file);
      assert.deepEqual(l?.errors, e?.errors);
      assert.deepEqual(
        l?.module?.rules.map((r) => r.annotations),
        e?.module?.rules.map((r) => r.annotations),
      );
      assert.deepEqual(l?.module?.package.annotations, e?.module?.package.annotations);
    }
    assert.equal(lazy.entry('/w/lib.rego')?.module?.package.annotations?.title, 'Library');
  });

  it("reports a block's YAML error when the file is opened (set again without deferring)", () => {
    const p = project(true);
    assert.deepEqual(p.entry('/w/broken.rego')?.errors, []);
    p.setText('/w/broken.rego', brokenYaml);
    const errors = p.entry('/w/broken.rego')?.errors ?? [];
    assert.equal(errors.length, 1);
    assert.match(errors[0]?.message ?? '', /^yaml: /);
    assert.equal(errors[0]?.location?.start.line, 4);
  });
});
