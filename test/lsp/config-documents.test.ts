/**
 * The documents `.clearance.yaml` names, in the desktop language server over stdio: the server asks
 * the editor to watch them, and a change, creation or deletion of one re-decides the open code
 * without `.clearance.yaml` being touched. The workspace is test/fixtures/lsp/config-documents (a
 * copy); its expectations are read from its files: policy/authz.rego refuses the actions
 * `voidInvoice`, `purge` and `refund`, src/billing.ts calls the generated client's `voidInvoice`
 * (line 8) and the hook of the `RefundPayment` mutation (line 12), src/jobs.ts (never opened: only
 * the workspace index sees it) calls `voidInvoice` too, and `.clearance.yaml` maps
 * `mutation refundPayment` to `refund`. A document that does not parse is a `config_error` in the
 * document at its line and column; one missing or too large is a `config_error` on `.clearance.yaml`
 * at the entry that names it; the last good configuration stays in force meanwhile.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import type { PermissionsResponse } from '../../server/src/lsp/clearance-protocol';
import {
  changeDocument,
  hoverText,
  openDocument,
  startServer,
  type TestServer,
  until,
  untilAnswer,
} from './lsp-client';

const fixture = join(__dirname, '..', 'fixtures', 'lsp', 'config-documents');

/** The 0-based lines of src/billing.ts's two calls, and a column inside each callee. */
const VOID_CALL = { line: 7, character: 20 };
const REFUND_CALL = { line: 11, character: 22 };

/** `workspace/didChangeWatchedFiles` types. */
const CREATED = 1;
const CHANGED = 2;
const DELETED = 3;

describe('language server: the documents .clearance.yaml names are watched', () => {
  let root: string;
  let server: TestServer;
  let codeUri: string;
  let configUri: string;
  const denied = (diagnostics: Diagnostic[] | undefined) =>
    (diagnostics ?? [])
      .filter((d) => d.code === 'call_denied')
      .map((d) => `${d.range.start.line}:${d.message}`);
  const deniedLines = () => denied(server.diagnostics.get(codeUri)).map((d) => Number(d.split(':')[0]));
  /** The `config_error`s shown on `file` (`.clearance.yaml` unless told). */
  const configErrors = (file = '.clearance.yaml') =>
    (server.diagnostics.get(pathToFileURL(join(root, file)).href) ?? []).filter(
      (d) => d.code === 'config_error',
    );
  /**
   * The 0-based range of `entry` where the fixture's `.clearance.yaml` lists it (the oracle: its
   * text; the first line that is not a comment and holds it).
   */
  const entryRange = (entry: string) => {
    const lines = readFileSync(join(fixture, '.clearance.yaml'), 'utf8').split('\n');
    const line = lines.findIndex((text) => !text.trimStart().startsWith('#') && text.includes(entry));
    const character = (lines[line] ?? '').indexOf(entry);
    return { start: { line, character }, end: { line, character: character + entry.length } };
  };
  /** Writes (or deletes, with `text` undefined) a workspace file and tells the server as the editor would. */
  const edit = async (file: string, text: string | undefined, type = CHANGED) => {
    const path = join(root, file);
    if (text === undefined) rmSync(path);
    else {
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, text);
    }
    await server.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: pathToFileURL(path).href, type: text === undefined ? DELETED : type }],
    });
  };
  /** The workspace index's calls, as `resource action:verdict file...`. */
  const indexed = async () => {
    const report = (await server.connection.sendRequest('clearance/permissions')) as PermissionsResponse;
    return report.resources.flatMap((resource) =>
      resource.actions.flatMap((action) =>
        action.decisions.map(
          (decision) =>
            `${resource.resource} ${action.action}:${decision.verdict} ${decision.locations
              .map((location) => location.uri.split('/').pop())
              .sort()
              .join(' ')}`,
        ),
      ),
    );
  };
  /**
   * Waits for the index to list `expected` (it re-scans or re-decides after a pause): asked again
   * after each thing the server says (`clearance/permissionsChanged`, its log), never on a timer.
   */
  const indexLists = async (expected: string[]) => {
    let found: string[] = [];
    await untilAnswer(
      server,
      `the index to list ${JSON.stringify(expected)}`,
      async () => {
        found = await indexed();
        return JSON.stringify(found) === JSON.stringify(expected) || undefined;
      },
      undefined,
      () => `it lists ${JSON.stringify(found)}`,
    );
  };
  const hoverAt = (at: { line: number; character: number }) =>
    hoverText(server, codeUri, at.line, at.character).then((text) => text ?? '');
  const openapi = (operation: string) =>
    readFileSync(join(fixture, 'api', 'billing.yaml'), 'utf8').replace(
      '      operationId: voidInvoice\n',
      operation,
    );

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'clearance-lsp-documents-'));
    cpSync(fixture, root, { recursive: true });
    server = await startServer(root, {
      policy: { paths: ['policy'] },
      // The policy does not look at who asks.
      identity: { anonymous: true },
      diagnostics: { conditionalSeverity: 'none' },
    });
    configUri = pathToFileURL(join(root, '.clearance.yaml')).href;
    const code = join(root, 'src', 'billing.ts');
    codeUri = await openDocument(server, code, readFileSync(code, 'utf8'), 'typescript');
  });

  after(async () => {
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('asks the editor to watch the OpenAPI document and the GraphQL folder', async () => {
    const watchers = await until(server, 'a file watcher registration', () =>
      server.registrations.find((r) => r.method === 'workspace/didChangeWatchedFiles'),
    );
    assert.deepEqual((watchers.registerOptions as { watchers: Array<{ globPattern: string }> }).watchers, [
      { globPattern: '**/*.gql' },
      { globPattern: '**/*.graphql' },
      { globPattern: '**/billing.yaml' },
    ]);
  });

  it('decides the calls with the documents as first read', async () => {
    await until(server, 'both calls denied', () => (deniedLines().join() === '7,11' ? true : undefined));
    assert.match(await hoverAt(VOID_CALL), /may not `voidInvoice` invoice/);
    assert.match(await hoverAt(VOID_CALL), /operation `voidInvoice` of api\/billing\.yaml/);
    assert.match(await hoverAt(REFUND_CALL), /may not `refund` payment/);
    await indexLists(['invoice voidInvoice:denied billing.ts jobs.ts', 'payment refund:denied billing.ts']);
  });

  it("re-decides when the OpenAPI operation's action changes in the document", async () => {
    await edit(
      'api/billing.yaml',
      openapi('      operationId: voidInvoice\n      x-clearance: { action: archive }\n'),
    );
    await until(server, 'the void call allowed as archive', () =>
      deniedLines().join() === '11' ? true : undefined,
    );
    assert.match(await hoverAt(VOID_CALL), /archive/);
    await edit(
      'api/billing.yaml',
      openapi('      operationId: voidInvoice\n      x-clearance: { action: purge }\n'),
    );
    const purged = await until(server, 'the void call denied as purge', () =>
      denied(server.diagnostics.get(codeUri)).find((d) => d.startsWith('7:') && d.includes('purge')),
    );
    assert.ok(purged);
  });

  it('stops finding the call when its operation is renamed, and finds it again when renamed back', async () => {
    await edit('api/billing.yaml', openapi('      operationId: cancelInvoice\n'));
    await until(server, 'no call on line 8', () => (deniedLines().join() === '11' ? true : undefined));
    assert.doesNotMatch(await hoverAt(VOID_CALL), /voidInvoice|cancelInvoice/);
    await indexLists(['payment refund:denied billing.ts']);
    await edit('api/billing.yaml', openapi('      operationId: voidInvoice\n'));
    await until(server, 'the void call denied again', () =>
      deniedLines().join() === '7,11' ? true : undefined,
    );
    await indexLists(['invoice voidInvoice:denied billing.ts jobs.ts', 'payment refund:denied billing.ts']);
  });

  it('reports a broken OpenAPI document at its line and column, and keeps the last good configuration', async () => {
    await edit('api/billing.yaml', 'openapi: 3.0.3\npaths:\n  /invoices/{invoiceId}: [\n    delete\n');
    const [error] = await until(server, 'the config_error', () =>
      configErrors('api/billing.yaml').length > 0 ? configErrors('api/billing.yaml') : undefined,
    );
    assert.match(
      String(error?.message),
      /^openapi api\/billing\.yaml: not YAML or JSON: .* at line 5, column 1/,
    );
    // The unclosed flow sequence ends at the end of the text: line 5, column 1, as the message says.
    assert.deepEqual(error?.range.start, { line: 4, character: 0 });
    assert.deepEqual(configErrors(), []);
    // Still decided with the document as it last read whole.
    assert.match(await hoverAt(VOID_CALL), /voidInvoice/);
    assert.deepEqual(deniedLines(), [7, 11]);
    await edit('api/billing.yaml', openapi('      operationId: voidInvoice\n'));
    await until(server, 'the error cleared', () =>
      configErrors('api/billing.yaml').length === 0 ? true : undefined,
    );
  });

  it('reports a deleted OpenAPI document at its entry in .clearance.yaml, and reads it again once it is back', async () => {
    const away = join(root, 'billing.yaml.away');
    renameSync(join(root, 'api', 'billing.yaml'), away);
    await server.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: pathToFileURL(join(root, 'api', 'billing.yaml')).href, type: DELETED }],
    });
    const [error] = await until(server, 'the config_error', () =>
      configErrors().length > 0 ? configErrors() : undefined,
    );
    assert.equal(error?.message, 'openapi api/billing.yaml: does not exist');
    assert.deepEqual(error?.range, entryRange('api/billing.yaml'));
    renameSync(away, join(root, 'api', 'billing.yaml'));
    await server.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: pathToFileURL(join(root, 'api', 'billing.yaml')).href, type: CREATED }],
    });
    await until(server, 'the error cleared', () => (configErrors().length === 0 ? true : undefined));
  });

  it('reads no document again while typing in .clearance.yaml names the same ones', async () => {
    const text = readFileSync(join(root, '.clearance.yaml'), 'utf8');
    // Changed on disk with no event: only a read of the document would see it.
    writeFileSync(
      join(root, 'api', 'billing.yaml'),
      openapi('      operationId: voidInvoice\n      x-clearance: { action: read }\n'),
    );
    await openDocument(server, join(root, '.clearance.yaml'), text, 'yaml');
    const published = () => server.transcript.filter((line) => line.includes(configUri)).length;
    const before = published();
    await changeDocument(server, configUri, 2, `${text}# typed\n`);
    await until(server, 'the typed text checked', () => (published() > before ? true : undefined));
    assert.match(await hoverAt(VOID_CALL), /voidInvoice/);
    assert.deepEqual(deniedLines(), [7, 11]);
    // The event is what reads it again.
    await edit('api/billing.yaml', readFileSync(join(root, 'api', 'billing.yaml'), 'utf8'));
    await until(server, 'the void call allowed as read', () =>
      deniedLines().join() === '11' ? true : undefined,
    );
    await server.connection.sendNotification('textDocument/didClose', { textDocument: { uri: configUri } });
  });

  it('reads the documents again when .clearance.yaml is saved, for an editor that watches none', async () => {
    writeFileSync(join(root, 'api', 'billing.yaml'), openapi('      operationId: voidInvoice\n'));
    await server.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: configUri, type: CHANGED }],
    });
    await until(server, 'the void call denied again', () =>
      deniedLines().join() === '7,11' ? true : undefined,
    );
  });

  it("re-decides when a GraphQL operation's root field changes, and reports a broken document at its line", async () => {
    const document = join('src', 'queries', 'payments.graphql');
    await edit(document, 'mutation RefundPayment($id: ID!) {\n  issueRefund(id: $id) { id }\n}\n');
    await until(server, 'the refund no longer mapped', () => (deniedLines().includes(11) ? undefined : true));
    assert.match(await hoverAt(REFUND_CALL), /may `mutation` issueRefund/);
    await edit(document, 'mutation RefundPayment($id: ID!) {\n  refundPayment(id: ) { id }\n}\n');
    const [error] = await until(server, 'the config_error', () =>
      configErrors(document).length > 0 ? configErrors(document) : undefined,
    );
    assert.match(
      String(error?.message),
      /^graphql src\/queries\/payments\.graphql: not a GraphQL document: Syntax Error/,
    );
    // `refundPayment(id: )`: the `)` where a value is expected, line 2, column 21.
    assert.deepEqual(error?.range.start, { line: 1, character: 20 });
    assert.deepEqual(configErrors(), []);
    // The last good documents stay in force: the field is still issueRefund.
    assert.ok(!deniedLines().includes(11));
    await edit(document, undefined);
    await edit(
      join('src', 'queries', 'more', 'refunds.gql'),
      readFileSync(join(fixture, document), 'utf8'),
      CREATED,
    );
    await until(server, 'the refund mapped again from the new file', () =>
      deniedLines().includes(11) && configErrors().length === 0 ? true : undefined,
    );
    assert.match(await hoverAt(REFUND_CALL), /may not `refund` payment/);
    // The deleted document's error is cleared with it.
    assert.deepEqual(configErrors(document), []);
  });

  it('reports a GraphQL document over the size limit at the documents entry that names its folder', async () => {
    const large = join('src', 'queries', 'large.graphql');
    // Over the 1,000,000-byte limit of docs/clearance-yaml.md: comments only, so not a parse problem.
    await edit(large, `# padding\n`.repeat(110_000), CREATED);
    const [error] = await until(server, 'the config_error', () =>
      configErrors().length > 0 ? configErrors() : undefined,
    );
    assert.match(String(error?.message), /^graphql src\/queries\/large\.graphql: .*(large|over|limit)/i);
    assert.deepEqual(error?.range, entryRange('src/queries'));
    assert.deepEqual(configErrors(large), []);
    await edit(large, undefined);
    await until(server, 'the error cleared', () => (configErrors().length === 0 ? true : undefined));
  });
});
