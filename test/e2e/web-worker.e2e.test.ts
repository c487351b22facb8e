/**
 * The web extension's language server in a real browser (issue 14): Debian's Chromium runs the built
 * `dist/server/web-server.js` in a real Worker, and the page speaks LSP to it over postMessage as
 * VS Code's browser client does. The workspace is served from memory over Clearance's file requests
 * (`clearance/fs/*`), wasm from the extension's URL, and the identity is a JWT verified with jose in
 * the worker against a JWKS on 127.0.0.1. Expected verdicts follow the shop policy by hand: only an
 * admin, or the owner reading or updating, is allowed, so Alice (a developer) may not DELETE.
 * The Rego authoring features are checked against OPA's own facts: `count`'s description is OPA's,
 * the formatting is `opa fmt`'s layout, and `prefer-snake-case` and `use-assignment-operator` are
 * Regal's rules of those names. The Rego lenses' requests run in the worker: evaluating `allow` and
 * the tests of `authz_test.rego`, whose outcomes follow the shop policy read by hand (an owner may
 * read, a developer may not delete), and a runaway test is stopped by the step limit. A
 * `.clearance.yaml` is checked against its schema and completed, as on the desktop, and the OpenAPI
 * document it names is read through the file requests: a generated client's call of one of its
 * operations is found and denied (a developer may not close an account), and is no longer one once
 * the document, changed on disk, names the operation otherwise; a GraphQL document it names is
 * parsed in the worker (a syntax error reported in the document at its line and column, then gone
 * once the file is fixed); a named document that is missing or over the size limit is reported on
 * `.clearance.yaml` at the entry that names it, as on the desktop.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { parse } from 'yaml';
import { mintDemoIdentity } from '../../scripts/mint-demo-identity';
import { openBrowser, repoRoot } from './harness';
import {
  applyEdits,
  diagnosticsOf,
  type LspRange,
  pageIdentityViews,
  pageNotify,
  pageRequest,
  serve,
  uriOf,
  waitForVerifiedIdentity,
} from './web-worker-page';

const rootUri = 'vscode-vfs://github/acme/shop';
const policyPath = '/acme/shop/policy/authz.rego';
const appPath = '/acme/shop/src/orders.ts';
const brokenPath = '/acme/shop/scratch/broken.rego';
const rolesPath = '/acme/shop/policy/lib/roles.rego';
const rolesText = [
  'package lib.roles',
  '',
  'admins := {"root", "ops"}',
  '',
  'is_admin(user) if admins[user.name]',
  '',
].join('\n');
const testPath = '/acme/shop/policy/authz_test.rego';
// Two tests of the shop policy, one passing and one failing (see the fixture), and one that runs
// about 8 billion iterations: only the evaluation limits end it.
const testText = [
  readFileSync(join(repoRoot, 'test', 'e2e', 'web', 'authz_test.rego'), 'utf8'),
  'test_runaway if {',
  '\tr := numbers.range(1, 2000)',
  '\tcount([1 | r[_]; r[_]; r[_]]) < 0',
  '}',
  '',
].join('\n');
const gatePath = '/acme/shop/policy/gate.rego';
const gateText = [
  'package gate',
  '',
  'import data.lib.roles',
  '',
  'allow if roles.is_admin(input.user)',
  '',
  'admin_count := count(roles.admins)',
  '',
].join('\n');
const appText = [
  'export async function removeOrder(id: string): Promise<void> {',
  `  await fetch(\`/api/orders/\${id}\`, { method: "DELETE" });`,
  '}',
  '',
].join('\n');
describe('the web-worker language server in Chromium', { timeout: 180_000 }, () => {
  let server: Server;
  let browser: Browser;
  let page: Page;
  let tokens: Record<string, string>;
  let origin: string;

  before(async () => {
    const minted = await mintDemoIdentity({
      users: [{ sub: 'alice', email: 'alice@example.com', name: 'Alice Example', role: 'developer' }],
    });
    tokens = minted.tokens;
    server = await serve(JSON.stringify(minted.jwks));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await openBrowser();
    page = await browser.newPage();
    page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => 'lsp' in globalThis);
    await page.evaluate(
      ({ files, settings }) => {
        const { state } = (globalThis as unknown as { lsp: { state: Record<string, unknown> } }).lsp;
        state.files = files;
        state.settings = settings;
      },
      {
        files: {
          [policyPath]: readFileSync(join(repoRoot, 'examples', 'shop', 'policy', 'authz.rego'), 'utf8'),
          [appPath]: appText,
          [rolesPath]: rolesText,
          [gatePath]: gateText,
          [testPath]: testText,
        },
        settings: {
          identity: {
            issuer: 'https://id.example.com',
            audience: 'clearance-demo',
            jwksUrl: `${origin}/jwks.json`,
          },
        },
      },
    );
  });

  after(async () => {
    await browser?.close();
    server?.close();
  });

  /** The page's LSP client (web-worker-page.ts), bound to this page. */
  const request = (method: string, params: unknown) => pageRequest(page, method, params);
  const notify = (method: string, params: unknown) => pageNotify(page, method, params);
  const identityViews = () => pageIdentityViews(page);

  it('starts, reads the policy through the file requests and verifies the sign-in token with jose', async () => {
    const init = (await request('initialize', {
      processId: null,
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: 'shop' }],
      capabilities: { workspace: { configuration: true } },
      initializationOptions: { wasmUrl: `${origin}/dist/server/wasm/` },
    })) as { capabilities: { hoverProvider?: boolean } };
    assert.equal(init.capabilities.hoverProvider, true);
    await notify('initialized', {});
    await notify('clearance/session', { token: tokens.alice });
    await waitForVerifiedIdentity(page, 0);
    const views = await identityViews();
    assert.match(views.at(-1)?.text ?? '', /alice/i);
  });

  it('flags the DELETE call that the policy denies', async () => {
    await notify('textDocument/didOpen', {
      textDocument: { uri: uriOf(appPath), languageId: 'typescript', version: 1, text: appText },
    });
    const diagnostics = await diagnosticsOf(page, appPath, 'list.length > 0');
    assert.equal(diagnostics.length, 1);
    assert.equal(diagnostics[0]?.range.start.line, 1);
    assert.equal(diagnostics[0]?.severity, 2);
    assert.match(diagnostics[0]?.message ?? '', /delete/i);
  });

  it('explains the decision in a hover on the call', async () => {
    const hover = (await request('textDocument/hover', {
      textDocument: { uri: uriOf(appPath) },
      position: { line: 1, character: 10 },
    })) as { contents: { value: string } } | null;
    assert.ok(hover, 'a hover on the fetch call');
    assert.match(hover.contents.value, /Denied/);
    assert.match(hover.contents.value, /alice/i);
  });

  it('reports a Rego parse error in an open policy file', async () => {
    await notify('textDocument/didOpen', {
      textDocument: {
        uri: uriOf(brokenPath),
        languageId: 'rego',
        version: 1,
        text: 'package scratch\n\nallow if {\n',
      },
    });
    const diagnostics = await diagnosticsOf(page, brokenPath, 'list.length > 0');
    assert.ok(
      diagnostics.some((d) => d.code === 'rego_parse_error'),
      JSON.stringify(diagnostics),
    );
  });

  /** Opens a `.rego` document in the worker. */
  function openRego(path: string, text: string): Promise<void> {
    return notify('textDocument/didOpen', {
      textDocument: { uri: uriOf(path), languageId: 'rego', version: 1, text },
    });
  }

  it('completes a builtin in a .rego file', async () => {
    const path = '/acme/shop/scratch/complete.rego';
    await openRego(path, 'package scratch.complete\n\nn := cou\n');
    const items = (await request('textDocument/completion', {
      textDocument: { uri: uriOf(path) },
      position: { line: 2, character: 8 },
    })) as Array<{ label: string; kind?: number }> | null;
    const count = items?.find((i) => i.label === 'count');
    assert.ok(count, JSON.stringify(items?.map((i) => i.label)));
    assert.equal(count.kind, 3, 'a builtin completes as a function');
  });

  it("completes input's keys from Clearance's input schema", async () => {
    const path = '/acme/shop/scratch/input.rego';
    await openRego(path, 'package scratch.input\n\nn := input.\n');
    const items = (await request('textDocument/completion', {
      textDocument: { uri: uriOf(path) },
      position: { line: 2, character: 11 },
    })) as Array<{ label: string }> | null;
    const labels = (items ?? []).map((i) => i.label);
    // schemas/input.schema.json's top-level properties.
    for (const key of ['user', 'action', 'resource', 'context'])
      assert.ok(labels.includes(key), `${key} in ${JSON.stringify(labels)}`);
  });

  it('explains a builtin in its hover', async () => {
    await openRego(gatePath, gateText);
    const hover = (await request('textDocument/hover', {
      textDocument: { uri: uriOf(gatePath) },
      position: { line: 6, character: 16 },
    })) as { contents: { value: string } } | null;
    assert.ok(hover, 'a hover on count');
    assert.match(hover.contents.value, /count/);
    assert.match(hover.contents.value, /returns the number of elements \(or characters\) in it/);
  });

  it('goes to the definition of a function in another file', async () => {
    const found = (await request('textDocument/definition', {
      textDocument: { uri: uriOf(gatePath) },
      position: { line: 4, character: 17 },
    })) as Array<{ uri: string; range: { start: { line: number; character: number } } }> | null;
    assert.equal(found?.length, 1, JSON.stringify(found));
    assert.equal(found?.[0]?.uri, uriOf(rolesPath));
    assert.deepEqual(found?.[0]?.range.start, { line: 4, character: 0 });
  });

  it('formats a .rego document as opa fmt does', async () => {
    const path = '/acme/shop/scratch/format.rego';
    await openRego(path, 'package scratch.format\n\nlimit:=3\n\nallow if {\ninput.n<limit\n}\n');
    const edits = (await request('textDocument/formatting', {
      textDocument: { uri: uriOf(path) },
      options: { tabSize: 4, insertSpaces: false },
    })) as Array<{ newText: string; range: { start: { line: number; character: number } } }>;
    assert.equal(edits.length, 1);
    assert.deepEqual(edits[0]?.range.start, { line: 0, character: 0 });
    assert.equal(
      edits[0]?.newText,
      'package scratch.format\n\nlimit := 3\n\nallow if {\n\tinput.n < limit\n}\n',
    );
  });

  it('lints an open .rego document', async () => {
    const path = '/acme/shop/scratch/lint.rego';
    await openRego(path, 'package scratch.lint\n\nisAdmin if input.user.role == "admin"\n');
    const diagnostics = await diagnosticsOf(page, path, 'list.length > 0');
    const snake = diagnostics.find((d) => d.code === 'prefer-snake-case');
    assert.ok(snake, JSON.stringify(diagnostics));
    assert.equal(snake.range.start.line, 2);
    assert.equal((snake as { source?: string }).source, 'clearance-lint');
  });

  it('offers the Evaluate and Explain lenses on a policy, with standard LSP commands', async () => {
    const policyText = readFileSync(join(repoRoot, 'examples', 'shop', 'policy', 'authz.rego'), 'utf8');
    await openRego(policyPath, policyText);
    const lenses = (await request('textDocument/codeLens', {
      textDocument: { uri: uriOf(policyPath) },
    })) as Array<{
      range: { start: { line: number } };
      command: { title: string; command: string; arguments: unknown[] };
    }>;
    const titles = lenses.map((l) => `${l.range.start.line}:${l.command.title}:${l.command.arguments[1]}`);
    // `package api.authz` is line 3 (0-based 2); the first `allow` (its default) line 5 (0-based 4).
    assert.ok(titles.includes('2:▶ Evaluate package:data.api.authz'), JSON.stringify(titles));
    assert.ok(titles.includes('4:▶ Evaluate:data.api.authz.allow'), JSON.stringify(titles));
    assert.ok(titles.includes('4:Explain:data.api.authz.allow'), JSON.stringify(titles));
    assert.equal(lenses[0]?.command.arguments[0], uriOf(policyPath));
  });

  it('evaluates a rule in the worker, as the Evaluate lens does, with the input it is given', async () => {
    const evaluate = (action: string) =>
      request('clearance/rego/evaluate', {
        query: 'data.api.authz.allow',
        input: { user: { id: 'alice', role: 'developer' }, resource: { owner_id: 'alice' }, action },
      }) as Promise<{ defined: boolean; value?: unknown; errors: string[] }>;
    const read = await evaluate('read');
    assert.deepEqual([read.defined, read.value, read.errors], [true, true, []]);
    // Only the default holds: an owner may not delete.
    const remove = await evaluate('delete');
    assert.deepEqual([remove.defined, remove.value, remove.errors], [true, false, []]);
    const explained = (await request('clearance/rego/evaluate', {
      query: 'data.api.authz.allow',
      input: { user: { id: 'alice', role: 'developer' }, resource: { owner_id: 'bob' }, action: 'read' },
      explain: true,
    })) as { value?: unknown; trace?: Array<{ held: boolean; uri: string }> };
    assert.equal(explained.value, false);
    // Neither allow clause holds for a reader who is not the owner; the trace points into the policy.
    const trace = explained.trace ?? [];
    assert.ok(
      trace.some((c) => !c.held) && trace.every((c) => c.uri === uriOf(policyPath)),
      JSON.stringify(trace),
    );
  });

  it("runs a policy's tests in the worker, and the step limit stops a runaway one", async () => {
    const { tests } = (await request('clearance/rego/tests', {})) as {
      tests: Array<{ id: string; uri: string }>;
    };
    assert.deepEqual(
      tests
        .filter((t) => t.uri === uriOf(testPath))
        .map((t) => t.id)
        .sort(),
      [
        'data.api.authz_test.test_owner_deletes',
        'data.api.authz_test.test_owner_reads',
        'data.api.authz_test.test_runaway',
      ],
    );
    const { results } = (await request('clearance/rego/runTests', { uris: [uriOf(testPath)] })) as {
      results: Array<{ id: string; outcome: string; message?: string; location?: { uri: string } }>;
    };
    const outcome = (name: string) => results.find((r) => r.id === `data.api.authz_test.${name}`);
    assert.equal(outcome('test_owner_reads')?.outcome, 'passed', JSON.stringify(results));
    assert.equal(outcome('test_owner_deletes')?.outcome, 'failed', JSON.stringify(results));
    assert.equal(outcome('test_owner_deletes')?.location?.uri, uriOf(testPath));
    const runaway = outcome('test_runaway');
    assert.equal(runaway?.outcome, 'errored', JSON.stringify(results));
    assert.match(runaway?.message ?? '', /eval_cancel_error|limit/, JSON.stringify(runaway));
  });

  it("offers lint's quick fix as a standard LSP edit, and the edit fixes the violation", async () => {
    const path = '/acme/shop/scratch/fix.rego';
    const text = 'package scratch.fix\n\nlimit = 3\n';
    await openRego(path, text);
    const before = await diagnosticsOf(page, path, 'list.length > 0');
    const violation = before.find((d) => d.code === 'use-assignment-operator');
    assert.ok(violation, JSON.stringify(before));
    const actions = (await request('textDocument/codeAction', {
      textDocument: { uri: uriOf(path) },
      range: violation.range,
      context: { diagnostics: [violation] },
    })) as Array<{
      title: string;
      command?: unknown;
      edit?: { changes?: Record<string, Array<{ range: LspRange; newText: string }>> };
    }>;
    const fix = actions.find((a) => a.title.endsWith('(use-assignment-operator)'));
    assert.ok(fix, JSON.stringify(actions.map((a) => a.title)));
    // Standard LSP: the edit itself, no command only VS Code could run.
    assert.equal(fix.command, undefined);
    const edits = fix.edit?.changes?.[uriOf(path)] ?? [];
    assert.ok(edits.length > 0, JSON.stringify(fix));
    const fixed = applyEdits(text, edits);
    assert.equal(fixed, 'package scratch.fix\n\nlimit := 3\n');
    await notify('textDocument/didChange', {
      textDocument: { uri: uriOf(path), version: 2 },
      contentChanges: [{ text: fixed }],
    });
    const after = await diagnosticsOf(page, path, "!list.some((d) => d.code === 'use-assignment-operator')");
    assert.ok(!after.some((d) => d.code === 'use-assignment-operator'), JSON.stringify(after));
  });

  it('refuses a token whose signature jose cannot verify with the key set', async () => {
    const [header, payload] = (tokens.alice as string).split('.');
    const forged = `${header}.${payload}.${'A'.repeat(342)}`;
    await notify('clearance/session', { token: forged });
    await page.waitForFunction(
      () => {
        const views = (
          globalThis as unknown as {
            lsp: { state: { notifications: Array<{ method: string; params: { status: string } }> } };
          }
        ).lsp.state.notifications.filter((n) => n.method === 'clearance/identity');
        return views.at(-1)?.params.status === 'invalid';
      },
      undefined,
      { timeout: 60_000 },
    );
    const errors = await page.evaluate(
      () => (globalThis as unknown as { lsp: { state: { errors: string[] } } }).lsp.state.errors,
    );
    assert.deepEqual(errors, []);
  });

  it('checks and completes .clearance.yaml as the desktop server does', async () => {
    const configPath = '/acme/shop/.clearance.yaml';
    const uri = uriOf(configPath);
    await notify('textDocument/didOpen', {
      textDocument: {
        uri,
        languageId: 'yaml',
        version: 1,
        text: 'routes:\n  DELETE /api/orders/{id}: { action: 3 }\n',
      },
    });
    // As test/lsp/clearance-yaml.test.ts finds on the desktop: the schema's error, where the value is.
    const diagnostics = await diagnosticsOf(page, configPath, 'list.length > 0');
    assert.equal(diagnostics[0]?.code, 'config_error', JSON.stringify(diagnostics));
    assert.deepEqual(diagnostics[0]?.range.start, { line: 1, character: 37 });
    assert.match(String(diagnostics[0]?.message), /action: must be string/);
    await notify('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ text: 'routes:\n  DELETE /api/orders/{id}:\n    \n' }],
    });
    const labels = async (line: number, character: number) =>
      (
        ((await request('textDocument/completion', {
          textDocument: { uri },
          position: { line, character },
        })) ?? []) as Array<{ label: string }>
      )
        .map((item) => item.label)
        .sort();
    // schemas/clearance.schema.json's top-level keys but the one written, and a route's keys.
    const schema = JSON.parse(readFileSync(join(repoRoot, 'schemas', 'clearance.schema.json'), 'utf8')) as {
      properties: Record<string, unknown>;
    };
    const keys = Object.keys(schema.properties)
      .filter((key) => key !== 'routes')
      .sort();
    assert.deepEqual(await labels(3, 0), keys);
    assert.deepEqual(await labels(2, 4), ['action', 'resource']);
    await notify('textDocument/didClose', { textDocument: { uri } });
    await diagnosticsOf(page, configPath, 'list.length === 0');
  });

  it("finds a generated client's call by the OpenAPI document .clearance.yaml names, read again when it changes", async () => {
    const documentPath = '/acme/shop/api/ledger.yaml';
    const ledgerPath = '/acme/shop/src/ledger.ts';
    const configUri = uriOf('/acme/shop/.clearance.yaml');
    // An OpenAPI document whose one operation, DELETE /accounts/{accountId}, is named `operationId`.
    const ledgerDocument = (operationId: string) =>
      readFileSync(join(repoRoot, 'test', 'e2e', 'web', 'ledger.yaml'), 'utf8').replace(
        'closeAccount',
        operationId,
      );
    const ledgerText = [
      "import { AccountsApi } from './generated/ledger';",
      'const accounts = new AccountsApi();',
      'export async function closeLedgerAccount(id: string): Promise<void> {',
      '  await accounts.closeAccount(id);',
      '}',
      '',
    ].join('\n');
    /** Puts a file in the workspace the page serves (as if saved in the editor). */
    const setFile = (path: string, text: string) =>
      page.evaluate(
        ({ path, text }) => {
          (globalThis as unknown as { lsp: { state: { files: Record<string, string> } } }).lsp.state.files[
            path
          ] = text;
        },
        { path, text },
      );
    // Alice signs in again (a test above left a forged token in force).
    const seen = (await identityViews()).length;
    await notify('clearance/session', { token: tokens.alice });
    await waitForVerifiedIdentity(page, seen);
    await setFile(documentPath, ledgerDocument('closeAccount'));
    await notify('textDocument/didOpen', {
      textDocument: { uri: configUri, languageId: 'yaml', version: 1, text: 'openapi: [api/ledger.yaml]\n' },
    });
    await notify('textDocument/didOpen', {
      textDocument: { uri: uriOf(ledgerPath), languageId: 'typescript', version: 1, text: ledgerText },
    });
    // The shop policy lets a developer only read or update what they own: Alice may not close an account.
    const diagnostics = await diagnosticsOf(page, ledgerPath, 'list.length > 0');
    assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics));
    assert.equal(diagnostics[0]?.range.start.line, 3);
    const hover = (await request('textDocument/hover', {
      textDocument: { uri: uriOf(ledgerPath) },
      position: { line: 3, character: 20 },
    })) as { contents: { value: string } } | null;
    assert.match(hover?.contents.value ?? '', /operation `closeAccount` of api\/ledger\.yaml/);
    // The document changes: its operation has another name, so the call is no longer one of its operations.
    await setFile(documentPath, ledgerDocument('retireAccount'));
    await notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(documentPath), type: 2 }] });
    await diagnosticsOf(page, ledgerPath, 'list.length === 0');
    // GraphQL documents are parsed in the worker with the `graphql` parser: a broken one is the
    // desktop's error at its line and column, and once fixed (a file event) the error goes.
    const graphqlPath = '/acme/shop/graphql/orders.graphql';
    await setFile(graphqlPath, 'mutation CancelOrder($id: ID!) {\n  cancelOrder(id: ) { id }\n}\n');
    await notify('textDocument/didChange', {
      textDocument: { uri: configUri, version: 2 },
      contentChanges: [{ text: 'openapi: [api/ledger.yaml]\ngraphql:\n  documents: [graphql]\n' }],
    });
    const configPath = '/acme/shop/.clearance.yaml';
    const broken = await diagnosticsOf(page, graphqlPath, 'list.length > 0');
    assert.match(
      broken[0]?.message ?? '',
      /^graphql graphql\/orders\.graphql: not a GraphQL document: Syntax Error/,
      JSON.stringify(broken),
    );
    // `cancelOrder(id: )`: the `)` where a value is expected, line 2, column 19.
    assert.deepEqual(broken[0]?.range.start, { line: 1, character: 18 });
    assert.deepEqual(await diagnosticsOf(page, configPath, 'true'), []);
    await setFile(graphqlPath, 'mutation CancelOrder($id: ID!) {\n  cancelOrder(id: $id) { id }\n}\n');
    await notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(graphqlPath), type: 2 }] });
    await diagnosticsOf(page, graphqlPath, 'list.length === 0');
    await diagnosticsOf(page, configPath, 'list.length === 0');
    // A named file over the 1,000,000-byte limit (docs/clearance-yaml.md), then one missing: each
    // at its entry in `.clearance.yaml` (`big.gql` in line 3's `[graphql, big.gql]`, columns 24-30).
    await setFile('/acme/shop/big.gql', '# padding\n'.repeat(110_000));
    await notify('textDocument/didChange', {
      textDocument: { uri: configUri, version: 3 },
      contentChanges: [
        { text: 'openapi: [api/ledger.yaml, api/gone.yaml]\ngraphql:\n  documents: [graphql, big.gql]\n' },
      ],
    });
    // The GraphQL documents are read first: while one fails, the OpenAPI ones are not read.
    const unread = await diagnosticsOf(page, configPath, 'list.length > 0');
    const byMessage = (pattern: RegExp) =>
      unread.find((d) => pattern.test(d.message)) as unknown as {
        range: LspRange;
      };
    assert.deepEqual(byMessage(/^graphql big\.gql: /)?.range, {
      start: { line: 2, character: 23 },
      end: { line: 2, character: 30 },
    });
    await notify('textDocument/didChange', {
      textDocument: { uri: configUri, version: 4 },
      contentChanges: [{ text: 'openapi: [api/ledger.yaml, api/gone.yaml]\n' }],
    });
    const missing = await diagnosticsOf(page, configPath, 'list.length === 1');
    assert.match(missing[0]?.message ?? '', /^openapi api\/gone\.yaml: /);
    assert.deepEqual((missing[0] as unknown as { range: LspRange }).range, {
      start: { line: 0, character: 27 },
      end: { line: 0, character: 40 },
    });
    await notify('textDocument/didClose', { textDocument: { uri: uriOf(ledgerPath) } });
    await notify('textDocument/didClose', { textDocument: { uri: configUri } });
  });

  it("shows the call inside a private wrapper and its callers' calls only by their shape: it runs no project pass", async () => {
    // test/lsp/one-report.test.ts's Go package: the desktop reports the four callers and not the
    // call inside `get` (expected.yaml's `before`); docs/web.md says what the web build shows instead.
    const fixture = join(repoRoot, 'test', 'fixtures', 'lsp', 'single-report');
    const expected = parse(readFileSync(join(fixture, 'expected.yaml'), 'utf8')) as {
      before: Array<{ file: string; line: number }>;
      after: Array<{ file: string; line: number }>;
    };
    const inside = expected.after.find((call) => !expected.before.some((c) => c.file === call.file));
    assert.ok(inside, 'the call inside the wrapper, reported only after the edit');
    const texts = new Map(
      ['client.go', 'users.go', 'repos.go'].map((name) => [
        `forge/${name}`,
        readFileSync(join(fixture, 'forge', name), 'utf8'),
      ]),
    );
    await page.evaluate(
      (files) => {
        const state = (globalThis as unknown as { lsp: { state: { files: Record<string, string> } } }).lsp
          .state;
        for (const [path, text] of files) state.files[`/acme/shop/${path}`] = text;
      },
      [...texts],
    );
    /** The hover at `line` (1-based) of `file`, on the first character of `word` there. */
    const hoverAt = async (file: string, line: number, word: string) => {
      const text = (texts.get(file) ?? '').split('\n')[line - 1] ?? '';
      const hover = (await request('textDocument/hover', {
        textDocument: { uri: uriOf(`/acme/shop/${file}`) },
        position: { line: line - 1, character: text.indexOf(word) + 1 },
      })) as { contents: { value: string } } | null;
      return hover?.contents.value ?? '';
    };
    for (const file of ['forge/client.go', 'forge/users.go'])
      await notify('textDocument/didOpen', {
        textDocument: {
          uri: uriOf(`/acme/shop/${file}`),
          languageId: 'go',
          version: 1,
          text: texts.get(file),
        },
      });
    // The call inside `get` is shown (the desktop leaves it out while every caller writes the rest).
    assert.match(await hoverAt(inside.file, inside.line, 'http.'), /GET/);
    // No project view says what `c.get` is, so its callers in users.go are not the wrapper's calls:
    // each is shown only by its shape (a verb-named helper given a rooted path), with the path as
    // the caller writes it, without the base the wrapper adds, and no `via`.
    for (const call of expected.before.filter((c) => c.file === 'forge/users.go')) {
      const hover = await hoverAt(call.file, call.line, 'c.get');
      assert.match(hover, /GET \/users\//);
      assert.match(hover, /by its shape/);
      assert.doesNotMatch(hover, /api\/v3|via `/);
    }
    for (const file of ['forge/client.go', 'forge/users.go'])
      await notify('textDocument/didClose', { textDocument: { uri: uriOf(`/acme/shop/${file}`) } });
  });
});
