/**
 * The Clearance language server in a browser's web worker (vscode.dev, github.dev): the entry of
 * `dist/server/web-server.js`. It wires LSP handlers to `WebWorkspace` and nothing more; messages
 * travel over `postMessage` (`vscode-languageserver/browser`), files through the client's
 * `workspace.fs` (`workspace-files.ts`), wasm from the extension's own URL. The Rego authoring
 * features, lint and formatting, the code lenses and actions (lint's quick fixes among them), test
 * runs and evaluation are the desktop server's own handlers (`../authoring-language.ts`,
 * `../editor-handlers.ts`, `../authoring-running.ts`, `../formatting.ts`), reading the workspace
 * snapshot; with no analysis worker here, tests and evaluations run in this worker under the
 * evaluation limits. Everything sent to the editor passes through `redactTokensInText`, as in the
 * desktop server.
 */
import {
  BrowserMessageReader,
  BrowserMessageWriter,
  CodeActionKind,
  createConnection,
  type Diagnostic,
  DidChangeConfigurationNotification,
  DocumentFormattingRequest,
  FileChangeType,
  type Hover,
  TextDocumentSyncKind,
  TextDocuments,
} from 'vscode-languageserver/browser';
import { TextDocument } from 'vscode-languageserver-textdocument';
import inputSchema from '../../../../schemas/input.schema.json';
import type { SchemaNode } from '../../authoring';
import { CLEARANCE_YAML } from '../../config/clearance-yaml';
import { regoVersionOf } from '../../config/settings';
import { workspaceSnapshot } from '../../files/platform-files.browser';
import { redactTokensInText } from '../../identity';
import { setWasmReader } from '../../scanner/wasm-files.browser';
import {
  authoringCapabilities,
  registerAuthoringLanguage,
  regoCompletion,
  regoCompletionTriggers,
  regoHover,
} from '../authoring-language';
import { AuthoringState } from '../authoring-project';
import { registerAuthoringRequests, regoCodeActions, regoCodeLenses } from '../authoring-running';
import { clientFeaturesOf, minimalClientFeatures } from '../client-features';
import { ConfigDocumentsWatcher, touchesConfigDocuments } from '../config-watch';
import {
  type EditorContext,
  editorCommands,
  executeEditorCommand,
  registerEditorHandlers,
} from '../editor-handlers';
import { describePolicyState, findCallAt, redactDiagnostics } from '../features';
import { formatDocumentEdits, formatTargetFor } from '../formatting';
import { describeIdentityView } from '../identity-view';
import { createProjectConfigPublisher, projectConfigCompletion } from '../project-config';
import { createPolicyDiagnostics, publishCodeDiagnostics as publishDecided } from '../shared-diagnostics';
import type { SharedWorkspace } from '../shared-workspace';
import {
  type ConfigDocuments,
  noConfigDocuments,
  readConfigDocuments,
  type WorkspaceReader,
} from './config-documents';
import {
  type ReadDirectoryParams,
  type ReadDirectoryResult,
  type ReadFileParams,
  type ReadFileResult,
  type ReadWasmParams,
  type ReadWasmResult,
  readDirectoryRequest,
  readFileRequest,
  readWasmRequest,
} from './fs-protocol';
import { toWorkspacePath, toWorkspaceUri, useRootUri } from './uris';
import { WebWorkspace } from './web-workspace';
import { fillSnapshot, isSnapshotFile, readIntoSnapshot } from './workspace-files';

// The worker's global scope (the project's TypeScript settings carry no DOM or WebWorker library).
declare const self: ConstructorParameters<typeof BrowserMessageReader>[0];

const connection = createConnection(new BrowserMessageReader(self), new BrowserMessageWriter(self));
const documents = new TextDocuments(TextDocument);
// The extension's wasm at a URL the worker cannot fetch (code-server's `vscode-remote:`) comes
// through the client, which reads only its own extension's files.
setWasmReader(async (uri) => {
  const read = await connection.sendRequest<ReadWasmResult>(readWasmRequest, {
    uri,
  } satisfies ReadWasmParams);
  if ('error' in read) throw new Error(`cannot load ${uri}: ${read.error}`);
  return Uint8Array.from(atob(read.base64), (c) => c.charCodeAt(0));
});
let workspace: WebWorkspace | undefined;
let rootUri = '';
let richHovers = false;
let pullSettings = false;
let pushedSettings: unknown;
let policyTimer: ReturnType<typeof setTimeout> | undefined;
let markReady: () => void = () => undefined;
const ready = new Promise<void>((resolve) => {
  markReady = resolve;
});
/** The web workspace, as the shared handlers read it (`SharedWorkspace`, which it implements). */
const sharedWorkspace = (): SharedWorkspace | undefined => workspace;
/**
 * The Rego authoring features' project, as on the desktop: the policy's sources, open `.rego`
 * documents and example inputs, read from the snapshot (`node:fs` is the snapshot in this build).
 */
const authoring = new AuthoringState(documents, sharedWorkspace, '', ready);
/** The code lenses and actions, as on the desktop; `client` is what the editor declares at initialize. */
const editor: EditorContext = {
  workspace: sharedWorkspace,
  ready,
  client: minimalClientFeatures,
  rego: {
    codeLenses: (uri) => regoCodeLenses(authoring, uri),
    codeActions: (uri, range) => regoCodeActions(authoring, uri, range),
  },
};
/** The client registers capabilities dynamically: formatting is registered for `.rego` alone. */
let formatRegoOnly = false;
/** Whether the client watches files the server names (the documents `.clearance.yaml` names). */
let watchDynamically = false;
/** The documents the last good read of `.clearance.yaml` named, and the watcher of their files. */
let configDocuments: ConfigDocuments = noConfigDocuments;
/** Asks the client to watch the documents' files (it watches policy files only by itself). */
const configWatcher = new ConfigDocumentsWatcher(connection, () => watchDynamically);
/** Loads of `.clearance.yaml` run one after another: each parses what the reads before it left. */
let configLoads: Promise<void> = Promise.resolve();
/** The client's file requests, as `config-documents.ts` asks them. */
const clientFiles: WorkspaceReader = {
  readDirectory: (path) =>
    connection.sendRequest<ReadDirectoryResult>(readDirectoryRequest, {
      uri: toWorkspaceUri(path),
    } satisfies ReadDirectoryParams),
  readFile: (path, limitBytes) =>
    connection.sendRequest<ReadFileResult>(readFileRequest, {
      uri: toWorkspaceUri(path),
      limitBytes,
    } satisfies ReadFileParams),
};

/** Writes to the output channel, with anything token-like blanked out. */
function log(level: 'info' | 'warn' | 'error', text: string): void {
  connection.console[level](redactTokensInText(text));
}

/** Publishes diagnostics with anything token-like blanked out of their messages. */
function publish(uri: string, diagnostics: Diagnostic[], version?: number): void {
  const clean = redactDiagnostics(diagnostics);
  void connection.sendDiagnostics({ uri, diagnostics: clean, ...(version === undefined ? {} : { version }) });
}

connection.onInitialize((params) => {
  const folder = params.workspaceFolders?.[0]?.uri ?? params.rootUri ?? undefined;
  const options = params.initializationOptions as
    | { wasmUrl?: unknown; richHovers?: unknown; settings?: unknown }
    | undefined;
  if (folder && typeof options?.wasmUrl === 'string') {
    rootUri = folder;
    workspace = new WebWorkspace(useRootUri(folder), workspaceSnapshot, options.wasmUrl);
  }
  richHovers = options?.richHovers === true;
  pushedSettings = options?.settings;
  pullSettings = params.capabilities.workspace?.configuration === true;
  editor.client = clientFeaturesOf(params);
  formatRegoOnly = params.capabilities.textDocument?.formatting?.dynamicRegistration === true;
  watchDynamically = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      completionProvider: { triggerCharacters: regoCompletionTriggers },
      // As on the desktop: registered for `.rego` when the client can, so no other language gets it.
      ...(formatRegoOnly ? {} : { documentFormattingProvider: true }),
      codeLensProvider: { resolveProvider: false },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      executeCommandProvider: { commands: ['clearance.server.refresh', ...editorCommands] },
      ...authoringCapabilities,
    },
    serverInfo: { name: 'clearance (web)', version: CLEARANCE_VERSION },
  };
});

declare const CLEARANCE_VERSION: string;

connection.onInitialized(async () => {
  if (pullSettings)
    connection.client
      .register(DidChangeConfigurationNotification.type, { section: 'clearance' })
      .catch(() => undefined);
  if (formatRegoOnly)
    connection.client
      .register(DocumentFormattingRequest.type, { documentSelector: [{ language: 'rego' }] })
      .catch(() => undefined);
  await refreshAll();
});

/** Pulls settings, reads the workspace's policy files, resolves the identity, republishes. */
async function refreshAll(): Promise<void> {
  const ws = workspace;
  if (!ws) return;
  const raw = pullSettings
    ? await connection.workspace
        .getConfiguration({ section: 'clearance', scopeUri: rootUri })
        .catch(() => pushedSettings)
    : pushedSettings;
  ws.applySettings(raw);
  for (const e of ws.settingErrors) log('warn', e.message);
  try {
    const report = await fillSnapshot(connection, ws.root, workspaceSnapshot);
    log('info', `web: read ${report.files} policy files through the editor's file system`);
    for (const problem of report.problems) log('warn', `web: ${problem}`);
  } catch (error) {
    // Hovers wait for readiness: a walk the client could not answer must not hold them forever.
    log('error', `web: could not read the workspace: ${(error as Error).message}`);
  }
  await applyInputSchema(ws);
  // The walk cleared the snapshot: the documents `.clearance.yaml` names are read again.
  await loadProjectConfig(ws, true);
  ws.reloadPolicy();
  await refreshIdentity();
  publishPolicyDiagnostics();
  markReady();
  await publishAllCodeDiagnostics();
}

/**
 * Gives the authoring features their input schema: `clearance.authoring.inputSchema` (a workspace
 * file, read through the client) or else Clearance's own, which is bundled into this worker.
 */
async function applyInputSchema(ws: WebWorkspace): Promise<void> {
  const setting = ws.settings.authoring.inputSchema.trim();
  if (setting === '') {
    // Forgets a schema file set before, so setting it again reads it again.
    authoring.applySettings('', ws.root);
    authoring.project.inputSchema = inputSchema as SchemaNode;
    return;
  }
  const path = setting.startsWith('/') ? setting : `${ws.root === '/' ? '' : ws.root}/${setting}`;
  if (ws.contains(path)) await readIntoSnapshot(connection, path, workspaceSnapshot);
  authoring.applySettings(path, ws.root);
}

/**
 * Reads `.clearance.yaml` (the open document's text, or the snapshot's) with the documents it names
 * (read through the client first; again only when it names others or `reread`, after a file event)
 * and publishes its problems, as the desktop does. Loads are queued: one that started later never
 * parses before the reads of an earlier one have landed.
 */
function loadProjectConfig(ws: WebWorkspace, reread = false): Promise<void> {
  const load = configLoads.then(() => loadProjectConfigNow(ws, reread));
  configLoads = load.catch(() => undefined);
  return load;
}

async function loadProjectConfigNow(ws: WebWorkspace, reread: boolean): Promise<void> {
  const text = ws.projectConfigText();
  let named = configDocuments;
  if (text !== undefined) {
    try {
      named = await readConfigDocuments(
        clientFiles,
        ws.root,
        text,
        workspaceSnapshot,
        reread ? undefined : named,
      );
    } catch (error) {
      // A client that cannot answer leaves the documents unread; the core then reports them missing.
      log('error', `web: could not read the documents ${CLEARANCE_YAML} names: ${(error as Error).message}`);
    }
  }
  configDocuments = named;
  ws.loadProjectConfig();
  projectConfigPublisher.publish(ws);
  configWatcher.watch(named);
}

/** Re-resolves the identity and tells the client's status bar. */
async function refreshIdentity(): Promise<void> {
  const ws = workspace;
  if (!ws || !(await ws.refreshIdentity())) return;
  const view = describeIdentityView(ws.identity, Date.now());
  void connection.sendNotification('clearance/identity', {
    ...view,
    text: redactTokensInText(view.text),
    tooltip: redactTokensInText(view.tooltip),
  });
  log('info', `identity: ${view.text} (${ws.identity.source.label}, ${ws.identity.status})`);
}

/** Publishes the problems of `.clearance.yaml` and of the documents it names, or clears them. */
const projectConfigPublisher = createProjectConfigPublisher((path, diagnostics) =>
  publish(toWorkspaceUri(path), diagnostics),
);

/** Publishes the policy's errors by file, and the parse errors of open `.rego` files outside it. */
const publishPolicyFiles = createPolicyDiagnostics(publish);

/** Publishes the policy's diagnostics (and lint) from the last load. */
function publishPolicyDiagnostics(): void {
  if (workspace) publishPolicyFiles(workspace, authoring);
}

/** Decides an open code document and publishes its diagnostics. */
async function publishCodeDiagnostics(uri: string): Promise<void> {
  const ws = workspace;
  if (!ws || uri.endsWith('.rego')) return;
  // Policy data, example inputs and `.clearance.yaml` are not code: their diagnostics are their own.
  if (isSnapshotFile(toWorkspacePath(uri, rootUri)?.split('/').pop() ?? '')) return;
  await ready;
  await publishDecided(ws, uri, publish);
}

async function publishAllCodeDiagnostics(): Promise<void> {
  for (const doc of documents.all()) await publishCodeDiagnostics(doc.uri);
}

/** Recompiles the policy after a pause in typing, then republishes everything that depends on it. */
function schedulePolicyReload(): void {
  clearTimeout(policyTimer);
  policyTimer = setTimeout(() => {
    workspace?.reloadPolicy();
    publishPolicyDiagnostics();
    void publishAllCodeDiagnostics();
  }, 150);
}

documents.onDidChangeContent(async ({ document }) => {
  const ws = workspace;
  const path = toWorkspacePath(document.uri, rootUri);
  if (!ws || !path) return;
  ws.documents.set(path, { path, text: document.getText(), version: document.version });
  await ready;
  if (path === ws.projectConfigPath) {
    await loadProjectConfig(ws);
    await publishAllCodeDiagnostics();
  } else if (isSnapshotFile(path.split('/').pop() ?? '')) schedulePolicyReload();
  else await publishCodeDiagnostics(document.uri);
});

documents.onDidClose(({ document }) => {
  const ws = workspace;
  const path = toWorkspacePath(document.uri, rootUri);
  if (!ws || !path) return;
  ws.close(path);
  // The file as saved counts again.
  if (path === ws.projectConfigPath) void loadProjectConfig(ws).then(publishAllCodeDiagnostics);
  if (isSnapshotFile(path.split('/').pop() ?? '')) schedulePolicyReload();
  // A document `.clearance.yaml` names keeps its problems (an editor that syncs every file).
  else if (projectConfigPublisher.owns(path)) projectConfigPublisher.publish(ws);
  else publish(document.uri, []);
});

connection.onDidChangeWatchedFiles(async ({ changes }) => {
  const ws = workspace;
  if (!ws) return;
  let policyChanged = false;
  let documentsChanged = false;
  for (const change of changes) {
    const path = toWorkspacePath(change.uri, rootUri);
    if (!path || !ws.contains(path)) continue;
    if (touchesConfigDocuments(configDocuments, path)) {
      documentsChanged = true;
      // Read again below with the rest of what `.clearance.yaml` names; a deleted one is gone.
      if (change.type === FileChangeType.Deleted) workspaceSnapshot.delete(path);
    }
    if (!isSnapshotFile(path.split('/').pop() ?? '')) continue;
    policyChanged = true;
    await readIntoSnapshot(connection, path, workspaceSnapshot);
  }
  if (!policyChanged && !documentsChanged) return;
  await loadProjectConfig(ws, documentsChanged);
  if (policyChanged) schedulePolicyReload();
  else await publishAllCodeDiagnostics();
});

connection.onDidChangeConfiguration(({ settings }) => {
  const section = (settings as { clearance?: unknown } | null)?.clearance;
  if (section !== undefined) pushedSettings = section;
  void refreshAll();
});

/** The editor's sign-in hands over its ID token; it stays in memory in the worker and is never logged. */
connection.onNotification('clearance/session', async (params: unknown) => {
  const token =
    typeof params === 'object' && params !== null && 'token' in params && typeof params.token === 'string'
      ? params.token
      : undefined;
  workspace?.setSessionToken(token);
  log('info', token === undefined ? 'sign-in session: none' : 'sign-in session: received');
  await ready;
  await refreshIdentity();
  await publishAllCodeDiagnostics();
});

connection.onExecuteCommand(async ({ command, arguments: args }) => {
  if (command === 'clearance.server.refresh') return void (await refreshAll());
  return (await executeEditorCommand(connection, editor, command, args ?? [])).result;
});

registerAuthoringLanguage(connection, authoring);
registerAuthoringRequests(connection, authoring, ready);
registerEditorHandlers(connection, editor);

connection.onHover(async ({ textDocument, position }): Promise<Hover | null> => {
  const rego = await regoHover(authoring, textDocument.uri, position);
  if (rego !== undefined) return rego;
  const ws = workspace;
  const path = toWorkspacePath(textDocument.uri, rootUri);
  if (!ws || !path || !ws.contains(path) || path.endsWith('.rego')) return null;
  await ready;
  const decided = await ws.decideDocument(path, new Date());
  if (!decided) return null;
  const note = describePolicyState(ws.policy, ws.decisionPolicy, ws.hasPolicy());
  const hover = findCallAt(decided.calls, position, ws.identity, note, undefined, {
    html: richHovers,
    commands: richHovers,
    uri: textDocument.uri,
  });
  if (!hover || typeof hover.contents !== 'object' || !('value' in hover.contents)) return hover;
  return { ...hover, contents: { ...hover.contents, value: redactTokensInText(hover.contents.value) } };
});

connection.onCompletion(async ({ textDocument, position }) => {
  const rego = await regoCompletion(authoring, textDocument.uri, position);
  if (rego !== undefined) return rego;
  // `.clearance.yaml`: its keys and values, as on the desktop.
  const ws = workspace;
  const path = toWorkspacePath(textDocument.uri, rootUri);
  const document = documents.get(textDocument.uri);
  if (!ws || !path || !document) return null;
  return projectConfigCompletion(ws, path, document.getText(), document.offsetAt(position)) ?? null;
});

connection.onDocumentFormatting(({ textDocument }) => {
  const document = documents.get(textDocument.uri);
  if (!document || !textDocument.uri.endsWith('.rego')) return [];
  const version = workspace ? regoVersionOf(workspace.settings.policy.regoVersion) : 1;
  return formatDocumentEdits(document.getText(), formatTargetFor(version));
});

documents.listen(connection);
connection.listen();
