/**
 * Publishing what the editor shows in its Problems panel: the policy files' errors and lint, the
 * open code documents' decisions, `.clearance.yaml`'s problems, and the notices that say once what
 * keeps the policy from deciding. Every message passes the token redactor on the way out.
 */
import {
  CodeLensRefreshRequest,
  type Diagnostic,
  MessageType,
  ShowMessageNotification,
} from 'vscode-languageserver/node';
import type { DecidedCall } from '../decision/scan';
import { redactTokensInText } from '../identity';
import { toUri } from './convert';
import { EditorAudit } from './editor-audit';
import { redactDiagnostics } from './features';
import { createProjectConfigPublisher } from './project-config';
import type { ServerState } from './server-state';
import { createPolicyDiagnostics, publishCodeDiagnostics } from './shared-diagnostics';

/** The diagnostics publisher of a server. */
export type DiagnosticsPublisher = ReturnType<typeof createDiagnosticsPublisher>;

/** Makes the publisher for `state`; it remembers which files it gave diagnostics, to clear them. */
export function createDiagnosticsPublisher(state: ServerState) {
  const { connection, log } = state;
  const audit = new EditorAudit((error) => log('warn', error));
  let lastUnplacedErrors = '';
  /** The list last published per uri (as JSON; '' for none), so a re-check can skip what did not change. */
  const lastPublished = new Map<string, string>();

  /**
   * Publishes diagnostics with anything token-like blanked out of their messages; with
   * `unlessUnchanged`, not when the uri's last published list was the same. Re-sending 350 unchanged
   * lists after every edit's re-check queued the next completion's answer behind them.
   */
  function publish(uri: string, diagnostics: Diagnostic[], version?: number, unlessUnchanged = false): void {
    const clean = redactDiagnostics(diagnostics);
    const key = clean.length === 0 ? '' : JSON.stringify(clean);
    if (unlessUnchanged && lastPublished.get(uri) === key) return;
    lastPublished.set(uri, key);
    void connection.sendDiagnostics({
      uri,
      diagnostics: clean,
      ...(version !== undefined ? { version } : {}),
    });
  }

  /** Appends the decisions shown to the audit log (written asynchronously); a write error is logged once. */
  function recordAudit(calls: DecidedCall[]): void {
    const ws = state.workspace;
    if (!ws) return;
    audit.record(calls, ws.identity, ws.settings, ws.root);
  }

  const publishPolicyFiles = createPolicyDiagnostics(publish);

  /** Publishes the errors of every policy file, and the parse errors of open `.rego` files outside it. */
  function policyDiagnostics(): void {
    if (state.workspace) publishPolicyFiles(state.workspace, state.authoring);
  }

  /**
   * Says, once per change, what keeps the policy from deciding: errors that belong to no file (a
   * policy path that does not exist), or no policy at all. Without a policy no call is flagged, so a
   * project that uses no Rego sees no warnings.
   */
  function policyState(): void {
    const ws = state.workspace;
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

  /** Decides an open code document and publishes its diagnostics (for the version decided, if still open). */
  async function codeDiagnostics(uri: string): Promise<void> {
    const ws = state.workspace;
    if (!ws) return;
    await state.ready;
    // An edit that arrived while deciding makes this result stale; the edit publishes its own.
    const decided = await publishCodeDiagnostics(ws, uri, publish);
    if (decided && ws.hasPolicy()) recordAudit(decided.calls);
  }

  /** Re-decides and republishes every open document, and asks the editor to pull lenses again. */
  async function allCodeDiagnostics(): Promise<void> {
    for (const doc of state.documents.all()) await codeDiagnostics(doc.uri);
    // Lenses are pulled by the editor: ask it to pull again, as every decision may have changed.
    if (state.codeLensRefresh)
      void connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
  }

  const projectConfig = createProjectConfigPublisher((path, diagnostics) =>
    publish(toUri(path), diagnostics),
  );

  /** Publishes the problems of `.clearance.yaml` and of the documents it names, or clears them. */
  function projectConfigDiagnostics(): void {
    const ws = state.workspace;
    if (!ws) return;
    projectConfig.publish(ws);
  }

  return {
    publish,
    recordAudit,
    /** Resolves when the audit records taken so far are written. */
    flushAudit: () => audit.flush(),
    policyDiagnostics,
    policyState,
    codeDiagnostics,
    allCodeDiagnostics,
    projectConfigDiagnostics,
    /** Whether `path` is a document `.clearance.yaml` names whose problems are published. */
    showsConfigDocument: projectConfig.owns,
  };
}
