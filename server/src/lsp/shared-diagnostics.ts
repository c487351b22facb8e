/**
 * The diagnostics both language servers (the desktop's and the web worker's) publish the same way:
 * the policy files' errors and lint, and an open code document's decisions. Each server publishes
 * through its own redacting `publish`; what is built here is the same for both.
 */
import type { Diagnostic } from 'vscode-languageserver';
import { regoVersionOf } from '../config/settings';
import type { AuthoringState } from './authoring-project';
import { toPath, toUri } from './convert';
import type { DocumentDecisions } from './document-decisions';
import { buildCodeDiagnostics, buildPolicyAndOpenDiagnostics } from './features';
import { addLintDiagnostics, addWorkspaceLintDiagnostics } from './lint';
import type { SharedWorkspace } from './shared-workspace';

/**
 * Publishes one document's diagnostics (with the version they are for, when known); with
 * `unlessUnchanged`, a publisher may skip a list equal to the one it last sent for that uri.
 */
export type Publish = (
  uri: string,
  diagnostics: Diagnostic[],
  version?: number,
  unlessUnchanged?: boolean,
) => void;

/** What the policy files' diagnostics read of a workspace (the web worker's has the same). */
export type PolicyDiagnosticsSource = Pick<
  SharedWorkspace,
  'policy' | 'documents' | 'settings' | 'projectConfig'
>;

/** What an open code document's diagnostics read of a workspace. */
export type CodeDiagnosticsSource = Pick<
  SharedWorkspace,
  'contains' | 'documents' | 'hasPolicy' | 'identity' | 'settings'
> & { decideDocument(path: string, now: Date): Promise<DocumentDecisions | undefined> };

/**
 * Makes the publisher of the policy files' diagnostics: the errors of every policy file, the parse
 * errors of open `.rego` files outside it, and lint; it remembers which files it flagged, to clear them.
 */
export function createPolicyDiagnostics(publish: Publish) {
  let flagged = new Set<string>();
  return (ws: PolicyDiagnosticsSource, authoring: AuthoringState): void => {
    if (!ws.policy) return;
    const regoVersion = regoVersionOf(ws.settings.policy.regoVersion);
    const byFile = buildPolicyAndOpenDiagnostics(ws.policy, ws.documents.values(), regoVersion);
    addLintDiagnostics(byFile, ws.documents.values(), ws.projectConfig.lint, regoVersion);
    addWorkspaceLintDiagnostics(byFile, authoring, ws.documents.keys(), ws.projectConfig.lint);
    for (const file of ws.policy.regoFiles) if (!byFile.has(file)) byFile.set(file, []);
    for (const file of flagged) if (!byFile.has(file)) byFile.set(file, []);
    // An open document's list is always sent: the editor (and a test) learns the re-check ended.
    for (const [file, diagnostics] of byFile)
      publish(toUri(file), diagnostics, undefined, !ws.documents.has(file));
    flagged = new Set([...byFile].filter(([, d]) => d.length > 0).map(([f]) => f));
  };
}

/**
 * Decides the open code document at `uri` and publishes its diagnostics for the version decided;
 * returns the decisions, or undefined when there are none or an edit made them stale meanwhile
 * (the edit publishes its own).
 */
export async function publishCodeDiagnostics(
  ws: CodeDiagnosticsSource,
  uri: string,
  publish: Publish,
): Promise<DocumentDecisions | undefined> {
  const path = toPath(uri);
  if (!path || !ws.contains(path)) return undefined;
  const decided = await ws.decideDocument(path, new Date());
  if (!decided || ws.documents.get(path)?.version !== decided.version) return undefined;
  publish(
    uri,
    ws.hasPolicy() ? buildCodeDiagnostics(decided, ws.identity, ws.settings) : [],
    decided.version,
  );
  return decided;
}
