/**
 * Evaluating Rego with a call site's input, a rule's value in its hover, and the navigable trace,
 * over a real LSP connection to the built server on a copy of examples/shop with alice's token
 * minted at test time. Expected values follow from examples/shop/policy/authz.rego by hand: alice is
 * a developer, so `allow` is false for the DELETE call (no clause holds: she is no admin, and the
 * owner clause needs an owner the code does not show), and true for an admin.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { CodeAction } from 'vscode-languageserver-protocol';
import type {
  CallSitesResponse,
  EvaluateResponse,
  ListTestsResponse,
  RunTestsResponse,
  WireTestResult,
} from '../../server/src/lsp/authoring-protocol';
import { hoverText, openDocument, shopIdentitySettings, type TestServer, waitFor } from './lsp-client';
import { useShopServer } from './shop-server';

/** The 0-based line of the first line of `text` that holds `marker`. */
function lineOf(text: string, marker: string): number {
  const line = text.split('\n').findIndex((l) => l.includes(marker));
  assert.ok(line >= 0, `${marker} not found`);
  return line;
}

/** Two rules to bound a hover by: a big value, and one the step limit stops. */
const EXTRA_RULES = [
  'package api.extra',
  '',
  'big := numbers.range(1, 2000)',
  '',
  'slow if count([x | some x in numbers.range(1, 5000000); x > 0]) > 0',
  '',
].join('\n');
/** A parameterised test (one case of two fails, on line 5) and a name defined twice. */
const CASES_TEST = [
  'package api.cases_test',
  '',
  'test_roles[role] if {',
  '\tsome role in ["admin", "developer"]',
  '\tdata.api.authz.allow with input as {"user": {"role": role}}',
  '}',
  '',
  'test_twice if true',
  '',
  'test_twice if false',
  '',
].join('\n');

describe('evaluating Rego with a call site input', () => {
  let root: string;
  let server: TestServer;
  let orders: string;
  let ordersUri: string;
  let authz: string;
  let authzUri: string;
  let deleteAt: { line: number; character: number };
  const request = <T>(method: string, params: unknown) =>
    server.connection.sendRequest(method, params) as Promise<T>;
  /** The hover over `allow` on the `default allow` line of authz.rego. */
  const hoverAllow = () => {
    const line = lineOf(authz, 'default allow');
    return hover(authzUri, line, (authz.split('\n')[line] as string).indexOf('allow'));
  };
  /** The hover's Markdown; a missing hover is a failure. */
  const hover = async (uri: string, line: number, character: number) => {
    const text = await hoverText(server, uri, line, character);
    assert.ok(text !== undefined, `no hover at ${uri}:${line + 1}:${character + 1}`);
    return text;
  };

  // As VS Code's client: hovers may hold command links.
  const suite = useShopServer({
    prefix: 'clearance-authoring-eval-',
    name: 'Alice Example',
    ttlSeconds: 15 * 60,
    files: { 'policy/extra.rego': EXTRA_RULES, 'policy/cases_test.rego': CASES_TEST },
    settings: shopIdentitySettings,
    initializationOptions: { richHovers: true },
  });

  before(async () => {
    ({ root, server } = suite);
    orders = readFileSync(join(root, 'src/api/orders.ts'), 'utf8');
    ordersUri = await openDocument(server, join(root, 'src/api/orders.ts'), orders, 'typescript');
    await waitFor('diagnostics for orders.ts', () => server.diagnostics.get(ordersUri));
    authz = readFileSync(join(root, 'policy', 'authz.rego'), 'utf8');
    authzUri = await openDocument(server, join(root, 'policy', 'authz.rego'), authz, 'rego');
    const line = lineOf(orders, "method: 'DELETE'");
    deleteAt = { line, character: (orders.split('\n')[line] as string).indexOf('fetch') };
  });

  it('shows no value in a rule hover until an input is chosen', async () => {
    const text = await hoverAllow();
    assert.match(text, /data\.api\.authz\.allow/);
    assert.doesNotMatch(text, /\*\*Value\*\*/);
  });

  it('evaluates the entrypoint with the exact input the DELETE decision used, with its trace', async () => {
    const result = await request<EvaluateResponse>('clearance/rego/evaluate', {
      call: { uri: ordersUri, position: deleteAt },
      explain: true,
    });
    assert.deepEqual(result.errors, []);
    assert.equal(result.query, 'data.api.authz.allow');
    assert.equal(result.value, false);
    assert.match(
      result.inputLabel ?? '',
      /^DELETE \/api\/orders\/\{id\} \(orders\.ts:\d+\) as alice@example\.com$/,
    );
    // The same input the call's "Open the exact input" shows: the decision's own.
    const exact = await request<{ json: string }>('workspace/executeCommand', {
      command: 'clearance.server.input',
      arguments: [ordersUri, deleteAt],
    });
    // Each decision reads the clock: a re-decision between the two requests moves only what is read
    // from it (a second boundary between them changed token_seconds_left in a CI run).
    const clockFields = ['time', 'local_time', 'hour', 'weekday', 'auth_age_seconds', 'token_seconds_left'];
    const timeless = (input: unknown) => {
      const copy = structuredClone(input) as { context: Record<string, unknown> };
      assert.match(String(copy.context.time), /^\d{4}-\d\d-\d\dT/);
      for (const field of clockFields) delete copy.context[field];
      return copy;
    };
    const exactInput = JSON.parse(exact.json) as { context: { token_seconds_left: number } };
    assert.deepEqual(timeless(result.input), timeless(exactInput));
    const secondsLeft = (result.input as { context: { token_seconds_left: number } }).context
      .token_seconds_left;
    assert.ok(
      Math.abs(secondsLeft - exactInput.context.token_seconds_left) <= 60,
      'the same token, read moments apart',
    );
    assert.equal((result.input as { action: string }).action, 'delete');
    assert.ok((result.unknowns ?? []).some((u) => u.startsWith('input.resource')));
    // Two allow clauses and the default; none of the allow clauses holds.
    const trace = result.trace ?? [];
    const admin = trace.find((c) => c.head.includes('"admin"'));
    assert.ok(admin, JSON.stringify(trace));
    assert.equal(admin.held, false);
    assert.equal(admin.failing?.text, 'input.user.role == "admin"');
    assert.deepEqual(admin.failing?.operands, ['input.user.role = "developer"', 'right = "admin"']);
    // Each step links to its place in the policy.
    assert.equal(admin.failing?.uri, authzUri);
    assert.equal(admin.failing?.range.start.line, lineOf(authz, 'allow if input.user.role == "admin"'));
    assert.ok(trace.filter((c) => !c.head.startsWith('default')).every((c) => !c.held));
  });

  it('takes a query with a call input, and says when no call is there', async () => {
    const pkg = await request<EvaluateResponse>('clearance/rego/evaluate', {
      query: 'data.api.authz',
      call: { uri: ordersUri, position: deleteAt },
    });
    assert.deepEqual(pkg.value, { allow: false });
    const none = await request<EvaluateResponse>('clearance/rego/evaluate', {
      call: { uri: ordersUri, position: { line: 0, character: 0 } },
    });
    assert.equal(none.defined, false);
    assert.match(none.errors[0] ?? '', /no call at orders\.ts:1/);
  });

  it("shows the rule's value for the chosen input in its hover", async () => {
    // The last evaluation used the DELETE call's input.
    assert.match(await hoverAllow(), /\*\*Value\*\* with DELETE .*as alice@example\.com: `false`/);
    await request<EvaluateResponse>('clearance/rego/evaluate', {
      query: 'data.api.authz.allow',
      input: { user: { role: 'admin' } },
    });
    assert.match(await hoverAllow(), /\*\*Value\*\* with the given input: `true`/);
  });

  it('bounds the value in a hover by size and by the evaluation limits', async () => {
    const extraUri = pathToFileURL(join(root, 'policy', 'extra.rego')).href;
    const extra = readFileSync(join(root, 'policy', 'extra.rego'), 'utf8');
    const big = await hover(extraUri, lineOf(extra, 'big :='), 0);
    const full = JSON.stringify(Array.from({ length: 2000 }, (_, i) => i + 1));
    assert.match(big, new RegExp(`… \\(${full.length} characters\\)`));
    assert.ok(big.includes(full.slice(0, 400)));
    assert.ok(!big.includes(full.slice(0, 401)));
    const slow = await hover(extraUri, lineOf(extra, 'slow if'), 0);
    assert.match(slow, /\*\*Value\*\* with the given input: not evaluated \(eval_/);
  });

  it('lists the call sites of open code, and offers the evaluate action on a call', async () => {
    const { sites } = await request<CallSitesResponse>('clearance/rego/callSites', {});
    const del = sites.find((s) => s.label.startsWith('DELETE'));
    assert.equal(del?.uri, ordersUri);
    assert.equal(del?.position.line, deleteAt.line);
    assert.equal(del?.entrypoint, 'data.api.authz.allow');
    assert.equal(sites.filter((s) => s.uri === ordersUri).length, 3);
    const actions = await request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: ordersUri },
      range: { start: deleteAt, end: deleteAt },
      context: { diagnostics: [] },
    });
    const evaluate = actions.find((a) => a.command?.command === 'clearance.rego.evaluateCall');
    assert.deepEqual(evaluate?.command?.arguments, [ordersUri, deleteAt]);
  });

  it('runs a parameterised test case by case, and identically named tests one by one', async () => {
    const listed = await request<ListTestsResponse>('clearance/rego/tests', {});
    assert.deepEqual(
      listed.tests
        .filter((t) => t.package === 'api.cases_test')
        .map((t) => `${t.name}:${t.range.start.line + 1}`),
      ['test_roles:3', 'test_twice:8', 'test_twice#01:10'],
    );
    const run = await request<RunTestsResponse>('clearance/rego/runTests', { packages: ['api.cases_test'] });
    const byName: Record<string, WireTestResult> = Object.fromEntries(
      run.results.map((r) => [r.id.split('.').pop(), r]),
    );
    assert.equal(byName.test_roles?.outcome, 'failed');
    assert.deepEqual(
      byName.test_roles?.cases?.map((c) => `${c.name}: ${c.outcome}`),
      // Named as `clearance policy test` names them (caseName): the test and the key as JSON.
      ['test_roles["admin"]: passed', 'test_roles["developer"]: failed'],
    );
    const developer = byName.test_roles?.cases?.[1];
    assert.match(developer?.location?.uri ?? '', /cases_test\.rego$/);
    assert.equal(developer?.location?.range.start.line, 4);
    assert.equal(byName.test_twice?.outcome, 'passed');
    assert.equal(byName['test_twice#01']?.outcome, 'failed');
  });

  it('links the call hover to evaluating its input in the policy', async () => {
    const text = await hover(ordersUri, deleteAt.line, deleteAt.character);
    assert.match(text, /\[Evaluate in the policy\]\(command:clearance\.rego\.evaluateCall\?/);
  });
});
