/**
 * The Clearance language server's entry: it wires LSP handlers to the workspace state and nothing
 * more; each feature is a factory in its own file. Decisions come from the pure core (scanner,
 * identity, engine) through ClearanceWorkspace; everything sent to the editor passes through
 * `redactTokensInText` on the way out.
 */
import { createConnection, ProposedFeatures, TextDocuments } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { regoVersionOf } from '../config/settings';
import { clearIdentityCaches } from '../identity';
import { registerAuthoringLanguage } from './authoring-language';
import { registerAuthoringRequests } from './authoring-running';
import { registerHoverAndCompletion } from './code-hover';
import { registerDocumentEvents } from './document-events';
import { executeEditorCommand, registerEditorHandlers } from './editor-handlers';
import { formatDocumentEdits, formatTargetFor } from './formatting';
import { registerInitialize } from './initialize';
import { createDiagnosticsPublisher } from './publish-diagnostics';
import { createRefresher } from './refresh';
import { createServerState } from './server-state';
import { describeEntrypoints } from './setup-notices';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const state = createServerState(connection, documents);
const publisher = createDiagnosticsPublisher(state);
const refresher = createRefresher(state, publisher);
const { ready, log } = state;

// A failed handler must cost one answer, never the server: log it and go on.
process.on('unhandledRejection', (reason) => {
  log('error', `internal error: ${reason instanceof Error ? reason.message : String(reason)}`);
});

registerInitialize(state, refresher);
registerDocumentEvents(state, publisher, refresher);

connection.onDidChangeConfiguration(({ settings }) => {
  state.clientSettings.push(settings);
  void refresher.refreshAll();
});

connection.onNotification('clearance/workspaceTrust', (params: { trusted?: unknown }) => {
  if (!state.workspace || typeof params?.trusted !== 'boolean') return;
  state.workspace.trusted = params.trusted;
  void refresher.refreshAll();
});

/**
 * The editor's sign-in hands over its ID token when it starts, signs in or out, or refreshes. The
 * token stays in memory in the workspace; only the fact that a session came or went is logged.
 */
connection.onNotification('clearance/session', async (params: unknown) => {
  const token =
    typeof params === 'object' && params !== null && 'token' in params && typeof params.token === 'string'
      ? params.token
      : undefined;
  const ws = state.workspace;
  if (!ws) return;
  ws.setSessionToken(token);
  log('info', token === undefined ? 'sign-in session: none' : 'sign-in session: received');
  await ready;
  await refresher.refreshIdentity(false);
});

/** "Evaluate as" from the editor's state: a claims file, or null to stop. */
connection.onNotification('clearance/evaluateAs', async (params: { file?: unknown }) => {
  const ws = state.workspace;
  if (!ws) return;
  ws.evaluateAs = typeof params?.file === 'string' && params.file !== '' ? params.file : undefined;
  await ready;
  await refresher.refreshIdentity(false);
});

connection.onRequest('clearance/entrypoints', async () => {
  await ready;
  return state.workspace ? describeEntrypoints(state.workspace) : null;
});

connection.onRequest('clearance/bundles', async () =>
  state.bundleController ? state.bundleController.status() : { bundles: [] },
);

connection.onRequest('clearance/permissions', async () => {
  await ready;
  return state.indexer ? state.indexer.describePermissions() : null;
});

connection.onExecuteCommand(async ({ command, arguments: args }) => {
  if (command === 'clearance.server.refresh') {
    // An explicit refresh follows a new login or a rotated key: ask the token command and the
    // provider again instead of reusing what was cached.
    clearIdentityCaches();
    return void (await refresher.refreshAll());
  }
  // A full rescan that re-parses every file, e.g. after a branch switch the watcher missed.
  if (command === 'clearance.server.reindex') return void (await state.indexer?.startScan(true));
  const { result } = await executeEditorCommand(connection, state.editor, command, args ?? []);
  return result;
});

registerEditorHandlers(connection, state.editor);
registerAuthoringLanguage(connection, state.authoring);
registerAuthoringRequests(connection, state.authoring, ready);
registerHoverAndCompletion(state, publisher);
// Audit records are written asynchronously: the last ones are on disk before the server answers shutdown.
connection.onShutdown(() => publisher.flushAudit());

connection.onDocumentFormatting(({ textDocument }) => {
  const document = documents.get(textDocument.uri);
  if (!document || !textDocument.uri.endsWith('.rego')) return [];
  const version = state.workspace ? regoVersionOf(state.workspace.settings.policy.regoVersion) : 1;
  return formatDocumentEdits(document.getText(), formatTargetFor(version));
});

documents.listen(connection);
connection.listen();
