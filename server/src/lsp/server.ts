/**
 * The Clearance language server's entry: it wires LSP handlers to the workspace state and nothing
 * more. Decisions come from the pure core (scanner, identity, engine) through ClearanceWorkspace.
 */
import { join } from 'node:path';
import {
  createConnection,
  DidChangeConfigurationNotification,
  type Hover,
  MessageType,
  ProposedFeatures,
  ShowMessageNotification,
  TextDocumentSyncKind,
  TextDocuments,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { toPath, toUri } from './convert';
import { buildCodeDiagnostics, buildPolicyDiagnostics, findCallAt } from './features';
import { ClearanceWorkspace } from './workspace';

const connection = createConnection(ProposedFeatures.all);
// A failed handler must cost one answer, never the server: log it and go on.
process.on('unhandledRejection', (reason) => {
  connection.console.error(`internal error: ${reason instanceof Error ? reason.message : String(reason)}`);
});
const documents = new TextDocuments(TextDocument);
let workspace: ClearanceWorkspace | undefined;
let policyFilesWithDiagnostics = new Set<string>();
let reloadTimer: NodeJS.Timeout | undefined;
let lastIdentityKey = '';

connection.onInitialize((params) => {
  // Without a folder there is no policy to find: Clearance stays idle rather than walk the disk.
  const folder = params.workspaceFolders?.[0]?.uri ?? params.rootUri ?? undefined;
  const root = folder ? toPath(folder) : undefined;
  if (root) workspace = new ClearanceWorkspace(root, join(__dirname, 'wasm'));
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      executeCommandProvider: { commands: ['clearance.server.refresh'] },
    },
    serverInfo: { name: 'clearance', version: '0.1.0' },
  };
});

connection.onInitialized(async () => {
  await connection.client.register(DidChangeConfigurationNotification.type, { section: 'clearance' });
  await refreshAll();
  // The time left on the token changes every minute, and a token file may be renewed on disk.
  setInterval(() => void refreshIdentity(false), 30_000).unref();
});

/** Pulls settings, re-reads identity and policy, and republishes everything. */
async function refreshAll(): Promise<void> {
  const ws = workspace;
  if (!ws) return;
  const raw: unknown = await connection.workspace.getConfiguration({
    section: 'clearance',
    scopeUri: toUri(ws.root),
  });
  ws.applySettings(raw);
  for (const e of ws.settingErrors) connection.console.warn(e.message);
  ws.reloadPolicy();
  await refreshIdentity(true);
  publishPolicyDiagnostics();
  reportUnplacedPolicyErrors();
}

/** Errors that belong to no file (a policy path that does not exist) go to the output and a notice. */
function reportUnplacedPolicyErrors(): void {
  const unplaced = workspace?.policy?.errors.filter((e) => !e.location) ?? [];
  for (const e of unplaced) connection.console.error(`${e.code}: ${e.message}`);
  if (unplaced.length > 0) {
    // A notification, not a request: the notice needs no answer, and a client without message
    // requests must not be able to fail it.
    void connection.sendNotification(ShowMessageNotification.type, {
      type: MessageType.Warning,
      message: `Clearance: ${unplaced.map((e) => e.message).join('; ')}`,
    });
  }
}

/** Re-resolves the identity; re-decides open documents when it changed (or when `force`). */
async function refreshIdentity(force: boolean): Promise<void> {
  const ws = workspace;
  if (!ws) return;
  if (!(await ws.refreshIdentity())) return;
  const view = ws.describeIdentity(Date.now());
  void connection.sendNotification('clearance/identity', view);
  const key = JSON.stringify([ws.identity.status, ws.identity.user, ws.identity.expiresAt]);
  if (force || key !== lastIdentityKey) {
    lastIdentityKey = key;
    connection.console.info(`identity: ${view.text} (${ws.identity.source.label}, ${ws.identity.status})`);
    ws.invalidateDecisions();
    await publishAllCodeDiagnostics();
  }
}

function publishPolicyDiagnostics(): void {
  const ws = workspace;
  if (!ws?.policy) return;
  const byFile = buildPolicyDiagnostics(ws.policy);
  for (const file of ws.policy.regoFiles) if (!byFile.has(file)) byFile.set(file, []);
  for (const file of policyFilesWithDiagnostics) if (!byFile.has(file)) byFile.set(file, []);
  for (const [file, diagnostics] of byFile)
    void connection.sendDiagnostics({ uri: toUri(file), diagnostics });
  policyFilesWithDiagnostics = new Set([...byFile].filter(([, d]) => d.length > 0).map(([f]) => f));
}

async function publishCodeDiagnostics(uri: string): Promise<void> {
  const ws = workspace;
  const path = toPath(uri);
  if (!ws || !path) return;
  const decided = await ws.decideDocument(path, new Date());
  // An edit that arrived while deciding makes this result stale; the edit publishes its own.
  if (!decided || ws.documents.get(path)?.version !== decided.version) return;
  void connection.sendDiagnostics({
    uri,
    version: decided.version,
    diagnostics: buildCodeDiagnostics(decided, ws.identity, ws.settings),
  });
}

async function publishAllCodeDiagnostics(): Promise<void> {
  for (const doc of documents.all()) await publishCodeDiagnostics(doc.uri);
}

documents.onDidChangeContent(async ({ document }) => {
  const ws = workspace;
  const path = toPath(document.uri);
  if (!ws || !path) return;
  ws.documents.set(path, { path, text: document.getText(), version: document.version });
  if (ws.isPolicyFile(path)) {
    // Typing in a policy re-decides every open file; wait for a pause so each keystroke does not.
    clearTimeout(reloadTimer);
    reloadTimer = setTimeout(() => void reloadPolicyAndRepublish(), 150);
  } else {
    await publishCodeDiagnostics(document.uri);
  }
});

async function reloadPolicyAndRepublish(): Promise<void> {
  workspace?.reloadPolicy();
  publishPolicyDiagnostics();
  reportUnplacedPolicyErrors();
  await publishAllCodeDiagnostics();
}

documents.onDidClose(({ document }) => {
  const ws = workspace;
  const path = toPath(document.uri);
  if (!ws || !path) return;
  ws.documents.delete(path);
  ws.decided.delete(path);
  if (ws.isPolicyFile(path)) void reloadPolicyAndRepublish();
  else void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
});

connection.onDidChangeConfiguration(() => void refreshAll());

connection.onDidChangeWatchedFiles(async ({ changes }) => {
  const ws = workspace;
  if (!ws) return;
  const paths = changes.map((c) => toPath(c.uri)).filter((p): p is string => p !== undefined);
  if (paths.some((p) => ws.isIdentityFile(p))) await refreshIdentity(true);
  if (paths.some((p) => ws.isPolicyFile(p) && !ws.documents.has(p))) await reloadPolicyAndRepublish();
});

connection.onExecuteCommand(async ({ command }) => {
  if (command === 'clearance.server.refresh') await refreshAll();
});

connection.onHover(async ({ textDocument, position }): Promise<Hover | null> => {
  const ws = workspace;
  const path = toPath(textDocument.uri);
  if (!ws || !path) return null;
  const decided = await ws.decideDocument(path, new Date());
  if (!decided) return null;
  const stale =
    ws.policy && ws.policy !== ws.decisionPolicy
      ? `The policy has errors (see the Problems panel): decided with the last version that compiled, ${ws.decisionPolicy?.version}.`
      : undefined;
  return findCallAt(decided.calls, position, ws.identity, stale);
});

documents.listen(connection);
connection.listen();
