/**
 * The Clearance Permissions view: the resources the workspace's calls touch, each action with its
 * decision for the current identity, and the places in code that make the call. Its data comes from
 * the server's `clearance/permissions`; it reloads on `clearance/permissionsChanged`.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { PermissionsResponse, Verdict, WireRange } from '../../server/src/lsp/clearance-protocol';

type Resource = PermissionsResponse['resources'][number];
type Decision = Resource['actions'][number]['decisions'][number];

/** A node of the tree: a resource, one decision of an action, or a call site. */
type PermissionNode =
  | { kind: 'resource'; resource: Resource }
  | { kind: 'decision'; action: string; decision: Decision }
  | { kind: 'site'; location: Decision['locations'][number] };

const verdictIcons: Record<Verdict, vscode.ThemeIcon> = {
  allowed: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  denied: new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground')),
  conditional: new vscode.ThemeIcon('question', new vscode.ThemeColor('problemsInfoIcon.foreground')),
  error: new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground')),
};

/** What the view shows when the server has no workspace folder to index. */
const noFolder: PermissionsResponse = {
  state: 'noPolicy',
  identity: '',
  files: 0,
  calls: 0,
  truncated: false,
  resources: [],
};

/** Feeds the tree from the server's answers. */
class PermissionsProvider implements vscode.TreeDataProvider<PermissionNode> {
  private readonly changed = new vscode.EventEmitter<PermissionNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  response: PermissionsResponse | undefined;

  constructor(private readonly client: LanguageClient) {}

  /** Asks the server again and redraws. */
  async reload(): Promise<PermissionsResponse | undefined> {
    if (!this.client.isRunning()) return undefined;
    try {
      // A window without a folder has nothing to index: the server answers null.
      const answer: PermissionsResponse | null = await this.client.sendRequest('clearance/permissions');
      this.response = answer ?? { ...noFolder };
    } catch {
      // The server restarts or stops: the next change notification reloads.
      return undefined;
    }
    this.changed.fire(undefined);
    return this.response;
  }

  getChildren(node?: PermissionNode): PermissionNode[] {
    if (!node) return (this.response?.resources ?? []).map((resource) => ({ kind: 'resource', resource }));
    if (node.kind === 'resource') {
      return node.resource.actions.flatMap((action) =>
        action.decisions.map((decision) => ({ kind: 'decision' as const, action: action.action, decision })),
      );
    }
    if (node.kind === 'decision')
      return node.decision.locations.map((location) => ({ kind: 'site', location }));
    return [];
  }

  getTreeItem(node: PermissionNode): vscode.TreeItem {
    if (node.kind === 'resource') {
      const item = new vscode.TreeItem(node.resource.resource, vscode.TreeItemCollapsibleState.Expanded);
      const verdicts = node.resource.actions.flatMap((a) => a.decisions.map((d) => d.verdict));
      item.iconPath = new vscode.ThemeIcon('symbol-class');
      item.description = `${node.resource.actions.length} ${node.resource.actions.length === 1 ? 'action' : 'actions'}`;
      item.tooltip = `${node.resource.resource}: ${countVerdicts(verdicts)}`;
      item.contextValue = 'resource';
      return item;
    }
    if (node.kind === 'decision') {
      const { decision } = node;
      const calls = decision.locations.length;
      const item = new vscode.TreeItem(node.action, vscode.TreeItemCollapsibleState.Collapsed);
      item.iconPath = verdictIcons[decision.verdict];
      const count = `${calls} ${calls === 1 ? 'call' : 'calls'}`;
      item.description = `${decision.verdict} · ${count}`;
      const tooltip = new vscode.MarkdownString();
      tooltip.appendText(`${node.action}: ${decision.verdict}\n\n${decision.why}`);
      if (decision.rule) tooltip.appendText(`\n\nRule: ${decision.rule}`);
      item.tooltip = tooltip;
      item.accessibilityInformation = {
        label: `${node.action}: ${decision.verdict}, ${count}. ${decision.why}`,
      };
      item.contextValue = `decision.${decision.verdict}`;
      return item;
    }
    const { location } = node;
    const uri = vscode.Uri.parse(location.uri);
    const line = location.range.start.line + 1;
    const item = new vscode.TreeItem(location.summary, vscode.TreeItemCollapsibleState.None);
    item.description = `${vscode.workspace.asRelativePath(uri)}:${line}`;
    item.iconPath = new vscode.ThemeIcon('go-to-file');
    item.resourceUri = uri;
    item.command = {
      command: 'vscode.open',
      title: 'Open Call',
      arguments: [uri, { selection: toRange(location.range) } satisfies vscode.TextDocumentShowOptions],
    };
    item.contextValue = 'site';
    return item;
  }
}

/** An editor range from a wire range. */
export function toRange(range: WireRange): vscode.Range {
  return new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
}

function countVerdicts(verdicts: Verdict[]): string {
  const counts = new Map<Verdict, number>();
  for (const verdict of verdicts) counts.set(verdict, (counts.get(verdict) ?? 0) + 1);
  return [...counts].map(([verdict, count]) => `${count} ${verdict}`).join(', ');
}

/** Registers the `clearance.permissions` view, its refresh command, and its reloads on server changes. */
export function registerPermissionsView(
  context: vscode.ExtensionContext,
  client: LanguageClient,
): () => void {
  const provider = new PermissionsProvider(client);
  const view = vscode.window.createTreeView('clearance.permissions', {
    treeDataProvider: provider,
    showCollapseAll: true,
  });
  let pending = false;
  const reload = async () => {
    // A hidden view is reloaded when it is shown, not on every change.
    if (!view.visible) {
      pending = true;
      return;
    }
    pending = false;
    const response = await provider.reload();
    if (!response) return;
    const state = response.state === 'ready' && response.resources.length === 0 ? 'noCalls' : response.state;
    await vscode.commands.executeCommand('setContext', 'clearance.permissions.state', state);
    view.description = response.identity;
    view.message = response.truncated
      ? `Only the first ${response.files} source files are indexed (clearance.index.maxFiles).`
      : undefined;
  };
  context.subscriptions.push(
    view,
    view.onDidChangeVisibility(() => {
      if (view.visible && (pending || !provider.response)) void reload();
    }),
    vscode.commands.registerCommand('clearance.permissions.refresh', () => reload()),
  );
  client.onNotification('clearance/permissionsChanged', () => void reload());
  return () => void reload();
}
