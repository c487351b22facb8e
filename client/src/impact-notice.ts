/**
 * Shows the impact of a policy change (`clearance/impact`): a notice such as "2 calls newly denied,
 * 1 newly allowed" (after "revision 42 -> 43: " when a bundle's new revision caused it) with a Show
 * action that lists the changed calls to open, and a log entry.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { ImpactNotification, Verdict } from '../../server/src/lsp/clearance-protocol';
import { toRange } from './permissions-view';

type Change = ImpactNotification['changes'][number];

/** Logs every impact report to `output`, and shows a notice with a Show action when asked to. */
export function registerImpactNotice(client: LanguageClient, output: vscode.LogOutputChannel): void {
  client.onNotification('clearance/impact', async (impact: ImpactNotification) => {
    output.info(`Policy ${impact.fromVersion} → ${impact.toVersion}: ${impact.message}`);
    for (const change of impact.changes) {
      const uri = vscode.Uri.parse(change.uri);
      output.info(
        `  ${change.before} → ${change.after}: ${change.summary} (${vscode.workspace.asRelativePath(uri)}:${change.range.start.line + 1})`,
      );
    }
    if (!impact.notify) return;
    const revisions = describeRevisionChange(impact.fromVersion, impact.toVersion);
    const choice = await vscode.window.showInformationMessage(
      `Clearance: ${revisions ? `${revisions}: ` : ''}${impact.message}`,
      'Show',
    );
    if (choice === 'Show') await pickChange(impact.changes);
  });
}

/**
 * "revision 42 -> 43" when both policy versions are bundle revisions (`42 (sha256:…)`, see
 * docs/bundles.md); undefined for policies read from `.rego` files, whose versions are hashes only.
 */
export function describeRevisionChange(fromVersion: string, toVersion: string): string | undefined {
  const revision = (version: string) => /^(.+?) \(sha256:[0-9a-f]+\)/.exec(version)?.[1];
  const from = revision(fromVersion);
  const to = revision(toVersion);
  return from !== undefined && to !== undefined && from !== to ? `revision ${from} -> ${to}` : undefined;
}

/** Lists the changed calls; the one picked opens at the call. */
async function pickChange(changes: Change[]): Promise<void> {
  const items = changes.map((change) => {
    const uri = vscode.Uri.parse(change.uri);
    return {
      label: `${iconFor(change.after)} ${change.summary}`,
      description: `${change.before} → ${change.after}`,
      detail: `${vscode.workspace.asRelativePath(uri)}:${change.range.start.line + 1}`,
      change,
    };
  });
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Calls whose decision changed',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (!picked) return;
  await vscode.window.showTextDocument(vscode.Uri.parse(picked.change.uri), {
    selection: toRange(picked.change.range),
  });
}

function iconFor(verdict: Verdict): string {
  const icons: Record<Verdict, string> = {
    allowed: '$(pass)',
    denied: '$(error)',
    conditional: '$(question)',
    error: '$(warning)',
  };
  return icons[verdict];
}
