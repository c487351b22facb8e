/**
 * The web extension's language server in a real browser (issue 14), its decisions and project
 * documents: Debian's Chromium runs the built `dist/server/web-server.js` in a real Worker, and the
 * page speaks LSP to it over postMessage as VS Code's browser client does (web-worker-session.ts).
 * The workspace is served from memory over Clearance's file requests (`clearance/fs/*`), wasm from
 * the extension's URL, and the identity is a JWT verified with jose in the worker against a JWKS on
 * 127.0.0.1. Expected verdicts follow the shop policy by hand: only an admin, or the owner reading
 * or updating, is allowed, so Alice (a developer) may not DELETE; a forged signature is refused. A
 * `.clearance.yaml` is checked against its schema and completed, as on the desktop, and the OpenAPI
 * document it names is read through the file requests: a generated client's call of one of its
 * operations is found and denied (a developer may not close an account), and is no longer one once
 * the document, changed on disk, names the operation otherwise; a GraphQL document it names is
 * parsed in the worker (a syntax error reported in the document at its line and column, then gone
 * once the file is fixed); a named document that is missing or over the size limit is reported on
 * `.clearance.yaml` at the entry that names it, as on the desktop. The Rego authoring features are
 * in web-worker-authoring.e2e.test.ts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { repoRoot } from './harness';
import {
  diagnosticsOf,
  type LspRange,
  pageIdentityViews,
  pageNotify,
  pageRequest,
  uriOf,
  waitForVerifiedIdentity,
} from './web-worker-page';
import { appPath, appText, useWebWorker } from './web-worker-session';

describe('the web-worker language server in Chromium: decisions and project documents', {
  timeout: 180_000,
}, () => {
  const session = useWebWorker();
  /** The page's LSP client (web-worker-page.ts), bound to this suite's page. */
  const request = (method: string, params: unknown) => pageRequest(session.page, method, params);
  const notify = (method: string, params: unknown) => pageNotify(session.page, method, params);
  const identityViews = () => pageIdentityViews(session.page);

  it('starts, reads the policy through the file requests and verifies the sign-in token with jose', async () => {
    // Started, initialized and signed in by the suite's hook (web-worker-session.ts), which waited
    // for the worker to say the token verified.
    assert.equal(session.init.capabilities.hoverProvider, true);
    const views = await identityViews();
    assert.match(views.at(-1)?.text ?? '', /alice/i);
  });

  it('flags the DELETE call that the policy denies', async () => {
    await notify('textDocument/didOpen', {
      textDocument: { uri: uriOf(appPath), languageId: 'typescript', version: 1, text: appText },
    });
    const diagnostics = await diagnosticsOf(session.page, appPath, 'list.length > 0');
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

  it('refuses a token whose signature jose cannot verify with the key set', async () => {
    const [header, payload] = (session.tokens.alice as string).split('.');
    const forged = `${header}.${payload}.${'A'.repeat(342)}`;
    await notify('clearance/session', { token: forged });
    await session.page.waitForFunction(
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
    const errors = await session.page.evaluate(
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
    const diagnostics = await diagnosticsOf(session.page, configPath, 'list.length > 0');
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
    await diagnosticsOf(session.page, configPath, 'list.length === 0');
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
    /** Puts a file in the workspace the session.page serves (as if saved in the editor). */
    const setFile = (path: string, text: string) =>
      session.page.evaluate(
        ({ path, text }) => {
          (globalThis as unknown as { lsp: { state: { files: Record<string, string> } } }).lsp.state.files[
            path
          ] = text;
        },
        { path, text },
      );
    // Alice signs in again (a test above left a forged token in force).
    const seen = (await identityViews()).length;
    await notify('clearance/session', { token: session.tokens.alice });
    await waitForVerifiedIdentity(session.page, seen);
    await setFile(documentPath, ledgerDocument('closeAccount'));
    await notify('textDocument/didOpen', {
      textDocument: { uri: configUri, languageId: 'yaml', version: 1, text: 'openapi: [api/ledger.yaml]\n' },
    });
    await notify('textDocument/didOpen', {
      textDocument: { uri: uriOf(ledgerPath), languageId: 'typescript', version: 1, text: ledgerText },
    });
    // The shop policy lets a developer only read or update what they own: Alice may not close an account.
    const diagnostics = await diagnosticsOf(session.page, ledgerPath, 'list.length > 0');
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
    await diagnosticsOf(session.page, ledgerPath, 'list.length === 0');
    // GraphQL documents are parsed in the worker with the `graphql` parser: a broken one is the
    // desktop's error at its line and column, and once fixed (a file event) the error goes.
    const graphqlPath = '/acme/shop/graphql/orders.graphql';
    await setFile(graphqlPath, 'mutation CancelOrder($id: ID!) {\n  cancelOrder(id: ) { id }\n}\n');
    await notify('textDocument/didChange', {
      textDocument: { uri: configUri, version: 2 },
      contentChanges: [{ text: 'openapi: [api/ledger.yaml]\ngraphql:\n  documents: [graphql]\n' }],
    });
    const configPath = '/acme/shop/.clearance.yaml';
    const broken = await diagnosticsOf(session.page, graphqlPath, 'list.length > 0');
    assert.match(
      broken[0]?.message ?? '',
      /^graphql graphql\/orders\.graphql: not a GraphQL document: Syntax Error/,
      JSON.stringify(broken),
    );
    // `cancelOrder(id: )`: the `)` where a value is expected, line 2, column 19.
    assert.deepEqual(broken[0]?.range.start, { line: 1, character: 18 });
    assert.deepEqual(await diagnosticsOf(session.page, configPath, 'true'), []);
    await setFile(graphqlPath, 'mutation CancelOrder($id: ID!) {\n  cancelOrder(id: $id) { id }\n}\n');
    await notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(graphqlPath), type: 2 }] });
    await diagnosticsOf(session.page, graphqlPath, 'list.length === 0');
    await diagnosticsOf(session.page, configPath, 'list.length === 0');
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
    const unread = await diagnosticsOf(session.page, configPath, 'list.length > 0');
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
    // Wait for the OpenAPI message itself: the list of version 3 (the GraphQL one alone) also has
    // one entry, and may still be the last published when this asks.
    const missing = await diagnosticsOf(
      session.page,
      configPath,
      "list.length === 1 && list[0].message.startsWith('openapi api/gone.yaml: ')",
    );
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
    await session.page.evaluate(
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
