/**
 * Editing a policy with the analysis worker: the worker compiles the policy once and decides with
 * it; the main thread takes the facts it sends back and never compiles the rules, neither on the
 * path of an edit nor to run tests, evaluate a rule or show a rule's value in its hover (all run in
 * the worker).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { EvaluateResponse, RunTestsResponse } from '../../server/src/lsp/authoring-protocol';
import { POLICY_COMPILED_HERE } from '../../server/src/lsp/workspace';
import {
  changeDocument,
  hoverText,
  openDocument,
  shopIdentitySettings,
  type TestServer,
  until,
} from './lsp-client';
import { useShopServer } from './shop-server';

const settings = { ...shopIdentitySettings, diagnostics: { conditionalSeverity: 'none' } };

/** Tests of the shop's policy: by its rules, an admin may delete and a developer may not. */
const SHOP_TESTS = `package api.authz_test

import data.api.authz

test_admin_deletes if {
	authz.allow with input as {"user": {"role": "admin"}, "action": "delete"}
}

test_developer_deletes if {
	authz.allow with input as {"user": {"role": "developer"}, "action": "delete"}
}
`;

describe('editing a policy while code is open', () => {
  const suite = useShopServer({
    prefix: 'clearance-policy-edits-',
    ttlSeconds: 900,
    files: { 'policy/authz_test.rego': SHOP_TESTS },
    settings,
  });
  let server: TestServer;
  let root: string;
  before(() => ({ root, server } = suite));

  const compiledHere = () => server.transcript.filter((line) => line.includes(POLICY_COMPILED_HERE)).length;
  const deleteDenied = (uri: string) =>
    (server.diagnostics.get(uri) ?? []).some((d) => d.code === 'call_denied');
  const policyErrors = (uri: string) => (server.diagnostics.get(uri) ?? []).filter((d) => d.severity === 1);

  it('re-decides open code and reports policy errors without compiling the policy on the main thread', async () => {
    const codePath = join(root, 'src/api/orders.ts');
    const codeUri = await openDocument(server, codePath, readFileSync(codePath, 'utf8'), 'typescript');
    await until(server, 'the DELETE call denied', () => (deleteDenied(codeUri) ? true : undefined));
    // The GET call's hover lists the other actions on the order: decided once, then remembered.
    const code = readFileSync(codePath, 'utf8').split('\n');
    const getLine = code.findIndex((l) => l.includes('const response = await fetch('));
    const getAt = (code[getLine] as string).indexOf('fetch');
    const otherActions = async () =>
      ((await hoverText(server, codeUri, getLine, getAt)) ?? '')
        .split('\n')
        .find((l) => l.includes('Other actions'));
    const othersBefore = await otherActions();
    assert.match(othersBefore ?? '', /delete/);
    assert.equal(await otherActions(), othersBefore);
    const policyPath = join(root, 'policy/authz.rego');
    const policy = readFileSync(policyPath, 'utf8');
    const policyUri = pathToFileURL(policyPath).href;
    await openDocument(server, policyPath, policy, 'rego');

    // A typing pause on a broken rule: its parse error is reported where it is.
    await changeDocument(server, policyUri, 2, `${policy}\nallow if {\n`);
    const errors = await until(server, 'the parse error', () =>
      policyErrors(policyUri).length > 0 ? policyErrors(policyUri) : undefined,
    );
    assert.ok(
      errors.some((d) => d.code === 'rego_parse_error'),
      JSON.stringify(errors),
    );

    // The rule finished: everyone may delete. The open code is re-decided by the worker's new policy.
    await changeDocument(server, policyUri, 3, `${policy}\nallow if input.action == "delete"\n`);
    await until(server, 'the DELETE call allowed', () => (deleteDenied(codeUri) ? undefined : true));
    // The remembered other actions were forgotten with the old policy: delete now reads as allowed.
    const othersAfter = await otherActions();
    assert.notEqual(othersAfter, othersBefore, `other actions as before the edit: ${othersAfter}`);
    assert.deepEqual(policyErrors(policyUri), [], 'no error left in the policy');
    assert.equal(compiledHere(), 0, 'an edit must not compile the policy on the main thread');
  });

  it("runs tests, evaluates rules and shows a rule's value in the worker, never compiling the policy on the main thread", async () => {
    const run = (await server.connection.sendRequest('clearance/rego/runTests', {
      packages: ['api.authz_test'],
    })) as RunTestsResponse;
    const byName = Object.fromEntries(run.results.map((r) => [r.id.split('.').pop(), r]));
    assert.equal(byName.test_admin_deletes?.outcome, 'passed', JSON.stringify(run));
    // The edit above allows every delete: the developer's test now holds as well.
    assert.equal(byName.test_developer_deletes?.outcome, 'passed', JSON.stringify(run));
    const evaluate = async (explain: boolean) =>
      (await server.connection.sendRequest('clearance/rego/evaluate', {
        query: 'data.api.authz.allow',
        input: { user: { role: 'developer' }, action: 'read' },
        explain,
      })) as EvaluateResponse;
    const evaluated = await evaluate(true);
    assert.equal(evaluated.defined, true);
    assert.equal(evaluated.value, false);
    assert.deepEqual(evaluated.errors, []);
    assert.ok((evaluated.trace ?? []).length > 0, 'Explain gives each clause its trace');
    // A rule's hover shows its value for the input evaluated last, evaluated in the worker too: the
    // first hover may answer before the value is back (it says so), a later one shows it. The
    // authoring worker runs one job after another: the same evaluation asked after the hover is
    // answered after the hover's own, which the next hover then finds done.
    const policyUri = pathToFileURL(join(root, 'policy/authz.rego')).href;
    const allowLine = readFileSync(join(root, 'policy/authz.rego'), 'utf8')
      .split('\n')
      .findIndex((l) => l.startsWith('allow if'));
    let valueShown = (await hoverText(server, policyUri, allowLine, 1)) ?? '';
    if (/being evaluated; hover again/.test(valueShown)) {
      await evaluate(false);
      valueShown = (await hoverText(server, policyUri, allowLine, 1)) ?? '';
    }
    assert.match(valueShown, /\*\*Value\*\* with the given input: `false`/);
    assert.equal(
      compiledHere(),
      0,
      "a test run, an evaluation or a rule's hover compiled the policy on the main thread",
    );
  });

  it('reports where a test failed, with its values, after the policy is edited back', async () => {
    const policyPath = join(root, 'policy/authz.rego');
    const policyUri = pathToFileURL(policyPath).href;
    await changeDocument(server, policyUri, 4, readFileSync(policyPath, 'utf8'));
    // The reload waits for a typing pause; the open code re-decided by the reloaded policy (its DELETE
    // denied again) says it is done, and the tests then run on it.
    const codeUri = pathToFileURL(join(root, 'src/api/orders.ts')).href;
    await until(server, 'the DELETE call denied again', () => (deleteDenied(codeUri) ? true : undefined));
    const run = (await server.connection.sendRequest('clearance/rego/runTests', {
      ids: ['data.api.authz_test.test_developer_deletes'],
    })) as RunTestsResponse;
    const failed = run.results[0];
    assert.equal(failed?.outcome, 'failed', JSON.stringify(run));
    assert.match(failed?.message ?? '', /failed at `authz\.allow/);
    assert.match(failed?.location?.uri ?? '', /authz_test\.rego$/);
    assert.equal(failed?.location?.range.start.line, 9);
    assert.equal(compiledHere(), 0, 'a test run compiled the policy on the main thread');
  });
});

describe('OPA bundles decide in the analysis worker', () => {
  // Far more work than the deadline below allows: only the worker's deadline can stop it this soon.
  const suite = useShopServer({
    prefix: 'clearance-bundle-worker-',
    ttlSeconds: 900,
    files: {
      'bundle/.manifest': JSON.stringify({ revision: 'slow', roots: ['api'] }),
      'bundle/api/authz/authz.rego':
        'package api.authz\n\ndefault allow := false\n\nallow if count([x | some x in numbers.range(1, 400000); x % 7 == 0]) < 0\n',
    },
    deadlineMs: 300,
    settings: { ...settings, policy: { bundles: ['bundle'] } },
  });
  let server: TestServer;
  let root: string;
  before(() => ({ root, server } = suite));

  it('stops a bundle policy that runs past the deadline, as it does a workspace policy', async () => {
    const codePath = join(root, 'src/api/orders.ts');
    const uri = await openDocument(server, codePath, readFileSync(codePath, 'utf8'), 'typescript');
    const stopped = await until(server, 'the decision stopped at its deadline', () =>
      (server.diagnostics.get(uri) ?? []).find(
        (d) => typeof d.message === 'string' && /took longer than 300 ms/.test(d.message),
      ),
    );
    assert.equal(stopped.code, 'eval_cancel_error');
  });
});
