/**
 * Clearance's VS Code extension: starts the language server and shows who you are in the status bar.
 * Everything else (decisions, hovers, diagnostics) comes from the server.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  TransportKind,
} from 'vscode-languageclient/node';
import { registerImpactNotice } from './impact-notice';
import { registerPermissionsView } from './permissions-view';

/** What the server sends about the identity (see server/src/lsp/workspace.ts `IdentityView`). */
interface IdentityView {
  text: string;
  tooltip: string;
  status: 'verified' | 'unverified' | 'expired' | 'invalid' | 'missing';
  expiresAt?: number;
}

let client: LanguageClient | undefined;

/** Starts the language client and the status bar item. */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('Clearance', { log: true });
  const serverModule = context.asAbsolutePath(path.join('dist', 'server', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: {
      module: serverModule,
      transport: TransportKind.ipc,
      options: { execArgv: ['--nolazy', '--inspect=6019'] },
    },
  };
  const policyWatcher = vscode.workspace.createFileSystemWatcher('**/*.{rego,json,yaml,yml,jwt,token}');
  const folderWatcher = vscode.workspace.createFileSystemWatcher('**/*', false, true, false);
  // Source files feed the workspace index: edits on disk re-scan them.
  const sourceWatcher = vscode.workspace.createFileSystemWatcher('**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}');
  context.subscriptions.push(policyWatcher, folderWatcher, sourceWatcher);
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'rego' },
      { scheme: 'file', language: 'typescript' },
      { scheme: 'file', language: 'typescriptreact' },
      { scheme: 'file', language: 'javascript' },
      { scheme: 'file', language: 'javascriptreact' },
    ],
    synchronize: {
      fileEvents: [
        policyWatcher,
        // Deleting a folder is one event for the folder, not one per file in it: watch creations
        // and deletions of anything, so a removed policy or identity folder is noticed.
        folderWatcher,
        sourceWatcher,
      ],
    },
    outputChannel: output,
  };

  const status = vscode.window.createStatusBarItem('clearance.identity', vscode.StatusBarAlignment.Left, 100);
  status.name = 'Clearance Identity';
  status.text = '$(shield) Clearance';
  status.command = 'clearance.showIdentity';
  status.show();
  let lastView: IdentityView | undefined;

  client = new LanguageClient('clearance', 'Clearance', serverOptions, clientOptions);
  context.subscriptions.push(
    status,
    output,
    vscode.commands.registerCommand('clearance.refresh', () =>
      client?.sendRequest('workspace/executeCommand', { command: 'clearance.server.refresh' }),
    ),
    vscode.commands.registerCommand('clearance.showOutput', () => output.show()),
    vscode.commands.registerCommand('clearance.showIdentity', () =>
      vscode.window.showInformationMessage(
        lastView ? `${lastView.text}\n\n${lastView.tooltip}` : 'Clearance: no identity yet',
        { modal: true },
      ),
    ),
    vscode.workspace.onDidGrantWorkspaceTrust(() =>
      client?.sendRequest('workspace/executeCommand', { command: 'clearance.server.refresh' }),
    ),
  );
  client.onNotification('clearance/identity', (view: IdentityView) => {
    lastView = view;
    status.text = `${iconFor(view.status)} ${view.text}`;
    status.tooltip = view.tooltip;
    const expiringSoon = view.expiresAt !== undefined && view.expiresAt * 1000 - Date.now() < 5 * 60_000;
    status.backgroundColor =
      view.status === 'verified' && !expiringSoon
        ? undefined
        : new vscode.ThemeColor('statusBarItem.warningBackground');
  });
  const reloadPermissions = registerPermissionsView(context, client);
  registerImpactNotice(client, output);
  await client.start();
  reloadPermissions();
}

function iconFor(status: IdentityView['status']): string {
  return status === 'verified' ? '$(shield)' : status === 'unverified' ? '$(warning)' : '$(error)';
}

/** Stops the language server. */
export async function deactivate(): Promise<void> {
  await client?.stop();
}
