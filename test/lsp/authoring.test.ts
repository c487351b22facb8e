/**
 * The Rego authoring features over a real LSP connection to the built server, on the fixture
 * workspace test/fixtures/authoring (a library package, an authz package that imports it, its
 * tests, data.json and an example input.json). Expected values are read off the fixture by hand:
 * where each rule is defined, which names refer to it, which tests pass and why the others fail.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import type {
  CodeAction,
  CodeLens,
  CompletionItem,
  DocumentHighlight,
  DocumentSymbol,
  FoldingRange,
  InlayHint,
  Location,
  SelectionRange,
  SemanticTokens,
  SignatureHelp,
  SymbolInformation,
  WorkspaceEdit,
} from 'vscode-languageserver-protocol';
import type {
  EvaluateResponse,
  ListTestsResponse,
  RunTestsResponse,
} from '../../server/src/lsp/authoring-protocol';
import { hoverText, openDocument, startServer, type TestServer, waitFor } from './lsp-client';

const fixture = join(__dirname, '..', 'fixtures', 'authoring');

describe('Rego authoring features', () => {
  let root: string;
  let server: TestServer;
  let authzUri: string;
  let authz: string;
  let rolesUri: string;
  const request = <T>(method: string, params: unknown) =>
    server.connection.sendRequest(method, params) as Promise<T>;

  /** The 0-based position of the `nth` occurrence of `marker` in `text`, `delta` characters in. */
  function pos(text: string, marker: string, delta = 0, nth = 0): { line: number; character: number } {
    let index = -1;
    for (let i = 0; i <= nth; i++) index = text.indexOf(marker, index + 1);
    assert.ok(index >= 0, `marker ${marker} not found`);
    const before = text.slice(0, index + delta);
    const line = before.split('\n').length - 1;
    return { line, character: before.length - before.lastIndexOf('\n') - 1 };
  }
  const where = (l: Location) =>
    `${l.uri.split('/').pop()}:${l.range.start.line + 1}:${l.range.start.character + 1}`;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'clearance-authoring-'));
    cpSync(fixture, root, { recursive: true });
    server = await startServer(root, { policy: { paths: ['policy'] } });
    const authzPath = join(root, 'policy', 'api', 'authz.rego');
    authz = readFileSync(authzPath, 'utf8');
    authzUri = await openDocument(server, authzPath, authz, 'rego');
    rolesUri = pathToFileURL(join(root, 'policy', 'lib', 'roles.rego')).href;
    await waitFor('diagnostics of authz.rego', () => server.diagnostics.get(authzUri));
  });

  after(async () => {
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('completes rules of an imported package after its alias', async () => {
    const items = await request<CompletionItem[]>('textDocument/completion', {
      textDocument: { uri: authzUri },
      position: pos(authz, 'roles.is_admin', 6),
    });
    assert.deepEqual(items.map((i) => i.label).sort(), ['has_role', 'is_admin']);
    const fn = items.find((i) => i.label === 'has_role');
    assert.equal(fn?.insertText, `has_role(\${1:user}, \${2:role})`);
  });

  it('completes input paths from the shipped schema and the example input', async () => {
    const items = await request<CompletionItem[]>('textDocument/completion', {
      textDocument: { uri: authzUri },
      position: pos(authz, 'input.user.id', 11),
    });
    const labels = items.map((i) => i.label);
    for (const key of ['id', 'email', 'name', 'role', 'roles']) assert.ok(labels.includes(key), key);
    // `team` is only in policy/api/input.json.
    assert.ok(labels.includes('team'));
  });

  it('completes data paths from data.json', async () => {
    const items = await request<CompletionItem[]>('textDocument/completion', {
      textDocument: { uri: authzUri },
      position: pos(authz, 'data.config.readable', 12),
    });
    assert.deepEqual(items.map((i) => i.label).sort(), ['readable', 'region']);
  });

  it('completes keywords, builtins, locals and rules of the package', async () => {
    const items = await request<CompletionItem[]>('textDocument/completion', {
      textDocument: { uri: authzUri },
      position: pos(authz, 'input.user.id == owner'),
    });
    const labels = new Set(items.map((i) => i.label));
    for (const l of [
      'owner',
      'allow',
      'can_delete',
      'reasons',
      'roles',
      'count',
      'sprintf',
      'some',
      'every',
      'io',
    ])
      assert.ok(labels.has(l), l);
    const count = items.find((i) => i.label === 'count');
    assert.match(String(count?.detail), /^count\(collection: /);
  });

  it('hovers a user rule with its METADATA title and description and where it is defined', async () => {
    const text = await hoverText(
      server,
      authzUri,
      pos(authz, 'is_admin', 2).line,
      pos(authz, 'is_admin', 2).character,
    );
    assert.match(String(text), /\*\*Administrator\*\*/);
    assert.match(String(text), /True when the user holds the admin role\./);
    assert.match(String(text), /lib\/roles\.rego:6/);
  });

  it('hovers builtins, keywords and input paths', async () => {
    const count = await hoverText(
      server,
      authzUri,
      pos(authz, 'count(').line,
      pos(authz, 'count(', 2).character,
    );
    assert.match(String(count), /count\(collection: .*\) → n: number/);
    const kw = await hoverText(
      server,
      authzUri,
      pos(authz, 'contains msg').line,
      pos(authz, 'contains msg', 2).character,
    );
    assert.match(String(kw), /partial set rule/);
    const input = await hoverText(
      server,
      authzUri,
      pos(authz, 'input.user.id').line,
      pos(authz, 'input.user.id', 12).character,
    );
    assert.match(String(input), /input\.user\.id: string/);
  });

  it('goes to the definition across files, of locals, and of imported packages', async () => {
    const def = (p: { line: number; character: number }) =>
      request<Location[]>('textDocument/definition', { textDocument: { uri: authzUri }, position: p });
    assert.deepEqual((await def(pos(authz, 'is_admin', 2))).map(where), ['roles.rego:6:1']);
    assert.deepEqual((await def(pos(authz, 'has_role', 2))).map(where), ['roles.rego:11:1']);
    assert.deepEqual((await def(pos(authz, '== owner', 4))).map(where), ['authz.rego:10:2']);
    assert.deepEqual((await def(pos(authz, 'roles.is_admin', 1))).map(where), ['roles.rego:1:1']);
  });

  it('finds references across files, with and without the declaration', async () => {
    const refs = (includeDeclaration: boolean) =>
      request<Location[]>('textDocument/references', {
        textDocument: { uri: authzUri },
        position: pos(authz, 'allow if roles', 1),
        context: { includeDeclaration },
      });
    const all = (await refs(true)).map(where).sort();
    assert.deepEqual(all, [
      'authz.rego:21:6',
      'authz.rego:5:9',
      'authz.rego:7:1',
      'authz.rego:9:1',
      'authz_test.rego:10:8',
      'authz_test.rego:14:8',
      'authz_test.rego:6:8',
    ]);
    assert.deepEqual((await refs(false)).map(where).sort(), [
      'authz.rego:21:6',
      'authz_test.rego:10:8',
      'authz_test.rego:14:8',
      'authz_test.rego:6:8',
    ]);
  });

  it('renames a rule in every file that refers to it, after preparing', async () => {
    const position = pos(authz, 'roles.is_admin', 8);
    const prepared = await request<{ placeholder: string }>('textDocument/prepareRename', {
      textDocument: { uri: authzUri },
      position,
    });
    assert.equal(prepared.placeholder, 'is_admin');
    const edit = await request<WorkspaceEdit>('textDocument/rename', {
      textDocument: { uri: authzUri },
      position,
      newName: 'admin',
    });
    const files = Object.keys(edit.changes ?? {})
      .map((u) => u.split('/').pop())
      .sort();
    assert.deepEqual(files, ['authz.rego', 'roles.rego']);
    assert.equal(edit.changes?.[rolesUri]?.[0]?.range.start.line, 5);
    await assert.rejects(
      request('textDocument/prepareRename', {
        textDocument: { uri: authzUri },
        position: pos(authz, 'count(', 1),
      }),
      /builtins cannot be renamed/,
    );
    await assert.rejects(
      request('textDocument/rename', { textDocument: { uri: authzUri }, position, newName: 'not' }),
      /keyword/,
    );
  });

  it('lists document and workspace symbols', async () => {
    const symbols = await request<DocumentSymbol[]>('textDocument/documentSymbol', {
      textDocument: { uri: authzUri },
    });
    assert.equal(symbols[0]?.name, 'api.authz');
    assert.deepEqual(
      [...new Set(symbols[0]?.children?.map((c) => c.name))],
      ['allow', 'can_delete', 'reasons'],
    );
    const found = await request<SymbolInformation[]>('workspace/symbol', { query: 'admin' });
    assert.deepEqual(found.map((s) => `${s.containerName}/${s.name}`).sort(), [
      'api.authz_test/test_admin_allowed',
      'lib.roles/is_admin',
    ]);
  });

  it('gives signature help for user functions and builtins', async () => {
    const user = await request<SignatureHelp>('textDocument/signatureHelp', {
      textDocument: { uri: authzUri },
      position: pos(authz, '"admin")'),
    });
    assert.equal(user.signatures[0]?.label, 'roles.has_role(user, role)');
    assert.equal(user.activeParameter, 1);
    const builtin = await request<SignatureHelp>('textDocument/signatureHelp', {
      textDocument: { uri: authzUri },
      position: pos(authz, '"denied'),
    });
    assert.match(String(builtin.signatures[0]?.label), /^sprintf\(format: string, values: array\[any\]\)/);
    assert.equal(builtin.activeParameter, 0);
  });

  it('shows parameter names as inlay hints', async () => {
    const hints = await request<InlayHint[]>('textDocument/inlayHint', {
      textDocument: { uri: authzUri },
      range: { start: { line: 0, character: 0 }, end: { line: 30, character: 0 } },
    });
    const shown = hints.map((h) => `${h.position.line + 1}:${h.label}`);
    // `input.user` already says `user`: no hint there.
    assert.deepEqual(shown, ['16:role:', '17:collection:', '22:format:', '22:values:']);
  });

  it('folds, expands selections, highlights and colours', async () => {
    const folds = await request<FoldingRange[]>('textDocument/foldingRange', {
      textDocument: { uri: authzUri },
    });
    assert.deepEqual(
      folds.map((f) => `${f.startLine + 1}-${f.endLine + 1}`),
      ['9-13', '15-18', '20-23'],
    );
    const [sel] = await request<SelectionRange[]>('textDocument/selectionRange', {
      textDocument: { uri: authzUri },
      positions: [pos(authz, 'owner_id', 2)],
    });
    const chain: string[] = [];
    for (let s: SelectionRange | undefined = sel; s; s = s.parent)
      chain.push(`${s.range.start.line + 1}:${s.range.start.character + 1}`);
    // owner_id, input.resource.owner_id, the assignment, the body, the rule, the file.
    assert.deepEqual(chain, ['10:26', '10:11', '10:2', '9:10', '9:1', '1:1']);
    const hl = await request<DocumentHighlight[]>('textDocument/documentHighlight', {
      textDocument: { uri: authzUri },
      position: pos(authz, 'owner :=', 1),
    });
    assert.deepEqual(
      hl.map((h) => `${h.range.start.line + 1}:${h.kind}`),
      ['10:3', '11:2'],
    );
    const tokens = await request<SemanticTokens>('textDocument/semanticTokens/full', {
      textDocument: { uri: authzUri },
    });
    // Five integers per token: the package, imports, rule names, calls and locals of the file.
    assert.equal(tokens.data.length % 5, 0);
    assert.ok(tokens.data.length / 5 >= 15);
  });

  it('offers create-test, add-METADATA and add-missing-import actions', async () => {
    const at = pos(authz, 'can_delete', 2);
    const actions = await request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: authzUri },
      range: { start: at, end: at },
      context: { diagnostics: [] },
    });
    assert.deepEqual(
      actions.map((a) => a.title),
      ['Create test for can_delete', 'Add # METADATA to can_delete'],
    );
    const testEdit = JSON.stringify(actions[0]?.edit);
    assert.match(testEdit, /authz_test\.rego/);
    assert.match(testEdit, /test_can_delete if \{\\n\\tdata\.api\.authz\.can_delete with input as \{\}/);
    assert.match(JSON.stringify(actions[1]?.edit), /# METADATA\\n# title: can_delete/);
    // A file that uses `roles.` without importing it.
    const extra = join(root, 'policy', 'api', 'extra.rego');
    const text = 'package api.extra\n\nx if roles.is_admin\n';
    const uri = await openDocument(server, extra, text, 'rego');
    const fix = pos(text, 'roles.', 2);
    const fixes = await request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: fix, end: fix },
      context: { diagnostics: [] },
    });
    const imports = fixes.filter((a) => a.title.startsWith('Add import'));
    assert.deepEqual(
      imports.map((a) => a.title),
      ['Add import data.lib.roles'],
    );
  });

  it('puts Evaluate and Explain lenses on the package and rules', async () => {
    const lenses = await request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: authzUri } });
    const shown = lenses.map(
      (l) => `${l.range.start.line + 1}:${l.command?.title}:${l.command?.arguments?.[1]}`,
    );
    assert.ok(shown.includes('1:▶ Evaluate package:data.api.authz'));
    assert.ok(shown.includes('5:▶ Evaluate:data.api.authz.allow'));
    assert.ok(shown.includes('15:Explain:data.api.authz.can_delete'));
    assert.equal(shown.filter((s) => s.includes('data.api.authz.allow')).length, 2);
  });

  it('evaluates a rule with an input file and explains it', async () => {
    const inputUri = pathToFileURL(join(root, 'policy', 'api', 'input.json')).href;
    const result = await request<EvaluateResponse>('clearance/rego/evaluate', {
      query: 'data.api.authz.allow',
      inputUri,
      explain: true,
    });
    // input.json: user a owns the resource and reads it, and "read" is in data.config.readable.
    assert.equal(result.defined, true);
    assert.equal(result.value, true);
    assert.deepEqual(result.errors, []);
    const trace = result.trace ?? [];
    assert.equal(trace.length, 2);
    assert.equal(trace[0]?.held, false);
    assert.equal(trace[1]?.held, true);
    const reasons = await request<EvaluateResponse>('clearance/rego/evaluate', {
      query: 'data.api.authz.reasons',
      input: { action: 'delete', user: { id: 'b' }, resource: { owner_id: 'a' } },
    });
    assert.deepEqual(reasons.value, ['denied: delete']);
  });

  it('lists the tests by package and file and runs them with failures explained', async () => {
    const listed = await request<ListTestsResponse>('clearance/rego/tests', {});
    assert.deepEqual(
      listed.tests.map((t) => `${t.package}/${t.name}:${t.range.start.line + 1}`),
      [
        'api.authz_test/test_admin_allowed:5',
        'api.authz_test/test_owner_reads:9',
        'api.authz_test/test_stranger_denied:13',
        'api.authz_test/test_count_is_two:17',
      ],
    );
    const run = await request<RunTestsResponse>('clearance/rego/runTests', {});
    const outcome = Object.fromEntries(run.results.map((r) => [r.id.split('.').pop(), r]));
    assert.equal(outcome.test_admin_allowed?.outcome, 'passed');
    assert.equal(outcome.test_owner_reads?.outcome, 'passed');
    assert.equal(outcome.test_stranger_denied?.outcome, 'failed');
    const two = outcome.test_count_is_two;
    assert.equal(two?.outcome, 'failed');
    // count([1, 2, 3]) is 3, so `x == 2` fails with x = 3, on line 19.
    assert.equal(two?.location?.range.start.line, 18);
    assert.deepEqual(two?.values, [
      { label: 'x', value: 3 },
      { label: 'right', value: 2 },
    ]);
    const one = await request<RunTestsResponse>('clearance/rego/runTests', {
      ids: ['data.api.authz_test.test_owner_reads'],
    });
    assert.deepEqual(
      one.results.map((r) => r.outcome),
      ['passed'],
    );
    const pkg = await request<RunTestsResponse>('clearance/rego/runTests', { packages: ['lib'] });
    assert.equal(pkg.results.length, 0);
  });
});

describe('Rego authoring with a configured input schema', () => {
  let root: string;
  let server: TestServer;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'clearance-authoring-schema-'));
    cpSync(fixture, root, { recursive: true });
    rmSync(join(root, 'policy', 'api', 'input.json'));
    // A schema of another input, with a local $ref.
    const schema = {
      type: 'object',
      properties: {
        request: { $ref: '#/definitions/request' },
        tenant: { type: 'string', description: 'The tenant.' },
      },
      definitions: {
        request: { type: 'object', properties: { verb: { type: 'string' }, path: { type: 'string' } } },
      },
    };
    writeFileSync(join(root, 'input.schema.json'), JSON.stringify(schema));
    server = await startServer(root, {
      policy: { paths: ['policy'] },
      authoring: { inputSchema: 'input.schema.json' },
    });
  });

  after(async () => {
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('completes input paths from the configured schema, following $ref', async () => {
    const file = join(root, 'policy', 'api', 'other.rego');
    const text = 'package api.other\n\np if input.request.\n';
    const uri = await openDocument(server, file, text, 'rego');
    const labels = async (character: number) =>
      (
        (await server.connection.sendRequest('textDocument/completion', {
          textDocument: { uri },
          position: { line: 2, character },
        })) as CompletionItem[]
      )
        .map((i) => i.label)
        .sort();
    assert.deepEqual(await labels('p if input.'.length), ['request', 'tenant']);
    assert.deepEqual(await labels('p if input.request.'.length), ['path', 'verb']);
  });
});
