/**
 * Keeping the workspace's inputs current: settings (pulled, or pushed by the client), the identity
 * (re-resolved every 30 s and on demand), `.clearance.yaml` and the documents it names (watched), and
 * the policy; after each change it republishes what depends on it and tells the index its decisions
 * may have changed.
 */
import { CodeLensRefreshRequest } from 'vscode-languageserver/node';
import { redactTokensInText } from '../identity';
import type { ReportChanges } from '../index/one-report';
import { ConfigDocumentsWatcher } from './config-watch';
import { toPath, toUri } from './convert';
import type { ChangedClient } from './index-controller';
import type { DiagnosticsPublisher } from './publish-diagnostics';
import type { ServerState } from './server-state';
import { reportSetupState } from './setup-notices';

/** How often open files are re-decided for `input.context`'s time fields alone. */
const CONTEXT_CLOCK_MS = 5 * 60_000;

/** The refresher of a server. */
export type Refresher = ReturnType<typeof createRefresher>;

/** Makes the refresher for `state`, republishing through `publisher`. */
export function createRefresher(state: ServerState, publisher: DiagnosticsPublisher) {
  const { connection, log } = state;
  let settingsRequest = 0;
  let lastIdentityKey = '';
  let lastContextClock = 0;
  const configWatcher = new ConfigDocumentsWatcher(
    connection,
    () => state.editor.client.fileWatchRegistration,
  );

  /** Pulls settings, re-reads identity and policy, and republishes everything. */
  async function refreshAll(): Promise<void> {
    const ws = state.workspace;
    if (!ws) return;
    // Replies can arrive out of order; only the newest request's settings are applied.
    const request = ++settingsRequest;
    const raw: unknown = await state.clientSettings.read(() =>
      connection.workspace.getConfiguration({ section: 'clearance', scopeUri: toUri(ws.root) }),
    );
    if (request !== settingsRequest) return;
    ws.applySettings(raw);
    state.authoring.applySettings(ws.settings.authoring.inputSchema, ws.root);
    state.indexer?.applySettings();
    for (const e of ws.settingErrors) log('warn', e.message);
    const configDoc = ws.documents.get(ws.projectConfigPath);
    // A refresh reads the documents `.clearance.yaml` names again, as the web build's does.
    ws.forgetConfigDocuments();
    // The index was made before the first read: it learns the client mappings here.
    if (ws.loadProjectConfig(configDoc?.text) === 'clients') state.indexer?.setScanner(ws.getScanner());
    configRead();
    state.bundleController?.configure();
    ws.reloadPolicy();
    await refreshIdentity(true);
    await ws.whenPolicyLoaded();
    publisher.policyDiagnostics();
    publisher.policyState();
    reportSetupState(connection, ws, log);
    state.markReady();
    // Settings such as the severity or the entrypoint change every decision, whatever the identity did.
    ws.invalidateDecisions();
    await publisher.allCodeDiagnostics();
    state.indexer?.decisionsMayHaveChanged();
  }

  /** Re-resolves the identity; re-decides open documents when it changed. */
  async function refreshIdentity(force: boolean): Promise<void> {
    const ws = state.workspace;
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
        await publisher.allCodeDiagnostics();
        state.indexer?.decisionsMayHaveChanged();
      }
    }
  }

  /** A policy load in the worker ended (or was stopped): republish the policy's state and every decision. */
  async function settlePolicy(): Promise<void> {
    publisher.policyDiagnostics();
    publisher.policyState();
    if (state.workspace) reportSetupState(connection, state.workspace, log);
    state.workspace?.invalidateDecisions();
    await publisher.allCodeDiagnostics();
    // As after an edit: a rule half typed can load, and its impact is not worth reporting on its own.
    state.indexer?.decisionsMayHaveChanged(750);
  }

  /**
   * The project's own clients `changed` appeared, changed or went away (the index's project view):
   * re-decide the open documents that name one defined in another file (a document's own clients
   * change only with its own edits, which re-decide it anyway).
   */
  async function projectViewChanged(changed: ChangedClient[]): Promise<void> {
    const ws = state.workspace;
    if (!ws) return;
    const affected = state.documents.all().filter((doc) => {
      const path = toPath(doc.uri);
      return changed.some((client) => client.file !== path && doc.getText().includes(client.name));
    });
    ws.invalidateDocuments(affected.map((doc) => toPath(doc.uri)).filter((path) => path !== undefined));
    for (const doc of affected) await publisher.codeDiagnostics(doc.uri);
  }

  /**
   * The index's one-report pass changed which calls are reported: republish the open documents
   * whose calls it changed, or that hold a call inside a wrapper whose verdict changed. Their
   * decisions are kept and filtered again; a document decided without the project view (before the
   * first index run) has no calls inside wrappers to filter, and is decided again with it.
   */
  async function reportsChanged(changes: ReportChanges): Promise<void> {
    const ws = state.workspace;
    if (!ws) return;
    const wrappers = new Set(changes.wrappers);
    const files = new Set(changes.files);
    const undecided: string[] = [];
    const affected = state.documents.all().filter((doc) => {
      const path = toPath(doc.uri);
      if (path === undefined) return false;
      const decided = ws.decided.get(path)?.innerCalls;
      const indexed = state.indexer?.index.files.get(path)?.facts?.innerCalls;
      const holds = (decided ?? indexed ?? []).some(([, key]) => wrappers.has(key));
      if (!files.has(path) && !holds) return false;
      if (decided === undefined && indexed !== undefined) undecided.push(path);
      return true;
    });
    if (affected.length === 0) return;
    ws.invalidateDocuments(undecided);
    for (const doc of affected) await publisher.codeDiagnostics(doc.uri);
    if (state.codeLensRefresh)
      void connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
  }

  /** Publishes `.clearance.yaml`'s problems, and has the editor watch the documents it named. */
  function configRead(): void {
    publisher.projectConfigDiagnostics();
    if (state.workspace) configWatcher.watch(state.workspace.configDocuments);
  }

  /**
   * Re-reads `.clearance.yaml` (from `text` when open) with the documents it names (from memory unless
   * `forgetConfigDocuments` was called), and re-decides open documents and the index if it changed:
   * the index scans again when the client mappings changed, and only decides again otherwise.
   */
  async function reloadProjectConfig(text?: string): Promise<void> {
    const ws = state.workspace;
    if (!ws) return;
    const change = ws.loadProjectConfig(text);
    configRead();
    if (change === 'none') return;
    state.bundleController?.configure();
    if (change === 'clients') state.indexer?.setScanner(ws.getScanner());
    else state.indexer?.decisionsMayHaveChanged();
    await publisher.allCodeDiagnostics();
  }

  /** Reloads the policy (walking the workspace for policy files again when `rescan`) and republishes. */
  async function reloadPolicyAndRepublish(rescan = true): Promise<void> {
    // A load the worker runs republishes when it ends (settlePolicy): the old policy's state is not re-sent.
    if (state.workspace?.reloadPolicy(rescan) === false) return;
    publisher.policyDiagnostics();
    publisher.policyState();
    if (state.workspace) reportSetupState(connection, state.workspace, log);
    await publisher.allCodeDiagnostics();
    // The workspace-wide impact waits for a longer pause than the open files: a rule half typed can
    // load (`allow if input.action` before `== "delete"`) and would be reported on its own.
    state.indexer?.decisionsMayHaveChanged(750);
  }

  return {
    refreshAll,
    refreshIdentity,
    settlePolicy,
    reloadProjectConfig,
    reloadPolicyAndRepublish,
    projectViewChanged,
    reportsChanged,
  };
}
