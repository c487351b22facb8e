/**
 * The server's start: `initialize` makes the workspace for the client's first folder (with its
 * bundle and index controllers) and answers the capabilities; `initialized` registers what the
 * client registers dynamically, loads everything once and starts the index scan.
 */
import { join } from 'node:path';
import {
  CodeActionKind,
  type Connection,
  DidChangeConfigurationNotification,
  DocumentFormattingRequest,
  type InitializeParams,
  type InitializeResult,
  TextDocumentSyncKind,
} from 'vscode-languageserver/node';
import { authoringCapabilities, regoCompletionTriggers } from './authoring-language';
import { createBundleController } from './bundle-controller';
import { ClientSettings, clientFeaturesOf } from './client-features';
import { toPath } from './convert';
import { editorCommands } from './editor-handlers';
import { IndexController } from './index-controller';
import type { Refresher } from './refresh';
import type { ServerState } from './server-state';
import { ClearanceWorkspace } from './workspace';

/** The commands the server itself runs (besides the editor features' commands). */
export const serverCommands = ['clearance.server.refresh', 'clearance.server.reindex'];

/** Registers the `initialize` and `initialized` handlers. */
export function registerInitialize(state: ServerState, refresher: Refresher): void {
  const { connection, log } = state;
  connection.onInitialize((params) => initialize(state, refresher, params));

  connection.onInitialized(async () => {
    // Register only what the client said it supports, and never let readiness wait on the answer: a
    // client that refuses a registration still gets every decision (settings then arrive pushed).
    const refused = (error: unknown) =>
      log('warn', `the editor refused a registration: ${(error as Error).message}`);
    if (state.editor.client.configurationRegistration) {
      connection.client
        .register(DidChangeConfigurationNotification.type, { section: 'clearance' })
        .catch(refused);
    }
    if (state.formatRegoOnly)
      connection.client
        .register(DocumentFormattingRequest.type, { documentSelector: [{ language: 'rego' }] })
        .catch(refused);
    await refresher.refreshAll();
    void state.indexer?.startScan();
    watchFolders(connection, state);
    // The time left on the token changes every minute, and a token file may be renewed on disk.
    setInterval(() => void refresher.refreshIdentity(false), 30_000).unref();
  });
}

function initialize(state: ServerState, refresher: Refresher, params: InitializeParams): InitializeResult {
  const { connection, log } = state;
  // Without a folder there is no policy to find: Clearance stays idle rather than walk the disk.
  const folder = params.workspaceFolders?.[0]?.uri ?? params.rootUri ?? undefined;
  const root = folder ? toPath(folder) : undefined;
  const workspace = root
    ? new ClearanceWorkspace(root, join(__dirname, 'wasm'), (m) => log('warn', m))
    : undefined;
  state.workspace = workspace;
  if (workspace) {
    // A policy load that ran in the worker ended (or was stopped): republish what depends on it.
    workspace.onPolicySettled = () => void refresher.settlePolicy();
    state.bundleController = createBundleController(workspace, {
      log,
      onChange: () => void refresher.reloadPolicyAndRepublish(false),
      onStatus: (status) => void connection.sendNotification('clearance/bundles', status),
    });
  }
  // The client says whether VS Code trusts the folder; see docs/identity.md for what that changes.
  const options = params.initializationOptions as
    | { workspaceTrusted?: unknown; richHovers?: unknown; evaluateAs?: unknown }
    | undefined;
  if (workspace && typeof options?.evaluateAs === 'string' && options.evaluateAs !== '')
    workspace.evaluateAs = options.evaluateAs;
  if (workspace && options?.workspaceTrusted === false) workspace.trusted = false;
  // VS Code renders `<details>` and runs the hover's command links; other editors get plain Markdown.
  state.richHovers = options?.richHovers === true;
  state.codeLensRefresh = params.capabilities.workspace?.codeLens?.refreshSupport === true;
  state.formatRegoOnly = params.capabilities.textDocument?.formatting?.dynamicRegistration === true;
  state.editor.client = clientFeaturesOf(params);
  state.clientSettings = new ClientSettings(state.editor.client, params.initializationOptions);
  const roots = (params.workspaceFolders ?? []).map((f) => toPath(f.uri)).filter((p) => p !== undefined);
  if (workspace)
    state.indexer = new IndexController(
      connection,
      workspace,
      roots.length > 0 ? roots : [workspace.root],
      log,
    );
  const indexer = state.indexer;
  if (indexer) {
    indexer.onProjectView = (changed) => void refresher.projectViewChanged(changed);
    indexer.onReportsChanged = (changes) => void refresher.reportsChanged(changes);
    // Open documents leave out the calls the index's one-report pass drops, as the CLI does.
    if (workspace) workspace.droppedCalls = (innerCalls) => indexer.index.oneReport.droppedCalls(innerCalls);
  }
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      // Completion serves `.clearance.yaml` (`:` and space follow a key) and `.rego` files.
      completionProvider: { triggerCharacters: [':', ' ', ...regoCompletionTriggers] },
      codeLensProvider: { resolveProvider: false },
      // Formatting is for `.rego` only: registered for that language when the client can (so VS Code
      // never offers Clearance as a formatter of TypeScript or Python), else declared here.
      ...(state.formatRegoOnly ? {} : { documentFormattingProvider: true }),
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      executeCommandProvider: { commands: [...serverCommands, ...editorCommands] },
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      ...authoringCapabilities,
    },
    serverInfo: { name: 'clearance', version: '0.1.0' },
  };
}

/** Follows the client's workspace folders, when it sends their changes. */
function watchFolders(connection: Connection, state: ServerState): void {
  try {
    connection.workspace.onDidChangeWorkspaceFolders(async () => {
      const folders = (await connection.workspace.getWorkspaceFolders()) ?? [];
      state.indexer?.setRoots(folders.map((f) => toPath(f.uri)).filter((p) => p !== undefined));
    });
  } catch {
    // The client does not send folder changes: the folders it started with stay indexed.
  }
}
