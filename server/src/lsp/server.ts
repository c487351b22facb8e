/**
 * The Clearance language server's entry: it wires LSP handlers to the workspace state and nothing
 * more. Decisions come from the pure core (scanner, identity, engine) through ClearanceWorkspace;
 * everything sent to the editor passes through `redactTokensInText` on the way out.
 */
import { join } from 'node:path';
import {
  CodeActionKind,
  CodeLensRefreshRequest,
  CompletionItemKind,
  createConnection,
  type Diagnostic,
  DidChangeConfigurationNotification,
  DocumentFormattingRequest,
  FileChangeType,
  type Hover,
  MessageType,
  ProposedFeatures,
  ShowMessageNotification,
  TextDocumentSyncKind,
  TextDocuments,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { completeClearanceYaml } from '../config/clearance-yaml-completion';
import { regoVersionOf } from '../config/settings';
import type { DecidedCall } from '../decision/scan';
import { clearIdentityCaches, redactTokensInText } from '../identity';
import {
  authoringCapabilities,
  registerAuthoringLanguage,
  regoCompletion,
  regoCompletionTriggers,
  regoHover,
} from './authoring-language';
import { AuthoringState } from './authoring-project';
import { registerAuthoringRequests, regoCodeActions, regoCodeLenses } from './authoring-running';
import { createBundleController } from './bundle-controller';
import { ClientSettings, clientFeaturesOf, minimalClientFeatures } from './client-features';
import { toDiagnostic, toPath, toRange, toUri } from './convert';
import { EditorAudit } from './editor-audit';
import {
  type EditorContext,
  editorCommands,
  executeEditorCommand,
  registerEditorHandlers,
} from './editor-handlers';
import {
  buildCodeDiagnostics,
  buildPolicyAndOpenDiagnostics,
  describePolicyState,
  findCallAt,
  findDecidedCall,
  redactDiagnostics,
} from './features';
import { formatDocumentEdits, formatTargetFor } from './formatting';
import { IndexController } from './index-controller';
import { addLintDiagnostics, addWorkspaceLintDiagnostics, publishEarlyRegoDiagnostics } from './lint';
import {
  buildEmptyProjectConfigHints,
  buildNoPolicyHover,
  describeEntrypoints,
  reportSetupState,
} from './setup-notices';
import { ClearanceWorkspace } from './workspace';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
let workspace: ClearanceWorkspace | undefined;
/** The workspace index (every folder of a multi-root workspace), its decisions and impact reports. */
let indexer: IndexController | undefined;
let bundleController: ReturnType<typeof createBundleController> | undefined;
let policyFilesWithDiagnostics = new Set<string>();
let reloadTimer: NodeJS.Timeout | undefined;
let lastIdentityKey = '';
let lastContextClock = 0;
/** How often open files are re-decided for `input.context`'s time fields alone. */
const CONTEXT_CLOCK_MS = 5 * 60_000;
let lastUnplacedErrors = '';
/** Resolves once settings, identity and policy are first loaded: nothing is decided before that. */
let markReady: () => void = () => {};
const ready = new Promise<void>((resolve) => {
  markReady = resolve;
});
const audit = new EditorAudit();
/** The Rego authoring features' view of the workspace (src/authoring); Clearance's input schema ships in schemas/. */
const authoring = new AuthoringState(
  documents,
  () => workspace,
  join(__dirname, '..', '..', 'schemas', 'input.schema.json'),
  ready,
);
const editor: EditorContext = {
  workspace: () => workspace,
  ready,
  client: minimalClientFeatures,
  rego: {
    codeLenses: (uri) => regoCodeLenses(authoring, uri),
    codeActions: (uri, range) => regoCodeActions(authoring, uri, range),
  },
};
let clientSettings = new ClientSettings(minimalClientFeatures, undefined);
let codeLensRefresh = false;
/** The client registers capabilities dynamically: formatting is registered for `.rego` alone. */
let formatRegoOnly = false;
let richHovers = false;

/** Writes to the output channel, with anything token-like blanked out. */
function log(level: 'info' | 'warn' | 'error', text: string): void {
  connection.console[level](redactTokensInText(text));
}

/** Publishes diagnostics with anything token-like blanked out of their messages. */
function publish(uri: string, diagnostics: Diagnostic[], version?: number): void {
  const clean = redactDiagnostics(diagnostics);
  void connection.sendDiagnostics({ uri, diagnostics: clean, ...(version !== undefined ? { version } : {}) });
}

// A failed handler must cost one answer, never the server: log it and go on.
process.on('unhandledRejection', (reason) => {
  log('error', `internal error: ${reason instanceof Error ? reason.message : String(reason)}`);
});

connection.onInitialize((params) => {
  // Without a folder there is no policy to find: Clearance stays idle rather than walk the disk.
  const folder = params.workspaceFolders?.[0]?.uri ?? params.rootUri ?? undefined;
  const root = folder ? toPath(folder) : undefined;
  if (root) {
    workspace = new ClearanceWorkspace(root, join(__dirname, 'wasm'), (m) => log('warn', m));
    // A policy load that ran in the worker ended (or was stopped): republish what depends on it.
    workspace.onPolicySettled = () => void settlePolicy();
    bundleController = createBundleController(workspace, {
      log,
      onChange: () => void reloadPolicyAndRepublish(false),
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
  richHovers = options?.richHovers === true;
  codeLensRefresh = params.capabilities.workspace?.codeLens?.refreshSupport === true;
  formatRegoOnly = params.capabilities.textDocument?.formatting?.dynamicRegistration === true;
  editor.client = clientFeaturesOf(params);
  clientSettings = new ClientSettings(editor.client, params.initializationOptions);
  const roots = (params.workspaceFolders ?? []).map((f) => toPath(f.uri)).filter((p) => p !== undefined);
  if (workspace)
    indexer = new IndexController(connection, workspace, roots.length > 0 ? roots : [workspace.root], log);
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      // Completion serves `.clearance.yaml` (`:` and space follow a key) and `.rego` files.
      completionProvider: { triggerCharacters: [':', ' ', ...regoCompletionTriggers] },
      codeLensProvider: { resolveProvider: false },
      // Formatting is for `.rego` only: registered for that language when the client can (so VS Code
      // never offers Clearance as a formatter of TypeScript or Python), else declared here.
      ...(formatRegoOnly ? {} : { documentFormattingProvider: true }),
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      executeCommandProvider: {
        commands: ['clearance.server.refresh', 'clearance.server.reindex', ...editorCommands],
      },
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      ...authoringCapabilities,
    },
    serverInfo: { name: 'clearance', version: '0.1.0' },
  };
});

connection.onInitialized(async () => {
  // Register only what the client said it supports, and never let readiness wait on the answer: a
  // client that refuses a registration still gets every decision (settings then arrive pushed).
  const refused = (error: unknown) =>
    log('warn', `the editor refused a registration: ${(error as Error).message}`);
  if (editor.client.configurationRegistration) {
    connection.client
      .register(DidChangeConfigurationNotification.type, { section: 'clearance' })
      .catch(refused);
  }
  if (formatRegoOnly)
    connection.client
      .register(DocumentFormattingRequest.type, { documentSelector: [{ language: 'rego' }] })
      .catch(refused);
  await refreshAll();
  void indexer?.startScan();
  try {
    connection.workspace.onDidChangeWorkspaceFolders(async () => {
      const folders = (await connection.workspace.getWorkspaceFolders()) ?? [];
      indexer?.setRoots(folders.map((f) => toPath(f.uri)).filter((p) => p !== undefined));
    });
  } catch {
    // The client does not send folder changes: the folders it started with stay indexed.
  }
  // The time left on the token changes every minute, and a token file may be renewed on disk.
  setInterval(() => void refreshIdentity(false), 30_000).unref();
});

let settingsRequest = 0;

/** Pulls settings, re-reads identity and policy, and republishes everything. */
async function refreshAll(): Promise<void> {
  const ws = workspace;
  if (!ws) return;
  // Replies can arrive out of order; only the newest request's settings are applied.
  const request = ++settingsRequest;
  const raw: unknown = await clientSettings.read(() =>
    connection.workspace.getConfiguration({ section: 'clearance', scopeUri: toUri(ws.root) }),
  );
  if (request !== settingsRequest) return;
  ws.applySettings(raw);
  authoring.applySettings(ws.settings.authoring.inputSchema, ws.root);
  indexer?.applySettings();
  for (const e of ws.settingErrors) log('warn', e.message);
  const configDoc = ws.documents.get(ws.projectConfigPath);
  ws.loadProjectConfig(configDoc?.text);
  publishProjectConfigDiagnostics();
  bundleController?.configure();
  ws.reloadPolicy();
  await refreshIdentity(true);
  await ws.whenPolicyLoaded();
  publishPolicyDiagnostics();
  reportPolicyState();
  reportSetupState(connection, ws, log);
  markReady();
  // Settings such as the severity or the entrypoint change every decision, whatever the identity did.
  ws.invalidateDecisions();
  await publishAllCodeDiagnostics();
  indexer?.decisionsMayHaveChanged();
}

/** Re-resolves the identity; re-decides open documents when it changed. */
async function refreshIdentity(force: boolean): Promise<void> {
  const ws = workspace;
  if (!ws) return;
  if (!(await ws.refreshIdentity())) return;
  const view = ws.describeIdentity(Date.now());
  void connection.sendNotification('clearance/identity', {
    ...view,
    text: redactTokensInText(view.text),
    tooltip: redactTokensInText(view.tooltip),
  });
  const { status, user, expiresAt, simulated, claims, device, timeZone } = ws.identity;
  // Anything input.user or input.context is built from: a change to any of them re-decides, and so
  // does the clock every 5 minutes, so rules on the hour or the authentication age stay current.
  const key = JSON.stringify([status, user, expiresAt, simulated, claims, device, timeZone]);
  const clock = Math.floor(Date.now() / CONTEXT_CLOCK_MS);
  const changed = key !== lastIdentityKey;
  if (force || changed || clock !== lastContextClock) {
    if (force || changed)
      log('info', `identity: ${view.text} (${ws.identity.source.label}, ${ws.identity.status})`);
    lastIdentityKey = key;
    lastContextClock = clock;
    reportSetupState(connection, ws, log);
    if (!force) {
      ws.invalidateDecisions();
      await publishAllCodeDiagnostics();
      indexer?.decisionsMayHaveChanged();
    }
  }
}

/** A policy load in the worker ended (or was stopped): republish the policy's state and every decision. */
async function settlePolicy(): Promise<void> {
  publishPolicyDiagnostics();
  reportPolicyState();
  if (workspace) reportSetupState(connection, workspace, log);
  workspace?.invalidateDecisions();
  await publishAllCodeDiagnostics();
  // As after an edit: a rule half typed can load, and its impact is not worth reporting on its own.
  indexer?.decisionsMayHaveChanged(750);
}

/** Publishes the errors of every policy file, and the parse errors of open `.rego` files outside it. */
function publishPolicyDiagnostics(): void {
  const ws = workspace;
  if (!ws?.policy) return;
  const byFile = buildPolicyAndOpenDiagnostics(
    ws.policy,
    ws.documents.values(),
    regoVersionOf(ws.settings.policy.regoVersion),
  );
  const regoVersion = regoVersionOf(ws.settings.policy.regoVersion);
  addLintDiagnostics(byFile, ws.documents.values(), ws.projectConfig.lint, regoVersion);
  addWorkspaceLintDiagnostics(byFile, authoring, ws.documents.keys(), ws.projectConfig.lint);
  for (const file of ws.policy.regoFiles) if (!byFile.has(file)) byFile.set(file, []);
  for (const file of policyFilesWithDiagnostics) if (!byFile.has(file)) byFile.set(file, []);
  for (const [file, diagnostics] of byFile) publish(toUri(file), diagnostics);
  policyFilesWithDiagnostics = new Set([...byFile].filter(([, d]) => d.length > 0).map(([f]) => f));
}

/**
 * Says, once per change, what keeps the policy from deciding: errors that belong to no file (a
 * policy path that does not exist), or no policy at all. Without a policy no call is flagged, so a
 * project that uses no Rego sees no warnings.
 */
function reportPolicyState(): void {
  const ws = workspace;
  if (!ws?.policy) return;
  const unplaced = ws.policy.errors.filter((e) => !e.location).map((e) => e.message);
  const configured = ws.settings.policy.paths.length > 0;
  if (!ws.hasPolicy()) {
    const missing = configured
      ? `no .rego policy in ${ws.settings.policy.paths.join(', ')} (clearance.policy.paths); point it at the folder that holds your policy`
      : 'no .rego policy found in this workspace; set clearance.policy.paths to where it is';
    // Installed for every TypeScript project, Clearance must not nag where there is no Rego at all:
    // say it in the output unless a policy location was configured and turned out empty.
    if (configured) unplaced.push(missing);
    else log('info', missing);
  }
  const text = unplaced.join('; ');
  if (text === lastUnplacedErrors) return;
  lastUnplacedErrors = text;
  if (!text) return;
  log('warn', text);
  // A notification, not a request: a notice needs no answer, and a client without message
  // requests must not be able to fail it.
  void connection.sendNotification(ShowMessageNotification.type, {
    type: MessageType.Warning,
    message: redactTokensInText(`Clearance: ${text}`),
  });
}

async function publishCodeDiagnostics(uri: string): Promise<void> {
  const ws = workspace;
  const path = toPath(uri);
  if (!ws || !path || !ws.contains(path)) return;
  await ready;
  const decided = await ws.decideDocument(path, new Date());
  // An edit that arrived while deciding makes this result stale; the edit publishes its own.
  if (!decided || ws.documents.get(path)?.version !== decided.version) return;
  publish(
    uri,
    ws.hasPolicy() ? buildCodeDiagnostics(decided, ws.identity, ws.settings) : [],
    decided.version,
  );
  if (ws.hasPolicy()) recordAudit(decided.calls);
}

/** Appends the decisions shown to the audit log; a write error is logged once. */
function recordAudit(calls: DecidedCall[]): void {
  const ws = workspace;
  if (!ws) return;
  const error = audit.record(calls, ws.identity, ws.settings, ws.root);
  if (error) log('warn', error);
}

async function publishAllCodeDiagnostics(): Promise<void> {
  for (const doc of documents.all()) await publishCodeDiagnostics(doc.uri);
  // Lenses are pulled by the editor: ask it to pull again, as every decision may have changed.
  if (codeLensRefresh) void connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
}

/** Publishes the problems of `.clearance.yaml`, or clears them. */
function publishProjectConfigDiagnostics(): void {
  const ws = workspace;
  if (!ws) return;
  publish(toUri(ws.projectConfigPath), [
    ...ws.projectConfigErrors.map(toDiagnostic),
    ...buildEmptyProjectConfigHints(ws),
  ]);
}

/** Re-reads `.clearance.yaml` (from `text` when open) and re-decides open documents if it changed. */
async function reloadProjectConfig(text?: string): Promise<void> {
  const ws = workspace;
  if (!ws) return;
  const changed = ws.loadProjectConfig(text);
  publishProjectConfigDiagnostics();
  if (!changed) return;
  bundleController?.configure();
  indexer?.setScanner(ws.getScanner());
  await publishAllCodeDiagnostics();
}

documents.onDidChangeContent(async ({ document }) => {
  const ws = workspace;
  const path = toPath(document.uri);
  if (!ws || !path) return;
  ws.documents.set(path, { path, text: document.getText(), version: document.version });
  if (path === ws.projectConfigPath) {
    await ready;
    await reloadProjectConfig(document.getText());
    return;
  }
  if (path.endsWith('.rego') || ws.isPolicyFile(path)) {
    const regoVersion = regoVersionOf(ws.settings.policy.regoVersion);
    const early = (file: string, d: Diagnostic[]) => publish(toUri(file), d);
    publishEarlyRegoDiagnostics(
      { path, text: document.getText() },
      !!ws.policy,
      authoring,
      ws.projectConfig.lint,
      regoVersion,
      early,
    );
    // Typing in a policy re-decides every open file; wait for a pause so each keystroke does not.
    clearTimeout(reloadTimer);
    reloadTimer = setTimeout(() => void reloadPolicyAndRepublish(false), 150);
  } else {
    void indexer?.updateDocument(path, document.getText());
    await publishCodeDiagnostics(document.uri);
  }
});

/** Reloads the policy (walking the workspace for policy files again when `rescan`) and republishes. */
async function reloadPolicyAndRepublish(rescan = true): Promise<void> {
  // A load the worker runs republishes when it ends (settlePolicy): the old policy's state is not re-sent.
  if (workspace?.reloadPolicy(rescan) === false) return;
  publishPolicyDiagnostics();
  reportPolicyState();
  if (workspace) reportSetupState(connection, workspace, log);
  await publishAllCodeDiagnostics();
  // The workspace-wide impact waits for a longer pause than the open files: a rule half typed can
  // load (`allow if input.action` before `== "delete"`) and would be reported on its own.
  indexer?.decisionsMayHaveChanged(750);
}

documents.onDidClose(({ document }) => {
  const ws = workspace;
  const path = toPath(document.uri);
  if (!ws || !path) return;
  ws.documents.delete(path);
  ws.decided.delete(path);
  void indexer?.closeDocument(path);
  // Closing `.clearance.yaml` without saving leaves the file on disk in force.
  if (path === ws.projectConfigPath) void reloadProjectConfig();
  else if (ws.isPolicyFile(path)) void reloadPolicyAndRepublish();
  else publish(document.uri, []);
});

connection.onDidChangeConfiguration(({ settings }) => {
  clientSettings.push(settings);
  void refreshAll();
});

connection.onNotification('clearance/workspaceTrust', (params: { trusted?: unknown }) => {
  if (!workspace || typeof params?.trusted !== 'boolean') return;
  workspace.trusted = params.trusted;
  void refreshAll();
});

connection.onDidChangeWatchedFiles(async ({ changes }) => {
  const ws = workspace;
  if (!ws) return;
  void indexer?.applyFileEvents(changes);
  const paths = changes.map((c) => toPath(c.uri)).filter((p): p is string => p !== undefined);
  bundleController?.filesChanged();
  if (paths.some((p) => ws.isIdentityFile(p)))
    await refreshIdentity(true).then(() => ws.invalidateDecisions());
  // An open document's own saves are already compiled from its text; a created or deleted file
  // changes which files the policy has, whether or not it is open.
  const policyChanged = changes.some((c) => {
    const path = toPath(c.uri);
    return (
      path !== undefined &&
      ws.affectsPolicy(path) &&
      (c.type !== FileChangeType.Changed || !ws.documents.has(path))
    );
  });
  if (paths.includes(ws.projectConfigPath) && !ws.documents.has(ws.projectConfigPath))
    await reloadProjectConfig();
  if (policyChanged) await reloadPolicyAndRepublish();
  else if (paths.some((p) => ws.isIdentityFile(p))) await publishAllCodeDiagnostics();
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
  const ws = workspace;
  if (!ws) return;
  ws.setSessionToken(token);
  log('info', token === undefined ? 'sign-in session: none' : 'sign-in session: received');
  await ready;
  await refreshIdentity(false);
});

/** "Evaluate as" from the editor's state: a claims file, or null to stop. */
connection.onNotification('clearance/evaluateAs', async (params: { file?: unknown }) => {
  const ws = workspace;
  if (!ws) return;
  ws.evaluateAs = typeof params?.file === 'string' && params.file !== '' ? params.file : undefined;
  await ready;
  await refreshIdentity(false);
});

connection.onRequest('clearance/entrypoints', async () => {
  await ready;
  return workspace ? describeEntrypoints(workspace) : null;
});

connection.onRequest('clearance/bundles', async () =>
  bundleController ? bundleController.status() : { bundles: [] },
);

connection.onRequest('clearance/permissions', async () => {
  await ready;
  return indexer ? indexer.describePermissions() : null;
});

connection.onExecuteCommand(async ({ command, arguments: args }) => {
  if (command === 'clearance.server.refresh') {
    // An explicit refresh follows a new login or a rotated key: ask the token command and the
    // provider again instead of reusing what was cached.
    clearIdentityCaches();
    return void (await refreshAll());
  }
  // A full rescan that re-parses every file, e.g. after a branch switch the watcher missed.
  if (command === 'clearance.server.reindex') return void (await indexer?.startScan(true));
  const { result } = await executeEditorCommand(connection, editor, command, args ?? []);
  return result;
});

registerEditorHandlers(connection, editor);
registerAuthoringLanguage(connection, authoring);
registerAuthoringRequests(connection, authoring, ready);

/** How long a hover waits for its file's decisions before it says they are not ready. */
const hoverWaitMs = 1500;
const stillDeciding =
  'Clearance is still deciding the calls in this file (a slow policy or a very large file); hover again in a moment. A file that cannot be decided within its limit shows an error in the Problems panel.';

connection.onHover(async ({ textDocument, position }): Promise<Hover | null> => {
  const rego = await regoHover(authoring, textDocument.uri, position);
  if (rego !== undefined) return rego;
  const ws = workspace;
  const path = toPath(textDocument.uri);
  if (!ws || !path || !ws.contains(path)) return null;
  await ready;
  // The main thread always answers: a file still being decided (or stopped) says so.
  const decided = await ws.decideDocumentWithin(path, new Date(), hoverWaitMs);
  if (decided === 'pending') return { contents: { kind: 'markdown', value: stillDeciding } };
  if (!decided) return null;
  if (!ws.hasPolicy()) {
    const call = findDecidedCall(decided.calls, position);
    if (!call) return null;
    const value = buildNoPolicyHover(ws.settings, richHovers, ws.policy?.errors[0]?.message);
    return { contents: { kind: 'markdown', value }, range: toRange(call.call.location) };
  }
  const note = describePolicyState(ws.policy, ws.decisionPolicy, ws.hasPolicy());
  const item = findDecidedCall(decided.calls, position);
  if (item && ws.hasPolicy()) recordAudit([item]);
  const stopped = decided.errors.find((e) => e.code === 'eval_cancel_error' && decided.calls.length === 0);
  if (stopped)
    return {
      contents: { kind: 'markdown', value: `Clearance could not decide this file: ${stopped.message}.` },
    };
  // Decided off this thread (in the worker) before the hover is built, which then only reads them.
  const otherActions = item && ws.hasPolicy() ? await ws.decideOtherActionsSafely(item) : [];
  const others = (shown: DecidedCall) => (shown === item ? otherActions : []);
  const hover = findCallAt(decided.calls, position, ws.identity, note, others, {
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
  const ws = workspace;
  const path = toPath(textDocument.uri);
  const document = documents.get(textDocument.uri);
  if (!ws || !path || path !== ws.projectConfigPath || !document) return null;
  return completeClearanceYaml(document.getText(), document.offsetAt(position)).map((item) => ({
    label: item.label,
    kind: item.kind === 'key' ? CompletionItemKind.Property : CompletionItemKind.Value,
    ...(item.detail === undefined ? {} : { detail: item.detail }),
    ...(item.insertText === undefined ? {} : { insertText: item.insertText }),
  }));
});

connection.onDocumentFormatting(({ textDocument }) => {
  const document = documents.get(textDocument.uri);
  if (!document || !textDocument.uri.endsWith('.rego')) return [];
  const version = workspace ? regoVersionOf(workspace.settings.policy.regoVersion) : 1;
  return formatDocumentEdits(document.getText(), formatTargetFor(version));
});

documents.listen(connection);
connection.listen();
