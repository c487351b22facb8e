/**
 * The Rego results panel: one webview beside the editor that shows an evaluation as the server
 * answered it (the query, the input it used, the value, the time, `print` output, errors) and, for
 * Explain, each clause's trace, every step a link to its place in the policy. Everything shown is
 * escaped; the page's one script only posts the link a user clicked, and only links the server sent
 * are opened.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { EvaluateResponse } from '../../server/src/lsp/authoring-protocol';
import { renderResult, type Target } from './rego-results-page';

/** The results panel; `show` reuses one webview. */
export class RegoResultsPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private targets: Target[] = [];

  /** Shows `result` (replacing what the panel showed). */
  show(result: EvaluateResponse): void {
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel(
        'clearance.regoResults',
        'Rego Evaluation',
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        { enableScripts: true, localResourceRoots: [] },
      );
      this.panel.onDidDispose(() => {
        this.panel = undefined;
      });
      this.panel.webview.onDidReceiveMessage((message: { open?: unknown }) => void this.open(message.open));
    }
    this.targets = [];
    const nonce = randomBytes(16).toString('base64');
    this.panel.title = `Rego: ${result.query}`;
    this.panel.webview.html = renderResult(result, nonce, (t) => this.targets.push(t) - 1);
    this.panel.reveal(vscode.ViewColumn.Beside, true);
  }

  /** Opens the target a link names (by index: the page cannot name a place the server did not send). */
  private async open(index: unknown): Promise<void> {
    const target = typeof index === 'number' ? this.targets[index] : undefined;
    if (!target) return;
    const { start, end } = target.range;
    const selection = new vscode.Range(start.line, start.character, end.line, end.character);
    await vscode.window.showTextDocument(vscode.Uri.parse(target.uri), {
      selection,
      viewColumn: vscode.ViewColumn.One,
    });
  }

  /** Closes the panel. */
  dispose(): void {
    this.panel?.dispose();
  }
}
