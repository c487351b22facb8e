/**
 * What the server does when documents and files change: an edited policy reloads after a typing
 * pause, edited code is re-decided after a short one and indexed after a longer one, a closed
 * document gives way to the file on disk, and file events reload what they touch (the policy, the
 * identity, `.clearance.yaml` and the documents it names).
 */
import { FileChangeType } from 'vscode-languageserver/node';
import { regoVersionOf } from '../config/settings';
import { touchesConfigDocuments } from './config-watch';
import { toPath, toUri } from './convert';
import { Debouncer } from './debounce';
import { publishEarlyRegoDiagnostics } from './lint';
import type { DiagnosticsPublisher } from './publish-diagnostics';
import type { Refresher } from './refresh';
import type { ServerState } from './server-state';

/** Registers the document and file event handlers. */
export function registerDocumentEvents(
  state: ServerState,
  publisher: DiagnosticsPublisher,
  refresher: Refresher,
): void {
  const { connection, documents } = state;
  let reloadTimer: NodeJS.Timeout | undefined;
  /**
   * An edited code document is re-decided after a short pause: deciding (and auditing) each
   * keystroke of a burst kept the main thread busy, and hovers waited behind the queued edits.
   */
  const codeEdits = new Debouncer<undefined>(40, (uri) => void publisher.codeDiagnostics(uri));

  documents.onDidChangeContent(async ({ document }) => {
    const ws = state.workspace;
    const path = toPath(document.uri);
    if (!ws || !path) return;
    ws.documents.set(path, { path, text: document.getText(), version: document.version });
    if (path === ws.projectConfigPath) {
      await state.ready;
      await refresher.reloadProjectConfig(document.getText());
      return;
    }
    if (path.endsWith('.rego') || ws.isPolicyFile(path)) {
      // Syntax errors and per-file lint at once, before the policy's compile answers.
      publishEarlyRegoDiagnostics(
        { path, text: document.getText() },
        !!ws.policy,
        state.authoring,
        ws.projectConfig.lint,
        regoVersionOf(ws.settings.policy.regoVersion),
        (file, diagnostics) => publisher.publish(toUri(file), diagnostics),
      );
      // Typing in a policy re-decides every open file; wait for a pause so each keystroke does not.
      clearTimeout(reloadTimer);
      reloadTimer = setTimeout(() => void refresher.reloadPolicyAndRepublish(false), 150);
    } else {
      state.indexer?.updateDocument(path, document.getText());
      codeEdits.schedule(document.uri, undefined);
    }
  });

  documents.onDidClose(({ document }) => {
    const ws = state.workspace;
    const path = toPath(document.uri);
    if (!ws || !path) return;
    ws.documents.delete(path);
    ws.decided.delete(path);
    codeEdits.cancel(document.uri);
    void state.indexer?.closeDocument(path);
    // Closing `.clearance.yaml` without saving leaves the file on disk in force.
    if (path === ws.projectConfigPath) void refresher.reloadProjectConfig();
    else if (ws.isPolicyFile(path)) void refresher.reloadPolicyAndRepublish();
    // A document `.clearance.yaml` names keeps its problems (an editor that syncs every file).
    else if (publisher.showsConfigDocument(path)) publisher.projectConfigDiagnostics();
    else publisher.publish(document.uri, []);
  });

  connection.onDidChangeWatchedFiles(async ({ changes }) => {
    const ws = state.workspace;
    if (!ws) return;
    void state.indexer?.applyFileEvents(changes);
    const paths = changes.map((c) => toPath(c.uri)).filter((p): p is string => p !== undefined);
    state.bundleController?.filesChanged();
    if (paths.some((p) => ws.isIdentityFile(p)))
      await refresher.refreshIdentity(true).then(() => ws.invalidateDecisions());
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
    // The documents `.clearance.yaml` names (OpenAPI, GraphQL) are read again when one of them changed,
    // and when the file itself was saved or changed on disk (for an editor that watches no documents,
    // saving it is how they are read again; typing in it reads none).
    const configSaved = paths.includes(ws.projectConfigPath);
    const documentsTouched = paths.some((p) => touchesConfigDocuments(ws.configDocuments, p));
    if (documentsTouched || configSaved) {
      ws.forgetConfigDocuments();
      await refresher.reloadProjectConfig(ws.documents.get(ws.projectConfigPath)?.text);
    }
    if (policyChanged) await refresher.reloadPolicyAndRepublish();
    else if (paths.some((p) => ws.isIdentityFile(p))) await publisher.allCodeDiagnostics();
  });
}
