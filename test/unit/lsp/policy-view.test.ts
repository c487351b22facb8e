/**
 * The main thread's view of a policy the analysis worker loaded: its facts are there at once, its
 * files are read and its rules compiled only when asked for, and then only once.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { factsOf, failedView, lazyView } from '../../../server/src/lsp/worker/policy-view';
import { compileRead, loadPolicy, type ReadPolicy, readPolicy } from '../../../server/src/policy/load';

function folder(): string {
  const root = mkdtempSync(join(tmpdir(), 'clearance-policy-view-'));
  mkdirSync(join(root, 'policy'));
  writeFileSync(
    join(root, 'policy/authz.rego'),
    'package api.authz\n\ndefault allow := false\n\nallow if input.user.role == "admin"\n\nis_owner(u, r) if u.id == r.owner\n',
  );
  writeFileSync(join(root, 'policy/data.json'), '{"teams": {"a": []}}');
  return root;
}

describe('the policy view', () => {
  it('gives the facts the worker found without reading or compiling; reads and compiles once when asked', () => {
    const root = folder();
    const facts = factsOf(loadPolicy(root, ['policy']), 'data.api.authz.allow');
    assert.deepEqual(facts.entrypoints, ['data.api.authz.allow']);
    assert.equal(facts.entrypointDefined, true);
    let reads = 0;
    let compiles = 0;
    const view = lazyView(
      facts,
      () => {
        reads++;
        return readPolicy(root, ['policy']);
      },
      (read: ReadPolicy) => {
        compiles++;
        return compileRead(read);
      },
    );
    assert.equal(view.version, facts.version);
    assert.deepEqual(view.errors, []);
    assert.deepEqual(view.entrypoints, ['data.api.authz.allow']);
    assert.deepEqual([reads, compiles], [0, 0]);
    assert.deepEqual([...view.sources.keys()], [join(root, 'policy/authz.rego')]);
    assert.deepEqual(view.data, { teams: { a: [] } });
    assert.deepEqual([reads, compiles], [1, 0]);
    assert.equal(view.policy.ruleSets.length, 2);
    assert.equal(view.policy, view.policy);
    assert.deepEqual([reads, compiles], [1, 1]);
  });

  it('says when the entrypoint is defined by nothing', () => {
    const facts = factsOf(loadPolicy(folder(), ['policy']), 'data.api.authz.decision');
    assert.equal(facts.entrypointDefined, false);
    const data = factsOf(loadPolicy(folder(), ['policy']), 'data.teams.a');
    assert.equal(data.entrypointDefined, true);
  });

  it('a load the worker could not finish has no rules and says why', () => {
    const view = failedView({ code: 'eval_cancel_error', message: 'loading the policy took too long' }, [
      '/x.rego',
    ]);
    assert.equal(view.policy.ruleSets.length, 0);
    assert.deepEqual(view.regoFiles, ['/x.rego']);
    assert.equal(view.errors[0]?.code, 'eval_cancel_error');
  });
});
